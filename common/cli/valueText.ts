/**
 * @module How a value (a byte string) reads as text: valid UTF-8 as that text with control
 * characters escaped as valkey-cli escapes them (\n, \x00), anything else in valkey-cli's escaped
 * form. No DOM: the inspector shows values this way and the server's search by value matches the
 * same text, so what is found is what is shown.
 */
import { escapeBulk } from './formatReply.ts'

const decoder = new TextDecoder('utf-8', { fatal: true })
const CONTROL = /[\x00-\x1f\x7f]/g

/** `utf8`: the decoded text before escaping (null when the bytes are not UTF-8). */
export type ValueText = { text: string; utf8: string | null }

export function valueText(bytes: string): ValueText {
  let utf8: string | null
  try {
    const array = new Uint8Array(bytes.length)
    for (let i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i)
    utf8 = decoder.decode(array)
  } catch {
    utf8 = null
  }
  if (utf8 === null) return { text: escapeBulk(bytes).slice(1, -1), utf8: null }
  return { text: utf8.replace(CONTROL, (char) => escapeBulk(char).slice(1, -1)), utf8 }
}
