/**
 * @module Serves the built web app, compressed once in memory.
 *
 * Hundreds of attendees on one conference wifi all load the same few files,
 * so each file is read and compressed (brotli and gzip) once, starting when
 * the server starts, and served from memory afterwards. Compression runs off
 * the event loop (sockets opened meanwhile are answered), and a file is served
 * as it is until its compressed copies are ready. Hashed assets are cached for
 * a year; the page itself is revalidated so a redeploy is picked up at once.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { promisify } from 'node:util'
import { brotliCompress, gzip, constants as zlib } from 'node:zlib'

// Off the event loop (libuv's thread pool): compressing the app's main chunk at brotli's best
// takes a second or more, and a page's WebSocket, opened while its scripts load, must not wait.
const brotliAsync = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

type Entry = { body: Buffer; br?: Buffer; gzip?: Buffer; type: string; etag: string; immutable: boolean }

export function createStaticHandler(root: string) {
  const cache = new Map<string, Promise<Entry | null>>()

  async function load(relative: string): Promise<Entry | null> {
    const file = path.join(root, relative)
    if (!file.startsWith(root + path.sep)) return null
    try {
      if (!(await stat(file)).isFile()) return null
      const body = await readFile(file)
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream'
      const compressible = /^(text\/|image\/svg|application\/json)/.test(type) && body.length > 512
      const found: Entry = {
        body,
        type,
        etag: `"${body.length.toString(16)}-${(await stat(file)).mtimeMs.toString(16)}"`,
        immutable: relative.startsWith('assets' + path.sep),
      }
      // Served as it is until the compressed copies are ready: on a busy machine brotli's best
      // takes seconds for the app's chunk, and the first visitors should not wait for it.
      if (compressible) {
        Promise.all([brotliAsync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }), gzipAsync(body, { level: 9 })]).then(
          ([br, gzipped]) => Object.assign(found, { br, gzip: gzipped }),
          () => undefined
        )
      }
      return found
    } catch {
      return null
    }
  }

  function entry(relative: string): Promise<Entry | null> {
    let pending = cache.get(relative)
    if (!pending) {
      pending = load(relative)
      cache.set(relative, pending)
      // A file that is not there (or could not be read) is looked up again next time. The
      // rejection handler matters: this derived promise is nobody else's, and an unhandled
      // rejection would end the process.
      const forget = () => cache.delete(relative)
      pending.then((found) => found ?? forget(), forget)
    }
    return pending
  }

  // Read and compress the page and its assets now, so the first visitor does not wait for it.
  void entry('index.html')
  readdir(path.join(root, 'assets')).then(
    (files) => files.forEach((file) => void entry(path.join('assets', file))),
    () => undefined
  )

  /** Handles GET/HEAD for the app; returns false when the request is not for a file it has. */
  return async function serve(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false
    const url = new URL(request.url ?? '/', 'http://localhost')
    let relative: string
    try {
      relative = path.normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '')
    } catch {
      return false
    }
    // Paths without an extension are app routes (a mission, a step): the page handles them.
    let found = relative && path.extname(relative) ? await entry(relative) : null
    if (!found && !path.extname(relative)) found = await entry('index.html')
    if (!found) return false

    const accepts = String(request.headers['accept-encoding'] ?? '')
    const encoding = found.br && /\bbr\b/.test(accepts) ? 'br' : found.gzip && /\bgzip\b/.test(accepts) ? 'gzip' : null
    const body = encoding === 'br' ? found.br! : encoding === 'gzip' ? found.gzip! : found.body
    const headers: Record<string, string> = {
      'content-type': found.type,
      'content-length': String(body.length),
      etag: found.etag,
      'cache-control': found.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
    }
    if (encoding) headers['content-encoding'] = encoding
    if (request.headers['if-none-match'] === found.etag) {
      response.writeHead(304, { etag: found.etag }).end()
      return true
    }
    response.writeHead(200, headers)
    response.end(request.method === 'HEAD' ? undefined : body)
    return true
  }
}

/** Answers 500 once a handler failed, unless it had already started its answer. */
export function failed(response: ServerResponse): void {
  if (!response.headersSent) response.writeHead(500)
  response.end()
}

/**
 * The last stop of every request: a file of the app (or the page itself), else 404; without a
 * built app (tests, the API alone) 503 saying how to build it.
 */
export function serveAppOrMissing(
  serveStatic: ReturnType<typeof createStaticHandler> | null,
  request: IncomingMessage,
  response: ServerResponse
): void {
  const handled = serveStatic ? serveStatic(request, response) : Promise.resolve(false)
  handled
    .then((done) => {
      if (done) return
      response.writeHead(serveStatic ? 404 : 503, { 'content-type': 'text/plain; charset=utf-8' })
      response.end(serveStatic ? 'not found\n' : 'the web app is not built; run `npm start`\n')
    })
    .catch(() => failed(response))
}
