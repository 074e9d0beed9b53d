/**
 * @module How a value (a byte string) is shown: readable UTF-8 text when it
 * is that, with anything unprintable escaped as valkey-cli would (\n, \x00);
 * otherwise valkey-cli's own escaped form. Recognises numbers and JSON.
 */
import { valueText } from '../../../../common/cli/valueText.ts'

export type Shown = { text: string; kind: 'text' | 'number' | 'json' | 'binary'; bytes: number }

const NUMBER = /^-?(?:\d+|\d*\.\d+)(?:e[+-]?\d+)?$/i

export function showValue(bytes: string): Shown {
  const { text: escaped, utf8: text } = valueText(bytes)
  if (text === null) return { text: escaped, kind: 'binary', bytes: bytes.length }
  if (NUMBER.test(text)) return { text, kind: 'number', bytes: bytes.length }
  if (/^\s*[[{]/.test(text)) {
    try {
      JSON.parse(text)
      return { text: escaped, kind: 'json', bytes: bytes.length }
    } catch {
      // not JSON after all
    }
  }
  return { text: escaped, kind: 'text', bytes: bytes.length }
}

/** Pretty-printed JSON of a value showValue called json. */
export function prettyJson(bytes: string): string {
  const array = new Uint8Array(bytes.length)
  for (let i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i)
  return JSON.stringify(JSON.parse(new TextDecoder().decode(array)), null, 2)
}

/** A key or field name for display (same rules as values). */
export function showName(bytes: string): string {
  return showValue(bytes).text
}
