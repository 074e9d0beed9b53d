/**
 * @module Starts inspect mode (`npm start -- --inspect URL`): the live inspector and the terminal
 * against someone's own server, with no sandboxes, no ACL users and no library loaded: nothing is
 * written to that server unless a user asks (--write for the terminal and the edit buttons, the
 * "turn notifications on" button for CONFIG SET).
 *
 * Every HTTP request and the WebSocket must present the page key (PageAccess). The server listens
 * on 127.0.0.1 unless HOST says otherwise (main.ts decides).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Config, ValkeyTarget } from '../config.ts'
import { createCommandDocsHandler } from '../http/commandDocs.ts'
import { clientAddress } from '../http/clientAddress.ts'
import { SecretKey } from '../http/SecretKey.ts'
import type { Gateway } from '../http/socketEdge.ts'
import { createStaticHandler, failed, serveAppOrMissing } from '../http/staticFiles.ts'
import { KeyspaceWatcher } from '../inspector/KeyspaceWatcher.ts'
import type { ServerInfo } from '../../../common/protocol/index.ts'
import { gate, needsDatabaseSize, type GateMode } from './commandGate.ts'
import type { OwnValkeyConfig } from './ownValkeyConfig.ts'
import { attachOwnValkeyGateway } from './ownValkeyGateway.ts'
import { LiveState } from './LiveState.ts'
import { PageAccess } from './PageAccess.ts'
import { probeTarget, type TargetFacts } from './probeTarget.ts'
import { endpointOf } from './targetConnection.ts'

export type OwnValkeyOptions = {
  config: Pick<Config, 'port' | 'host' | 'webRoot' | 'allowedOrigins' | 'trustedProxies'>
  inspect: OwnValkeyConfig
  log?: (message: string) => void
  helloTimeoutMs?: number
}

export type OwnValkeyServer = {
  /** The page's address with its key (`?key=`): printed once at start. */
  url: string
  /** The same without the key. */
  address: string
  port: number
  server: Server
  facts: TargetFacts
  endpoint: ValkeyTarget
  live: LiveState
  gateway: Gateway
  close(): Promise<void>
}

const TLS_HINT = ' (give the CA that signed it with --tls-ca FILE, or --tls-insecure to skip the check for a test server)'

/** `host:port` as valkey-cli shows it in its prompt (an IPv6 address in brackets). */
const promptAddress = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`)

export async function startOwnValkey(options: OwnValkeyOptions): Promise<OwnValkeyServer> {
  const { config, inspect } = options
  const log = options.log ?? ((message: string) => console.log(message))
  const endpoint = endpointOf(inspect.target)
  const where = promptAddress(endpoint.host, endpoint.port)
  let facts: TargetFacts
  try {
    facts = await probeTarget(endpoint)
  } catch (error) {
    const message = (error as Error).message
    // Node's words for a certificate it cannot trust; the fix is one of two options.
    const hint = endpoint.tls && /certificate|self-signed|unable to verify/i.test(message) ? TLS_HINT : ''
    throw new Error(`cannot inspect ${where}: ${message}${hint}`, { cause: error })
  }

  const mode: GateMode = { write: inspect.write, dangerous: inspect.dangerous, keysUpTo: inspect.keysUpTo }
  const serverInfo: ServerInfo = {
    address: where,
    valkeyVersion: facts.version,
    features: { hashFieldExpiration: facts.fieldExpiry },
    embedded: false,
    inspect: {
      readOnly: !inspect.write,
      dangerous: inspect.dangerous,
      db: inspect.target.db,
      user: inspect.target.username ?? null,
      tls: inspect.target.tls !== null,
      product: facts.product,
    },
  }

  const key = inspect.key ? new SecretKey(inspect.key) : SecretKey.random()
  const access = new PageAccess(key)
  const live = new LiveState(endpoint, log)
  const watcher = new KeyspaceWatcher(endpoint, log, (status) => live.subscription(status))
  await live.start()
  // A server that refuses the subscription still answers: the pages poll (LiveState says why).
  await watcher.start().catch((error: Error) => log(`inspect: keyspace notifications unavailable for now (${error.message})`))
  await live.answered(2000)

  const serveStatic = config.webRoot ? createStaticHandler(config.webRoot) : null
  const serveCommandDocs = createCommandDocsHandler(endpoint, facts.version, false)
  const server = createServer((request, response) => {
    if (access.handle(request, response, clientAddress(request, config.trustedProxies))) return
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ mode: 'inspect', server: where, live: live.status.mode }))
      return
    }
    if (path === '/api/command-docs') return void serveCommandDocs(request, response).catch(() => failed(response))
    serveAppOrMissing(serveStatic, request, response)
  })

  const gateway = attachOwnValkeyGateway(
    server,
    {
      allowedOrigins: config.allowedOrigins,
      trustedProxies: config.trustedProxies,
      helloTimeoutMs: options.helloTimeoutMs,
      authorize: (request, address) => access.allowed(request, address),
      log,
    },
    {
      endpoint,
      fieldExpiry: facts.fieldExpiry,
      serverInfo,
      gate: (args, keysInDb) => gate(facts.table, args, mode, keysInDb),
      needsSize: (args) => needsDatabaseSize(args, mode),
      watcher,
      live,
      log,
    }
  )

  const close = async () => {
    await gateway.close()
    watcher.close()
    live.close()
    await new Promise<void>((resolve) => {
      if (!server.listening) return resolve()
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(config.port, config.host, () => resolve())
    })
  } catch (error) {
    await close()
    throw error
  }
  const port = (server.address() as AddressInfo).port
  const shownHost =
    config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host
  const address = `http://${shownHost}:${port}/`
  let closing: Promise<void> | null = null
  return {
    url: `${address}?key=${key.value}`,
    address,
    port,
    server,
    facts,
    endpoint,
    live,
    gateway,
    close: () => (closing ??= close()),
  }
}
