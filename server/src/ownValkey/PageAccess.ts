/**
 * @module Who may use inspect mode's page: it shows someone's own database, so every request and
 * every socket must present the page key, as a notebook server asks for its token.
 *
 * The printed URL carries the key as `?key=`. The first request with it gets a cookie and is sent
 * to the same address without the key (so it leaves the address bar and the history); later
 * requests, the page's assets and its WebSocket carry the cookie. The cookie holds a value derived
 * from the key (an HMAC), not the key itself; it is HttpOnly, SameSite=Strict, and named after the
 * key, so two inspectors on one host do not overwrite each other's. Programs may send
 * `Authorization: Bearer <key>` instead. Wrong keys count against the address that sent them
 * (SecretKey); a request that presents nothing is simply refused.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { SecretKey } from '../http/SecretKey.ts'

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest()

const REFUSED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Key needed</title></head>
<body style="font-family: system-ui, sans-serif; background: #0d1117; color: #e6edf3; padding: 2rem">
<h1>This inspector needs its key</h1>
<p>It shows the data of someone's own server, so it opens only from the link <code>npm start -- --inspect</code>
printed (the one with <code>?key=</code>). Open that link again.</p>
</body></html>
`

export class PageAccess {
  readonly cookieName: string
  readonly #cookieDigest: Buffer
  readonly #cookieValue: string

  constructor(private readonly key: SecretKey) {
    this.#cookieValue = createHmac('sha256', key.value).update('inspect-page-cookie').digest('base64url')
    this.#cookieDigest = digest(this.#cookieValue)
    this.cookieName = `vhp-inspect-${createHash('sha256').update(key.value).digest('hex').slice(0, 12)}`
  }

  /** Whether a request (or a socket's upgrade) may go on. */
  allowed(request: IncomingMessage, address: string): boolean {
    const cookie = this.#cookie(request)
    if (cookie !== null && timingSafeEqual(digest(cookie), this.#cookieDigest)) return true
    const header = request.headers.authorization
    if (header !== undefined) return this.key.checkHeader(header, address)
    const given = new URL(request.url ?? '/', 'http://localhost').searchParams.get('key')
    return given !== null && this.key.check(given, address)
  }

  /**
   * Answers requests that are not allowed (401) and the first request with the key (cookie, then
   * the same address without it). True when it answered; false: the request may be served.
   */
  handle(request: IncomingMessage, response: ServerResponse, address: string): boolean {
    const url = new URL(request.url ?? '/', 'http://localhost')
    const given = url.searchParams.get('key')
    if (given !== null && this.key.check(given, address)) {
      url.searchParams.delete('key')
      response.writeHead(303, {
        // The page itself opens on its inspect route; other paths come back as they were.
        location: `${url.pathname}${url.search}${url.pathname === '/' ? '#/inspect' : ''}`,
        'set-cookie': `${this.cookieName}=${this.#cookieValue}; Path=/; HttpOnly; SameSite=Strict`,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      })
      response.end()
      return true
    }
    if (given === null && this.allowed(request, address)) return false
    response.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    response.end(REFUSED_PAGE)
    return true
  }

  #cookie(request: IncomingMessage): string | null {
    const header = request.headers.cookie
    if (!header) return null
    for (const part of header.split(';')) {
      const at = part.indexOf('=')
      if (at > 0 && part.slice(0, at).trim() === this.cookieName) return part.slice(at + 1).trim()
    }
    return null
  }
}
