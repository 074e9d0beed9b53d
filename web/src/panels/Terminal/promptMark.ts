/**
 * @module The page's "first prompt" moment, as a Performance API mark that `npm run bench` and
 * test authors can read: `performance.getEntriesByName('playground:prompt')`.
 *
 * "The prompt" means the connected prompt (`127.0.0.1:6379> `, not `not connected> `) has been
 * drawn by xterm.js, so what is typed from then on is read and sent. Marked once per page load.
 */
export const PROMPT_MARK = 'playground:prompt'

let marked = false

export function markPrompt(): void {
  if (marked) return
  marked = true
  performance.mark(PROMPT_MARK)
}
