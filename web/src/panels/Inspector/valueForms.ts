/**
 * @module A value's other faces: a hex dump to read binary data byte by byte, and the form it is
 * edited in — plain text when the value is readable UTF-8, otherwise valkey-cli's own escaped,
 * quoted form ("\x00\xff..."), which a person can change and which splits back into exact bytes.
 */
import { utf8Bytes } from '../../../../common/cli/bytes.ts'
import { quoteArg } from '../../../../common/cli/quoteArgs.ts'
import { splitArgs } from '../../../../common/cli/splitArgs.ts'

const decoder = new TextDecoder('utf-8', { fatal: true })
/** Control characters other than newline and tab cannot be typed in a text box as they are. */
const UNTYPEABLE = /[\x00-\x08\x0b-\x1f\x7f]/

export type EditForm = { mode: 'text'; text: string } | { mode: 'escaped'; text: string }

export function editForm(bytes: string): EditForm {
  let text: string | null
  try {
    text = decoder.decode(Uint8Array.from(bytes, (char) => char.charCodeAt(0)))
  } catch {
    text = null
  }
  if (text !== null && !UNTYPEABLE.test(text)) return { mode: 'text', text }
  // Always quoted, so the box shows one argument even for a value without special bytes.
  const quoted = quoteArg(bytes)
  return { mode: 'escaped', text: quoted.startsWith('"') ? quoted : `"${quoted}"` }
}

/** The bytes an edited form stands for, or an explanation of why it is not one value. */
export function fromEditForm(form: EditForm): { bytes: string } | { error: string } {
  if (form.mode === 'text') return { bytes: utf8Bytes(form.text) }
  const args = splitArgs(utf8Bytes(form.text), 'strict')
  if (args === null) return { error: 'Unbalanced quotes: write the value as one "quoted" argument.' }
  if (args.length !== 1) return { error: `That is ${args.length} arguments; quote the value as one ("a b", "\\x00").` }
  return { bytes: args[0]! }
}

const hex = (code: number) => code.toString(16).padStart(2, '0')

/** Lines of `offset  16 bytes in hex  |printable|`, like `xxd` or `hexdump -C`, up to maxBytes. */
export function hexDump(bytes: string, maxBytes = 4096): string[] {
  const lines: string[] = []
  const end = Math.min(bytes.length, maxBytes)
  for (let offset = 0; offset < end; offset += 16) {
    const chunk = bytes.slice(offset, Math.min(offset + 16, end))
    const codes = Array.from(chunk, (char) => char.charCodeAt(0))
    const left = codes.slice(0, 8).map(hex).join(' ')
    const right = codes.slice(8).map(hex).join(' ')
    const ascii = codes.map((code) => (code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : '.')).join('')
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`)
  }
  if (bytes.length > end) lines.push(`… ${bytes.length - end} more bytes`)
  return lines
}
