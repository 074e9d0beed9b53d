/**
 * @module Starts the whole playground: the pool of Valkey servers (embedded or given), the
 * bookkeeping client, the sandbox registry, and the HTTP + WebSocket server.
 *
 * `npm start` and the integration tests both come through here, so the tests
 * exercise the same start-up path users run.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Config, ValkeyTarget } from './config.ts'
import { createCommandDocsHandler } from './http/commandDocs.ts'
import { createMissionsHandler } from './http/missions.ts'
import { createStaticHandler, failed, serveAppOrMissing } from './http/staticFiles.ts'
import { MissionCatalog } from './missions/MissionCatalog.ts'
import { ProgressStore } from './missions/ProgressStore.ts'
import { attachGateway, type Gateway } from './http/wsGateway.ts'
import { SandboxRegistry } from './sandbox/SandboxRegistry.ts'
import { connectAdmin, createAdminClient, type AdminClient, type Capabilities } from './valkey/adminClient.ts'
import { MAX_BYTES, MAX_SCRIPTS, readLuaDefaults, ScriptBook } from './sandbox/ScriptBook.ts'
import type { MemoryQuota } from './sandbox/MemoryQuota.ts'
import { scriptGuardLine } from './sandbox/scriptGuard.ts'
import { SecretKey } from './http/SecretKey.ts'
import { Room } from './instructor/Room.ts'
import { createInstructorHandler } from './http/instructorApi.ts'
import { runInDb } from './valkey/runInDb.ts'
import type { EmbeddedValkey } from './valkey/EmbeddedValkey.ts'
import type { EmbeddedPool } from './pool/EmbeddedPool.ts'
import { poolServers } from './pool/poolServers.ts'
import { ShutdownSteps } from './shutdownSteps.ts'
import type { ServerKeeper } from './pool/ServerKeeper.ts'
import { ValkeyPool } from './pool/ValkeyPool.ts'
import { followServerRestarts } from './pool/serverRestarts.ts'
import { ControlLink } from './control/ControlLink.ts'
import { patternsKey, sharedPatterns } from './control/sharedPatterns.ts'
import { SandboxDirectory } from './control/SandboxDirectory.ts'
import { SharedSecret } from './control/sharedSecret.ts'
import { ScriptStore } from './control/ScriptStore.ts'

export type PlaygroundOptions = {
  config: Config
  log?: (message: string) => void
  /** How often idle sandboxes are looked for. */
  sweepIntervalMs?: number
  /** A running script is stopped after this long (Valkey blocks everyone meanwhile). */
  scriptTimeoutMs?: number
  /** Clock for sandbox idleness (tests move it forward instead of waiting hours). */
  now?: () => number
  /** A socket that sends no hello within this time is closed (default 10 s). */
  helloTimeoutMs?: number
  /** The room's heartbeat between processes, and when a silent process counts as dead (tests shorten them). */
  room?: { heartbeatMs?: number; deadAfterMs?: number }
  /**
   * This process's heartbeat in the control Valkey, when it counts as gone, and how long a sandbox
   * open here still resumes from this process's cache while the control server is down (tests shorten them).
   */
  control?: { heartbeatMs?: number; staleMs?: number; cacheTrustMs?: number }
  /**
   * The pool's servers, kept by someone else (a worker under the cluster primary, whose keeper
   * relays restarts to it). Absent: config.valkeyUrls if set, else embedded servers started here.
   */
  servers?: { targets: ValkeyTarget[]; keeper: ServerKeeper | null }
}

export type Playground = {
  /** Where the page is served, e.g. http://127.0.0.1:8080/ */
  url: string
  port: number
  server: Server
  /** The pool's servers, each with what the playground keeps per server. */
  pool: ValkeyPool
  /** The bookkeeping client (registry, progress): CONTROL_URL, or the first server's control database. */
  control: AdminClient
  /** The first server's admin client, capabilities and quota (all a one-server playground has). */
  admin: AdminClient
  capabilities: Capabilities
  registry: SandboxRegistry
  /** This process's link to the control Valkey (its identity and heartbeat there). */
  link: ControlLink
  /** The first server's memory quota and its meter; null when SANDBOX_MEMORY_MB=0. */
  quota: MemoryQuota | null
  gateway: Gateway
  /** The instructor's grid of attendees. */
  room: Room
  /** The instructor URL (carries the key); printed once at start, never logged. */
  instructorUrl: string
  /** The embedded servers this playground started; null with VALKEY_URL or `servers`. */
  embeddedPool: EmbeddedPool | null
  /** The first embedded server (embeddedPool.servers[0]); null without one. */
  embedded: EmbeddedValkey | null
  /** The first server. */
  valkey: ValkeyTarget
  close(): Promise<void>
}

