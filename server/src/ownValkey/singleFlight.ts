/**
 * @module One read at a time, however often it is asked for: while one runs, any number of further
 * asks make exactly one more run after it (so the last ask still sees fresh data). A page that
 * sends a flood of "read again" frames thus costs the server two reads in flight at most, not one
 * per frame.
 */
export function singleFlight(read: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null
  let again = false
  const run = async (): Promise<void> => {
    do {
      again = false
      await read().catch(() => undefined)
    } while (again)
    running = null
  }
  return () => {
    if (running) {
      again = true
      return running
    }
    running = run()
    return running
  }
}
