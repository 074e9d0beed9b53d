/**
 * @module The control Valkey (the playground's bookkeeping server) cannot be reached.
 *
 * Raised by every control operation that needed the server and did not get an answer, as opposed
 * to a reply error (a bug, or a server that refuses a command). Attendees already in a sandbox
 * keep working from what their process cached; a new arrival gets this, which the gateway shows
 * as a status and retries.
 */
export class ControlUnavailableError extends Error {
  override name = 'ControlUnavailableError'

  constructor(detail?: string) {
    super(`the playground's bookkeeping server is not reachable; retrying…${detail ? ` (${detail})` : ''}`)
  }
}
