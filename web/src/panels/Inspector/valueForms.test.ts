import { describe, expect, it } from 'vitest'
import { utf8Bytes } from '../../../../common/cli/bytes.ts'
import { editForm, fromEditForm, hexDump } from './valueForms.ts'

describe('value forms', () => {
  it('edits readable UTF-8 as text and anything else in valkey-cli escaped form, both back to the same bytes', () => {
    const text = 'Mos Eisley\ncantina é'
    const textBytes = utf8Bytes(text)
    expect(editForm(textBytes)).toEqual({ mode: 'text', text })
    expect(fromEditForm(editForm(textBytes))).toEqual({ bytes: textBytes })

    for (const bytes of ['\x00\xff\x10abc', 'tab\there\x00', '\x80', 'plain\x01']) {
      const form = editForm(bytes)
      expect(form.mode).toBe('escaped')
      expect(form.text.startsWith('"')).toBe(true)
      expect(fromEditForm(form)).toEqual({ bytes })
    }
    expect(editForm('\x00\xff').text).toBe('"\\x00\\xff"')
  })

  it('refuses an escaped edit that is not exactly one argument', () => {
    expect(fromEditForm({ mode: 'escaped', text: '"\\x00" "\\x01"' })).toEqual({ error: expect.stringContaining('2 arguments') })
    expect(fromEditForm({ mode: 'escaped', text: '"\\x00' })).toEqual({ error: expect.stringContaining('Unbalanced') })
    expect(fromEditForm({ mode: 'escaped', text: '"a\\x41"' })).toEqual({ bytes: 'aA' })
  })

  it('dumps bytes as offset, hex in two groups of eight, and printable characters', () => {
    expect(hexDump('Hello\x00\xffworld!!!!!!\x01')).toEqual([
      '00000000  48 65 6c 6c 6f 00 ff 77  6f 72 6c 64 21 21 21 21  |Hello..world!!!!|',
      '00000010  21 21 01                                          |!!.|',
    ])
    expect(hexDump('x'.repeat(40), 32).at(-1)).toBe('… 8 more bytes')
  })
})
