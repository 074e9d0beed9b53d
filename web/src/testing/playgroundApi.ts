/**
 * @module `window.valkeyPlayground`: a small, stable API for outside test
 * authors (Playwright) to read what the page shows without scraping a canvas.
 *
 *   await page.evaluate(() => window.valkeyPlayground.terminal.text())
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
