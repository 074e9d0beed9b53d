/**
 * @module How tall the terminal is before anyone drags its handle: tall enough for the longest reply
 * a lesson shows, with the command above it and the prompt after it, so a learner sees the whole
 * reply without scrolling the terminal. The inspector keeps the rest (at least 40 % of the height).
 */

/** Lines of the longest ```response block in missions/*.md (Cantina's HGETALL); terminalFit.test.ts keeps it true. */
export const LONGEST_REPLY_LINES = 12
/** The command line, the reply, and the prompt that follows it. */
export const TERMINAL_ROWS = LONGEST_REPLY_LINES + 2
/** One xterm row before the terminal has drawn one (14 px text at line height 1.2 is 19 to 21 px, by font). */
export const FALLBACK_ROW_PX = 20
/** Around xterm's rows: the panel's padding (0.5rem twice), its two 1 px borders and a pixel for rounding. */
const PANEL_CHROME_PX = 19
/** The share the terminal had before rows were counted: where it is already enough, it stays. */
const SMALLEST_SHARE = 0.3
/** The inspector keeps at least this much of the height. */
const LARGEST_SHARE = 0.6

/**
 * The terminal's share of the height it splits with the inspector (the main area without its padding
 * and the handle between them), so that it shows TERMINAL_ROWS rows of rowPx each.
 */
export function terminalShareFor(rowPx: number, sharedPx: number): number {
  if (!(sharedPx > 0) || !(rowPx > 0)) return SMALLEST_SHARE
  const wanted = (TERMINAL_ROWS * rowPx + PANEL_CHROME_PX) / sharedPx
  return Math.min(LARGEST_SHARE, Math.max(SMALLEST_SHARE, wanted))
}
