/**
 * @module `window.valkeyPlayground`: a small, stable API for outside test
 * authors (Playwright) to read what the page shows without scraping a canvas.
 *
 *   await page.evaluate(() => window.valkeyPlayground.terminal.text())
 *   await page.evaluate(() => window.valkeyPlayground.terminal.run('HGET k f'))
 *
 * It is part of the product (present in production builds), documented in
 * the README, and kept narrow on purpose.
 */

export type TerminalApi = {
  /** The terminal's logical lines (wrapped rows joined), trailing spaces trimmed. */
  lines(): string[]
  /** lines() joined with "\n". */
  text(): string
  /** True while replies are pending or output is not drawn yet (false: the screen is complete). */
  busy(): boolean
  /** The line being edited at the prompt, without the grey hint. */
  input(): string
  /** True once the server's command docs are loaded: hints, Tab completion and help work. */
  helpReady(): boolean
  /**
   * How many entered lines (typed, pasted, or run by a button) have had their reply drawn since
   * the page loaded; also the terminal root's `data-replies`. Read it before sending a command,
   * then wait for it to pass that number: no stale output can satisfy the wait.
   */
  replies(): number
  /** The last counted reply as plain text (as printed, without colours or the final line end); null before the first. */
  lastReply(): string | null
  /**
   * Runs one line as if typed and entered (echoed, kept in history), and resolves with its reply
   * as lastReply() would give it, once drawn. Lines run in order after any still pending.
   */
  run(line: string): Promise<string>
}

/** The instructor page's watch: the watched attendee's terminal, as the instructor's copy shows it. */
export type WatchApi = {
  /** The copy's logical lines joined with "\n", as TerminalApi.text() reads the attendee's own. */
  text(): string
  /** True while relayed output is not drawn yet. */
  busy(): boolean
}

export type PlaygroundApi = { terminal?: TerminalApi; watch?: WatchApi }

declare global {
  interface Window {
    valkeyPlayground: PlaygroundApi
  }
}

export function playgroundApi(): PlaygroundApi {
  window.valkeyPlayground ??= {}
  return window.valkeyPlayground
}
