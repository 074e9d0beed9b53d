/**
 * @module Where the instructor page finds its key: `#/teach?key=…` (the URL npm start printed),
 * then this tab's session storage. Once read from the address bar it is taken out of it, so a
 * projected screen or a shared screenshot of the page does not show it.
 */
const STORAGE = 'valkey-playground:instructor-key'

export function isTeachRoute(hash: string): boolean {
  return /^#\/teach(\?|\/|$)/.test(hash)
}

export function takeInstructorKey(location: Location, history: History): string | null {
  const query = location.hash.split('?')[1] ?? ''
  const fromUrl = new URLSearchParams(query).get('key')
  if (fromUrl) {
    rememberInstructorKey(fromUrl)
    history.replaceState(history.state, '', `${location.pathname}${location.search}#/teach`)
    return fromUrl
  }
  try {
    return sessionStorage.getItem(STORAGE)
  } catch {
    return null
  }
}

export function rememberInstructorKey(key: string | null): void {
  try {
    if (key === null) sessionStorage.removeItem(STORAGE)
    else sessionStorage.setItem(STORAGE, key)
  } catch {
    // Without storage the key lasts as long as the page.
  }
}
