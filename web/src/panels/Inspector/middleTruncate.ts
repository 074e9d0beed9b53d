/**
 * @module Cutting a long name in the middle, so that both its start and its distinguishing end stay
 * readable: `tsession:9371405842118764203:data` in 24 columns reads `tsession:9371…764203:data`.
 *
 * Works on the name as the inspector shows it (showName: UTF-8 text, or valkey-cli's escaped form)
 * and counts in monospace columns, the way a terminal does: most characters take one column, East
 * Asian wide characters and emoji two, combining marks none. It never splits what reads as one
 * character: a grapheme cluster (an emoji with its modifiers or joiners, a letter with its accents)
 * or an escape such as `\xac` or `\n`.
 *
 * Why columns and not pixels: names are set in a monospace font, so a column budget (the cell's
 * width divided by the font's advance, measured once per font with a canvas) is exact for ASCII and
 * escapes, costs a little arithmetic per name rather than a text measurement per candidate cut, and
 * is testable without a browser. Wide characters come from fallback fonts whose advance is close to,
 * not exactly, two columns; the caller keeps CSS's end ellipsis as the backstop for that.
 */

/** What is shown in place of the cut-out middle. */
export const ELLIPSIS = '…'

/** An escape as valkey-cli writes it: `\xHH`, or a backslash and one letter or symbol. */
const ESCAPE = /\\x[0-9a-fA-F]{2}|\\[nrtab"\\]/y

const segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null

/** The text as pieces that are never split: escapes and grapheme clusters, in order. */
export function displayUnits(text: string): string[] {
  const units: string[] = []
  let plain = ''
  const flushPlain = () => {
    if (plain === '') return
    if (segmenter) for (const { segment } of segmenter.segment(plain)) units.push(segment)
    else units.push(...Array.from(plain))
    plain = ''
  }
  for (let i = 0; i < text.length;) {
    ESCAPE.lastIndex = i
    const escape = text[i] === '\\' ? ESCAPE.exec(text) : null
    if (escape) {
      flushPlain()
      units.push(escape[0])
      i += escape[0].length
    } else {
      plain += text[i]
      i++
    }
  }
  flushPlain()
  return units
}

const EMOJI = /\p{Extended_Pictographic}/u
const EMOJI_PRESENTATION = /\p{Emoji_Presentation}|\uFE0F|[\u{1F1E6}-\u{1F1FF}]/u
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]+$/u

/** East Asian Wide and Fullwidth code points (the ranges that matter in practice). */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) || // Hangul Jamo initials
    (code >= 0x2e80 && code <= 0x303e) || // CJK radicals, punctuation
    (code >= 0x3041 && code <= 0x33ff) || // kana, CJK compatibility
    (code >= 0x3400 && code <= 0x4dbf) || // CJK extension A
    (code >= 0x4e00 && code <= 0x9fff) || // CJK unified ideographs
    (code >= 0xa000 && code <= 0xa4cf) || // Yi
    (code >= 0xac00 && code <= 0xd7a3) || // Hangul syllables
    (code >= 0xf900 && code <= 0xfaff) || // CJK compatibility ideographs
    (code >= 0xfe30 && code <= 0xfe4f) || // CJK compatibility forms
    (code >= 0xff00 && code <= 0xff60) || // fullwidth forms
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x20000 && code <= 0x3fffd) // CJK extensions B and later
  )
}

/** Columns one unit takes in a monospace cell. */
export function unitColumns(unit: string): number {
  if (unit.length > 1 && unit[0] === '\\') return unit.length // an escape: as written
  if (ZERO_WIDTH.test(unit)) return 0
  if (EMOJI.test(unit) && (EMOJI_PRESENTATION.test(unit) || unit.includes('\u200d'))) return 2
  if (EMOJI_PRESENTATION.test(unit)) return 2
  const code = unit.codePointAt(0) ?? 0
  return isWide(code) ? 2 : 1
}

/** Columns the whole text takes. */
export function textColumns(text: string): number {
  return displayUnits(text).reduce((sum, unit) => sum + unitColumns(unit), 0)
}

/**
 * The text cut in the middle to at most `columns` columns (the ellipsis takes one), or the text
 * itself when it fits. A little more of the start than of the end is kept, and the end keeps at
 * least its last `:`-separated part when that fits in six tenths of the room (`…:data`).
 */
export function middleTruncate(text: string, columns: number): string {
  const units = displayUnits(text)
  const widths = units.map(unitColumns)
  const total = widths.reduce((sum, width) => sum + width, 0)
  if (total <= columns) return text
  const room = Math.floor(columns) - 1
  if (room <= 0) return columns >= 1 ? ELLIPSIS : ''
  let tailRoom = Math.floor(room / 2)
  const colon = text.lastIndexOf(':')
  const lastPart = colon > 0 ? textColumns(text.slice(colon)) : Infinity
  if (lastPart <= room * 0.6) tailRoom = Math.max(tailRoom, lastPart)
  // The end first (up to its share), then the start gets all that is left.
  let tailWidth = 0
  let tailStart = units.length
  while (tailStart > 0 && tailWidth + widths[tailStart - 1]! <= tailRoom) tailWidth += widths[--tailStart]!
  let headWidth = 0
  let headEnd = 0
  while (headEnd < tailStart && headWidth + widths[headEnd]! <= room - tailWidth) headWidth += widths[headEnd++]!
  return units.slice(0, headEnd).join('') + ELLIPSIS + units.slice(tailStart).join('')
}
