/**
 * @module The line being typed, its cursor, and how to redraw it.
 *
 * Mirrors linenoise in multi-line mode (valkey-cli's editor): a long line
 * wraps onto the next rows and every redraw clears the rows the previous one
 * used. The buffer holds code points, so the cursor moves by character.
 */
import { LIMITS } from '../protocol/index.ts'
import { utf8Length } from './bytes.ts'
import { charWidth, displayWidth } from './displayWidth.ts'

/**
 * The longest line the editor takes, in UTF-8 bytes: the most one command may carry.
 *
 * A deliberate difference from valkey-cli: linenoise's buffer holds 4,096 bytes and drops what is
 * typed or pasted beyond it. In a browser people paste long values (a JSON document, a 36 KB
 * HSET) and expect them to arrive whole, so the only limit is the one the proxy enforces.
 */
export const MAX_LINE_BYTES = LIMITS.maxCommandBytes

export type InsertResult = 'inserted' | 'too-long'

export class LineEditor {
  #chars: string[] = []
  #cursor = 0
  /** Rows used by the last render, and the cursor's row in it (0-based). */
  #renderedRows = 1
  #cursorRow = 0

  get text(): string {
    return this.#chars.join('')
  }

  get cursor(): number {
    return this.#cursor
  }

  get atEnd(): boolean {
    return this.#cursor === this.#chars.length
  }

  setText(text: string, cursor = Infinity): void {
    this.#chars = [...text]
    this.#cursor = Math.min(cursor, this.#chars.length)
  }

  /** Inserts at the cursor, or nothing when the line would pass MAX_LINE_BYTES. */
  insert(text: string): InsertResult {
    if (this.bytesWith(text) > MAX_LINE_BYTES) return 'too-long'
    const chars = [...text]
    // splice(...chars) would overflow the stack for a paste of a few hundred thousand characters.
    this.#chars = [...this.#chars.slice(0, this.#cursor), ...chars, ...this.#chars.slice(this.#cursor)]
    this.#cursor += chars.length
    return 'inserted'
  }

  /** UTF-8 size of the line if `text` were added to it. */
  bytesWith(text: string): number {
    return utf8Length(this.text) + utf8Length(text)
  }

  backspace(): boolean {
    if (this.#cursor === 0) return false
    this.#chars.splice(--this.#cursor, 1)
    return true
  }

  deleteForward(): boolean {
    if (this.#cursor >= this.#chars.length) return false
    this.#chars.splice(this.#cursor, 1)
    return true
  }

  left(): boolean {
    if (this.#cursor === 0) return false
    this.#cursor--
    return true
  }

  right(): boolean {
    if (this.#cursor >= this.#chars.length) return false
    this.#cursor++
    return true
  }

  home(): boolean {
    const moved = this.#cursor !== 0
    this.#cursor = 0
    return moved
  }

  end(): boolean {
    const moved = this.#cursor !== this.#chars.length
    this.#cursor = this.#chars.length
    return moved
  }

  /** Ctrl-U: the whole line goes (linenoise deletes all of it, not just before the cursor). */
  clearLine(): void {
    this.#chars = []
    this.#cursor = 0
  }

  /** Ctrl-K: from the cursor to the end. */
  killToEnd(): void {
    this.#chars.length = this.#cursor
  }

  /** Ctrl-W: the word before the cursor, and the spaces before it. */
  deleteWordBefore(): boolean {
    let start = this.#cursor
    while (start > 0 && this.#chars[start - 1] === ' ') start--
    while (start > 0 && this.#chars[start - 1] !== ' ') start--
    if (start === this.#cursor) return false
    this.#chars.splice(start, this.#cursor - start)
    this.#cursor = start
    return true
  }

  /** Ctrl-T: swaps the character before the cursor with the one under it. */
  transpose(): boolean {
    const at = this.#cursor
    if (at === 0 || at >= this.#chars.length) return false
    const before = this.#chars[at - 1]!
    this.#chars[at - 1] = this.#chars[at]!
    this.#chars[at] = before
    if (at !== this.#chars.length - 1) this.#cursor++
    return true
  }

  /** Forget the previous render's geometry (after the screen was cleared or output printed). */
  resetRender(): void {
    this.#renderedRows = 1
    this.#cursorRow = 0
  }

  /**
   * Escape sequences that redraw prompt + line (+ grey hint) in place, with
   * the cursor where it belongs. `columns` is the terminal width.
   */
  render(prompt: string, columns: number, hint = ''): string {
    const cols = Math.max(1, columns)
    const promptWidth = displayWidth(prompt)
    const text = this.text
    const before = this.#chars.slice(0, this.#cursor).join('')
    const total = promptWidth + displayWidth(text)
    let out = ''
    // Walk down to the last row of the previous render, then clear upwards.
    if (this.#renderedRows - 1 > this.#cursorRow) out += `\x1b[${this.#renderedRows - 1 - this.#cursorRow}B`
    for (let row = 0; row < this.#renderedRows - 1; row++) out += '\r\x1b[0K\x1b[1A'
    out += '\r\x1b[0K'
    out += prompt + text
    // Like linenoise, a hint is shown only when it fits on the line.
    if (hint && total < cols) {
      const room = cols - total
      let shown = ''
      let width = 0
      for (const char of hint) {
        const w = charWidth(char.codePointAt(0)!)
        if (width + w > room) break
        shown += char
        width += w
      }
      if (shown) out += `\x1b[0;90;49m${shown}\x1b[0m`
    }
    let rows = Math.max(1, Math.ceil(total / cols))
    // With the cursor at the very end of a full row, move to a fresh row so
    // the next character does not land at the end of the previous one.
    if (this.atEnd && total > 0 && total % cols === 0) {
      out += '\n\r'
      rows++
    }
    const cursorColumns = promptWidth + displayWidth(before)
    const cursorRow = Math.floor(cursorColumns / cols)
    const lastRow = rows - 1
    if (lastRow > cursorRow) out += `\x1b[${lastRow - cursorRow}A`
    const column = cursorColumns % cols
    out += '\r' + (column > 0 ? `\x1b[${column}C` : '')
    this.#renderedRows = rows
    this.#cursorRow = cursorRow
    return out
  }

  /** Erases the rendered prompt and line, leaving the cursor where the prompt began. */
  erase(): string {
    const up = this.#cursorRow
    this.resetRender()
    return (up > 0 ? `\x1b[${up}A` : '') + '\r\x1b[J'
  }

  /** Where the cursor must go before printing below the line (the end of its last row). */
  moveBelow(): string {
    const down = this.#renderedRows - 1 - this.#cursorRow
    this.resetRender()
    return (down > 0 ? `\x1b[${down}B` : '') + '\r\n'
  }
}
