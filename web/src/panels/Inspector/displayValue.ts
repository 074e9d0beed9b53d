/**
 * @module How a value (a byte string) is shown: readable UTF-8 text when it
 * is that, with anything unprintable escaped as valkey-cli would (\n, \x00);
 * otherwise valkey-cli's own escaped form. Recognises numbers (and, for a
 * number that reads as a plausible Unix time, its date), JSON, and Java-serialized
 * values (decoded: a Spring app's strings and boxed numbers).
 */
import { valueText } from '../../../../common/cli/valueText.ts'
import { isJavaSerialized, javaLine, parseJava } from './javaSerialized.ts'

export type Shown = {
  text: string
  kind: 'text' | 'number' | 'json' | 'binary' | 'java'
  bytes: number
  /** The date a number (or a Java Long or Integer) stands for, when it reads as Unix seconds or milliseconds from 2000 to 2100. */
  date?: string
}

const NUMBER = /^-?(?:\d+|\d*\.\d+)(?:e[+-]?\d+)?$/i
/** 2000-01-01 and 2100-01-01 in Unix seconds: the plausible range of a timestamp in an app's data. */
const FROM_SECONDS = 946_684_800
const TO_SECONDS = 4_102_444_800

/**
 * The UTC date a whole number stands for: ten digits as Unix seconds, thirteen as milliseconds,
 * within 2000–2100; null otherwise (a count, a price, an id).
 */
export function epochDate(text: string): string | null {
  if (!/^\d{10}$|^\d{13}$/.test(text)) return null
  const ms = text.length === 13 ? Number(text) : Number(text) * 1000
  if (ms < FROM_SECONDS * 1000 || ms >= TO_SECONDS * 1000) return null
  const iso = new Date(ms).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, text.length === 13 ? 23 : 19)} UTC`
}

/** The date of a stream entry id (its first part is Unix milliseconds), or null. */
export const streamIdDate = (id: string): string | null => epochDate(id.split('-')[0] ?? '')

const withDate = (shown: Shown, number: string): Shown => {
  const date = epochDate(number)
  return date ? { ...shown, date } : shown
}

export function showValue(bytes: string): Shown {
  const { text: escaped, utf8: text } = valueText(bytes)
  if (text === null) {
    if (isJavaSerialized(bytes)) {
      const java = parseJava(bytes)
      if (java.ok) {
        const shown: Shown = { text: javaLine(java.value), kind: 'java', bytes: bytes.length }
        return java.value.kind === 'boxed' ? withDate(shown, java.value.value) : shown
      }
    }
    return { text: escaped, kind: 'binary', bytes: bytes.length }
  }
  if (NUMBER.test(text)) return withDate({ text, kind: 'number', bytes: bytes.length }, text)
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

/** What a value is, after its size in the detail's header ("· number"). */
export function kindLabel(shown: Shown): string {
  return { number: ' · number', json: ' · JSON', binary: ' · binary', java: ' · Java serialized', text: '' }[shown.kind]
}

/** Pretty-printed JSON of a value showValue called json. */
export function prettyJson(bytes: string): string {
  const array = new Uint8Array(bytes.length)
  for (let i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i)
  return JSON.stringify(JSON.parse(new TextDecoder().decode(array)), null, 2)
}

/** A key or field name for display (same rules as values, but never decoded: a name is shown as its bytes read). */
export function showName(bytes: string): string {
  return valueText(bytes).text
}
