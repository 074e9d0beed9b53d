/**
 * @module The command docs' request, made by main.tsx as the page starts rather than once the
 * terminal exists, so hints, Tab completion and help are ready sooner. loadCommandHelp takes it
 * (once); a later load (a reconnect to another version) fetches again.
 */
export const COMMAND_DOCS_URL = '/api/command-docs'

let prefetched: Promise<Response> | null = null

export function prefetchCommandDocs(): void {
  prefetched ??= fetch(COMMAND_DOCS_URL)
  // Failure is loadCommandHelp's to handle; this keeps it from being reported as unhandled meanwhile.
  prefetched.catch(() => undefined)
}

/** The prefetched response for `url`, once; null when there is none (fetch it yourself). */
export function takePrefetchedCommandDocs(url: string): Promise<Response> | null {
  if (url !== COMMAND_DOCS_URL) return null
  const taken = prefetched
  prefetched = null
  return taken
}
