/**
 * @module The page's "first prompt" moment, as a Performance API mark that `npm run bench` and
 * test authors can read: `performance.getEntriesByName('playground:prompt')`.
 *
 * "The prompt" means the connected prompt (`127.0.0.1:6379> `, not `not connected> `) has been
 * drawn by xterm.js, so what is typed from then on is read and sent. Marked once per page load.
 *
 * Also the terminal's first drawing of any kind (afterFirstDraw): what the page waits for before
 * it loads the panels the prompt does not need.
 */
export const PROMPT_MARK = 'playground:prompt'

/**
 * Without a terminal drawing (it failed to start), the other panels still load after this long.
 * A fallback only: the terminal draws within a frame of being made.
 */
const FIRST_DRAW_FALLBACK_MS = 3000

let marked = false
let drawn: () => void = () => {}
const firstDraw = new Promise<void>((resolve) => {
  drawn = resolve
  setTimeout(resolve, FIRST_DRAW_FALLBACK_MS)
})

export function markPrompt(): void {
  if (marked) return
  marked = true
  performance.mark(PROMPT_MARK)
}

/**
 * The terminal parsed its first write (its first prompt, connected or not). xterm.js paints it in
 * the next animation frame; what waits for afterFirstDraw starts in a task after that frame, so
 * it does not hold the prompt's pixels back.
 */
export function markDrawn(): void {
  requestAnimationFrame(() => setTimeout(drawn, 0))
}

/** Resolves once the terminal has drawn for the first time (see markDrawn). */
export function afterFirstDraw(): Promise<void> {
  return firstDraw
}
