/**
 * @module Byte strings (one char per byte, codes 0-255) to and from text.
 *
 * The terminal line is Unicode text; what valkey-cli sends is its UTF-8
 * bytes. Replies come back as byte strings and are written to xterm.js as
 * bytes, which it decodes as UTF-8 itself.
 */

const encoder = new TextEncoder()

export function toBytes(array: Uint8Array): string {
  let out = ''
  // Chunked: String.fromCharCode with a huge spread overflows the stack.
  for (let i = 0; i < array.length; i += 0x8000) {
    out += String.fromCharCode(...array.subarray(i, i + 0x8000))
  }
  return out
}

const NON_ASCII = /[^\x00-\x7f]/

/** UTF-8 bytes of a piece of text, as a byte string. */
export function utf8Bytes(text: string): string {
  // ASCII text is its own UTF-8: the common case needs no encoding at all.
  return NON_ASCII.test(text) ? toBytes(encoder.encode(text)) : text
}

/** How many bytes a piece of text takes in UTF-8. */
export function utf8Length(text: string): number {
  return NON_ASCII.test(text) ? encoder.encode(text).length : text.length
}

export function byteArray(bytes: string): Uint8Array {
  const array = new Uint8Array(bytes.length)
  for (let i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i)
  return array
}
