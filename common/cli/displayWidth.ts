/**
 * @module How many terminal columns text takes (wide East Asian characters
 * and emoji take two, combining marks none), for cursor placement.
 *
 * LIMIT: a compact approximation of Unicode's East Asian Width tables that
 * covers the common wide ranges; rare symbols may be off by one column.
 */

const WIDE: [number, number][] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
]

function inRanges(code: number, ranges: [number, number][]): boolean {
  for (const [low, high] of ranges) if (code >= low && code <= high) return true
  return false
}

export function charWidth(code: number): number {
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0
  if ((code >= 0x300 && code <= 0x36f) || code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f)) return 0
  return inRanges(code, WIDE) ? 2 : 1
}

export function displayWidth(text: string): number {
  let width = 0
  for (const char of text) width += charWidth(char.codePointAt(0)!)
  return width
}