export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const { config } = options
  const log = options.log ?? ((message: string) => console.log(message))
  const shutdown = new ShutdownSteps(log)
  const onClose = (step: () => Promise<void> | void, ms?: number) => shutdown.add(step, ms)
  const cleanup = () => shutdown.run()

  try {
    const servers = await poolServers(config, options.servers, log)
    const { keeper, embedded } = servers
    // Registered first, so it runs last: SIGTERM, SIGKILL after 3 s, then the folders are released.
    if (embedded) onClose(() => embedded.stop(), 6500)

    const pool = await ValkeyPool.open({
      targets: servers.targets,
      embedded: keeper !== null,
      maxSandboxes: config.maxSandboxes,
      sandboxMemoryMb: config.sandboxMemoryMb,
      scriptMemoryMb: config.scriptMemoryMb,
      log,
    })
    onClose(() => pool.close())
    const first = pool.first

    // The bookkeeping database: a client of its own, also when it is the first server's.
    const controlTarget = config.controlUrl ?? first.target
    const control = createAdminClient(controlTarget, 'playground-control')
    control.on('error', () => undefined) // reconnects by itself; commands report failures
    await connectAdmin(control, `${controlTarget.host}:${controlTarget.port} (the bookkeeping server)`)
    onClose(() => control.disconnect())
    // One identity and heartbeat per process: what it holds in the control server counts while it beats.
    const link = new ControlLink({ control, ...options.control, log })
    await link.start()
    onClose(() => link.stop())
    // Every process derives the sandboxes' ACL passwords from one secret, so any of them can serve any sandbox.
    const aclSecret = await new SharedSecret(link, log).get()
    // A sandbox's tabs on other processes keep their pattern subscriptions when this one rebuilds its rules.
    for (const node of pool.nodes) node.patterns.share(sharedPatterns(control, link.processId, node.index))

    // Read while the Lua VM is fresh: every sandbox's scripts start from these settings. The pool's
    // servers are taken to run one Valkey version, so the first one's defaults stand for all.
    const luaDefaults = await readLuaDefaults(first.admin)
    const guard = first.quota ? scriptGuardLine(first.quota.growingCommands, first.quota.quotaMb) : null
    // Books are kept in the control server too: a page reconnecting to another process finds its scripts.
    const scripts = new ScriptBook(luaDefaults, guard, new ScriptStore(link, { maxScripts: MAX_SCRIPTS, maxBytes: MAX_BYTES }), log)

    const missions = new MissionCatalog(config.missionsDir, log)
    const instructorKey = config.instructorKey ? new SecretKey(config.instructorKey) : SecretKey.random()
    // The room is shared with every playground process on this control Valkey (its own client).
    const roomControl = createAdminClient(controlTarget, 'playground-room')
    roomControl.on('error', () => undefined) // reconnects by itself; writes report failures
    await connectAdmin(roomControl, `${controlTarget.host}:${controlTarget.port} (the bookkeeping server)`)
    onClose(() => roomControl.disconnect())
    const room = new Room({
      steps: (id) => missions.get(id)?.steps.map((step) => step.id) ?? null,
      rules: { afterSeconds: config.stuckAfterSeconds, errors: config.stuckErrors },
      now: options.now,
      resetSandbox: async (number) => {
        const { node, db } = pool.place(number)
        await runInDb(node.admin, db, ['FLUSHDB'])
        node.quota?.emptied(db)
        await progress.clear(number)
      },
      // Another process's instructor emptied it: the memory meter here learns it too.
      resetElsewhere: (number) => {
        const { node, db } = pool.place(number)
        node.quota?.emptied(db)
      },
      usersOf: (number) => registry.usersOf(number),
      shared: { control: roomControl, processId: link.processId, ...options.room },
      log,
    })
    await room.start()
    onClose(() => room.shutdown())

    // Saved progress is something stored: such a sandbox is kept after its tab closes.
    const progress = new ProgressStore(control, (number) => registry.markUsed(number))
    const registry: SandboxRegistry = new SandboxRegistry({
      directory: new SandboxDirectory({ link, now: options.now, cacheTrustMs: options.control?.cacheTrustMs, log }),
      servers: pool.nodes.map((node) => ({
        admin: node.admin,
        databases: node.databases,
        databaseAcl: node.capabilities.databaseAcl,
        patternsInUse: (db) => node.patterns.all(db),
      })),
      idleMs: config.sandboxIdleMs,
      emptyIdleMs: config.sandboxEmptyIdleMs,
      perAddress: config.sandboxesPerAddress,
      secret: aclSecret,
      now: options.now,
      log,
      // A sandbox handed out or recycled starts without anyone's mission progress.
      forget: async ({ number, server, db }) => {
        room.forget(number)
        await scripts.forget(number)
        pool.node(server).quota?.emptied(db)
        await progress.clear(number)
        await control.call('del', patternsKey(number)).catch(() => undefined)
      },
    })
    await registry.load()
    // Runs after the gateway closed its sockets: their releases reach the control server before it is let go.
    onClose(() => registry.settled())
    // Data from before this start (the append-only files) is measured in the background.
    for (const node of pool.nodes) void node.quota?.meter.resyncAll(registry.databasesInUse(node.index))
    const sweeper = setInterval(() => {
      registry.sweep().catch((error: Error) => log(`sandbox sweep failed: ${error.message}`))
    }, options.sweepIntervalMs ?? 60_000)
    sweeper.unref()
    onClose(() => clearInterval(sweeper))

    const serveInstructor = createInstructorHandler({ room, key: instructorKey, missions, trustedProxies: config.trustedProxies })
    const serveStatic = config.webRoot ? createStaticHandler(config.webRoot) : null
    const serveCommandDocs = createCommandDocsHandler(first.target, first.capabilities.valkeyVersion)
    const serveMissions = createMissionsHandler(missions, () => pool.serverInfo())
    const server = createServer((request, response) => {
      const url = request.url ?? '/'
      if (url === '/healthz') {
        const health = pool.health()
        response.writeHead(health.ok && control.status === 'ready' ? 200 : 503, { 'content-type': 'application/json' })
        response.end(
          JSON.stringify({
            // The first server's state, as before pools; each server's below.
            valkey: first.admin.status,
            control: control.status,
            servers: health.servers,
            sandboxes: registry.size,
            capacity: registry.capacity,
            // Which process answered, when several share the port (--workers).
            pid: process.pid,
          })
        )
        return
      }
      if (url === '/api/command-docs') {
        serveCommandDocs(request, response).catch(() => failed(response))
        return
      }
      if (serveMissions(request, response)) return
      if (serveInstructor(request, response)) return
      serveAppOrMissing(serveStatic, request, response)
    })

    // Registered before the gateway: cleanups run in reverse, and server.close()
    // only finishes once the gateway has closed the upgraded WebSocket sockets.
    onClose(
      () =>
        new Promise<void>((resolve) => {
          if (!server.listening) return resolve()
          server.close(() => resolve())
          server.closeAllConnections()
        })
    )

    const gateway = attachGateway(server, {
      registry,
      pool,
      keeper,
      missions,
      progress,
      room,
      instructorKey,
      serverInfo: () => pool.serverInfo(),
      allowedOrigins: config.allowedOrigins,
      trustedProxies: config.trustedProxies,
      scriptTimeoutMs: options.scriptTimeoutMs ?? 5000,
      scripts,
      helloTimeoutMs: options.helloTimeoutMs,
      log,
    })
    onClose(() => gateway.close())

    if (keeper) onClose(followServerRestarts({ keeper, pool, registry, control, log }))

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(config.port, config.host, () => resolve())
    })
    const port = (server.address() as AddressInfo).port
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
    const url = `http://${shownHost}:${port}/`
    let closing: Promise<void> | null = null
    return {
      url,
      room,
      // In the fragment: browsers never send it to the server, so no request line or Referer carries it.
      instructorUrl: `${url}#/teach?key=${instructorKey.value}`,
      port,
      server,
      pool,
      control,
      admin: first.admin,
      capabilities: first.capabilities,
      registry,
      link,
      quota: first.quota,
      gateway,
      embeddedPool: embedded,
      embedded: embedded?.servers[0] ?? null,
      valkey: first.target,
      close: () => (closing ??= cleanup()),
    }
  } catch (error) {
    await cleanup()
    throw error
  }
}
