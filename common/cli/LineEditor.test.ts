import { describe, expect, it } from 'vitest'
import { LineEditor, MAX_LINE_BYTES } from './LineEditor.ts'

function typed(text: string): LineEditor {
  const editor = new LineEditor()
  editor.insert(text)
  return editor
}

describe('LineEditor', () => {
  it('takes a line up to the command size limit, counted in UTF-8 bytes, and refuses more whole', () => {
    const editor = typed('é'.repeat(MAX_LINE_BYTES / 2 - 1))
    expect(editor.insert('ab')).toBe('inserted')
    expect(editor.insert('c')).toBe('too-long')
    expect(editor.text.length).toBe(MAX_LINE_BYTES / 2 + 1)
  })

  it('inserts at the cursor and moves by character, not by UTF-16 unit', () => {
    const editor = typed('hé😀x')
    editor.left()
    editor.left()
    editor.insert('!')
    expect(editor.text).toBe('hé!😀x')
    expect(editor.cursor).toBe(3)
  })

  it('implements the linenoise editing keys', () => {
    const editor = typed('HSET key field')
    editor.deleteWordBefore()
    expect(editor.text).toBe('HSET key ')
    editor.home()
    editor.right()
    editor.transpose()
    expect(editor.text).toBe('SHET key ')
    editor.killToEnd()
    expect(editor.text).toBe('SH')
    editor.clearLine()
    expect(editor.text).toBe('')
    expect(editor.backspace()).toBe(false)
  })

  it('redraws a line that wraps, and clears the rows it used before', () => {
    const editor = typed('x'.repeat(15))
    const first = editor.render('> ', 10)
    expect(first).toBe('\r\x1b[0K> ' + 'x'.repeat(15) + '\r\x1b[7C')
    editor.backspace()
    // The previous render used two rows with the cursor on the second: clear it and the row above.
    expect(editor.render('> ', 10)).toMatch(/^\r\x1b\[0K\x1b\[1A\r\x1b\[0K> x{14}\r\x1b\[6C$/)
  })

  it('shows a grey hint only when it fits', () => {
    const editor = typed('HSET ')
    expect(editor.render('> ', 80, 'key field value')).toContain('\x1b[0;90;49mkey field value\x1b[0m')
    expect(editor.render('> ', 12, 'key field value')).toContain('\x1b[0;90;49mkey f\x1b[0m')
  })
})
