/**
 * @module GET /api/command-docs: the live server's COMMAND DOCS, parsed into
 * valkey-cli's help entries, for the terminal's hints, help and completion.
 *
 * valkey-cli asks COMMAND DOCS at start-up; here the proxy asks once per
 * Valkey (a Valkey 9 server therefore brings its new commands' hints with
 * it) and serves the result compressed, with an ETag, so each browser
 * downloads it once.
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import type { ValkeyTarget } from '../config.ts'
import { openAdminConnection } from '../valkey/adminConnection.ts'
import type { CommandDocsPayload, HelpEntry } from '../../../common/protocol/index.ts'
import { parseCommandDocs } from '../valkey/commandDocs.ts'
import { sessionHelpEntries } from '../sessions/sessionCommands.ts'

type Prepared = { json: Buffer; br: Buffer; gzip: Buffer; etag: string }

/**
 * valkey-cli's version string for the server's build: the version, plus the
 * git commit when the build knows one (and "-dirty" for a modified tree).
 */
export function cliVersionOf(info: string): string {
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? ''
  const version = field('valkey_version') || field('redis_version')
  const sha = field('valkey_git_sha1') || field('redis_git_sha1')
  const dirty = field('valkey_git_dirty') || field('redis_git_dirty')
  if (!/^[0-9a-f]+$/i.test(sha) || /^0+$/.test(sha)) return version
  return `${version} (git:${sha}${Number.parseInt(dirty, 10) ? '-dirty' : ''})`
}

/** Reads COMMAND DOCS over a raw connection, keeping simple strings apart from bulk ones. */
async function fetchDocs(target: ValkeyTarget, playgroundCommands: boolean): Promise<{ cliVersion: string; entries: HelpEntry[] }> {
  const connection = await openAdminConnection(target, 'command-docs')
  try {
    const [info, docs] = await Promise.all([connection.send(['INFO', 'server']), connection.send(['COMMAND', 'DOCS'])])
    if (docs.t === 'err') throw new Error(docs.s)
    // The playground's own commands (the session manager) are listed with Valkey's, in order.
    const entries = [...parseCommandDocs(docs), ...(playgroundCommands ? sessionHelpEntries() : [])].sort((a, b) => {
      const [x, y] = [a.words.join(' '), b.words.join(' ')]
      return x < y ? -1 : x > y ? 1 : 0
    })
    return { cliVersion: info.t === 'bulk' ? cliVersionOf(info.s) : '', entries }
  } finally {
    connection.close()
  }
}

/** `playgroundCommands`: the session manager's commands are listed too (not in inspect mode, which has none). */
export function createCommandDocsHandler(target: ValkeyTarget, valkeyVersion: string, playgroundCommands = true) {
  let prepared: Promise<Prepared> | null = null

  const prepare = async (): Promise<Prepared> => {
    const { cliVersion, entries } = await fetchDocs(target, playgroundCommands)
    const payload: CommandDocsPayload = { valkeyVersion, cliVersion: cliVersion || valkeyVersion, entries }
    const json = Buffer.from(JSON.stringify(payload))
    return {
      json,
      br: brotliCompressSync(json),
      gzip: gzipSync(json),
      etag: `"${createHash('sha256').update(json).digest('hex').slice(0, 20)}"`,
    }
  }

  return async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    prepared ??= prepare()
    let docs: Prepared
    try {
      docs = await prepared
    } catch (error) {
      prepared = null // try again on the next request
      response.writeHead(503, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ error: `COMMAND DOCS unavailable: ${(error as Error).message}` }))
      return
    }
    if (request.headers['if-none-match'] === docs.etag) {
      response.writeHead(304, { etag: docs.etag }).end()
      return
    }
    const accepts = String(request.headers['accept-encoding'] ?? '')
    const [body, encoding] = /\bbr\b/.test(accepts) ? [docs.br, 'br'] : /\bgzip\b/.test(accepts) ? [docs.gzip, 'gzip'] : [docs.json, null]
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(body.length),
      etag: docs.etag,
      'cache-control': 'no-cache',
      vary: 'accept-encoding',
      ...(encoding ? { 'content-encoding': encoding } : {}),
    })
    response.end(body)
  }
}
