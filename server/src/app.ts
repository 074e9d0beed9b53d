/**
 * @module Starts the whole playground: Valkey (embedded or given), the
 * sandbox registry, and the HTTP + WebSocket server.
 *
 * `npm start` and the integration tests both come through here, so the tests
 * exercise the same start-up path users run.
 */
import { createServer, type Server } from 'node:http'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { AddressInfo } from 'node:net'
import type { Config, ValkeyTarget } from './config.ts'
import type { ServerInfo } from '../../common/protocol/index.ts'
import { createCommandDocsHandler } from './http/commandDocs.ts'
import { KeyspaceWatcher } from './inspector/KeyspaceWatcher.ts'
import { createMissionsHandler } from './http/missions.ts'
import { createStaticHandler, failed, serveAppOrMissing } from './http/staticFiles.ts'
import { MissionCatalog } from './missions/MissionCatalog.ts'
import { ProgressStore } from './missions/ProgressStore.ts'
import { attachGateway, type Gateway } from './http/wsGateway.ts'
import { PatternBook } from './sandbox/PatternBook.ts'
import { SandboxRegistry } from './sandbox/SandboxRegistry.ts'
import {
  connectAdmin,
  createAdminClient,
  detectCapabilities,
  whenReady,
  type AdminClient,
  type Capabilities,
} from './valkey/adminClient.ts'
import { readLuaDefaults, ScriptBook } from './sandbox/ScriptBook.ts'
import { MemoryMeter } from './sandbox/MemoryMeter.ts'
import { MemoryQuota, readGrowingCommands } from './sandbox/MemoryQuota.ts'
import { scriptGuardLine } from './sandbox/scriptGuard.ts'
import { LuaMemoryBrake } from './sandbox/LuaMemoryBrake.ts'
import { loadSessionLibrary } from './sessions/loadLibrary.ts'
import { SecretKey } from './http/SecretKey.ts'
import { Room } from './instructor/Room.ts'
import { sandboxUsers } from './sandbox/aclRules.ts'
import { createInstructorHandler } from './http/instructorApi.ts'
import { runInDb } from './valkey/runInDb.ts'
import { prepareDataDir } from './valkey/dataDir.ts'
import { EmbeddedValkey } from './valkey/EmbeddedValkey.ts'
import type { ServerKeeper } from './pool/ServerKeeper.ts'

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
   * Servers someone else started (a worker under the cluster primary), and who keeps them
   * (null: external, nobody may restart them). Absent: config.valkeyUrl, or an embedded server.
   * Only one target for now.
   */
  servers?: { targets: ValkeyTarget[]; keeper: ServerKeeper | null }
}

export type Playground = {
  /** Where the page is served, e.g. http://127.0.0.1:8080/ */
  url: string
  port: number
  server: Server
  admin: AdminClient
  capabilities: Capabilities
  registry: SandboxRegistry
  /** The sandboxes' memory quota and its meter; null when SANDBOX_MEMORY_MB=0. */
  quota: MemoryQuota | null
  gateway: Gateway
  /** The instructor's grid of attendees. */
  room: Room
  /** The instructor URL (carries the key); printed once at start, never logged. */
  instructorUrl: string
  embedded: EmbeddedValkey | null
  valkey: ValkeyTarget
  close(): Promise<void>
}

/** Settings for the embedded server beyond the essentials in EmbeddedValkey. */
export const EMBEDDED_SETTINGS: Record<string, string> = {
  // One attendee must not be able to take the memory everyone shares.
  maxmemory: '1gb',
  'maxmemory-policy': 'noeviction',
  // Caps a single string (and SETRANGE/SETBIT offsets) at 16 MB.
  'proto-max-bulk-len': '16mb',
  // Lets SCRIPT KILL through after 1 s, so a runaway script is stopped early.
  'busy-reply-threshold': '1000',
}

/** How long one shutdown step may take before the next one runs anyway. */
const CLEANUP_STEP_MS = 1500

async function withinMs(ms: number, step: () => Promise<void> | void, log: (message: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log(`shutdown: a step took longer than ${ms} ms; going on without it`)
      resolve()
    }, ms)
  })
  try {
    await Promise.race([Promise.resolve().then(step), late])
  } catch (error) {
    log(`shutdown: ${(error as Error).message}`)
  } finally {
    clearTimeout(timer)
  }
}

export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const { config } = options
  const log = options.log ?? ((message: string) => console.log(message))
  const cleanups: { step: () => Promise<void> | void; ms: number }[] = []
  // Each step gets a bounded time: a frozen Valkey (a script SCRIPT KILL cannot stop) answers
  // nothing, and shutdown must still reach the last step, which stops the embedded server itself
  // (SIGTERM, then SIGKILL).
  const onClose = (step: () => Promise<void> | void, ms = CLEANUP_STEP_MS) => void cleanups.push({ step, ms })
  const cleanup = async () => {
    for (const { step, ms } of cleanups.reverse()) await withinMs(ms, step, log)
  }

  try {
    let embedded: EmbeddedValkey | null = null
    const keeper = options.servers?.keeper ?? null
    let valkey: ValkeyTarget
    if (options.servers) {
      if (options.servers.targets.length !== 1) throw new Error('a playground process serves exactly one Valkey server for now')
      valkey = options.servers.targets[0]!
    } else if (config.valkeyUrl) {
      valkey = config.valkeyUrl
    } else {
      if (!config.valkeyServerBinary) {
        throw new Error('no valkey-server binary given: set VALKEY_SERVER, or run `npm start`, which provides one')
      }
      const data = await prepareDataDir(config.valkeyDataDir, config.fresh)
      // Registered first, so it runs last: after the server has stopped writing to it.
      onClose(() => data.release())
      embedded = await EmbeddedValkey.start({
        binary: config.valkeyServerBinary,
        databases: config.maxSandboxes + 1,
        settings: EMBEDDED_SETTINGS,
        data: { dir: data.dir, keep: data.keep },
      })
      const started = embedded
      // SIGTERM, and SIGKILL after 3 s: the step's own bound.
      onClose(() => started.stop(), 5000)
      valkey = { host: embedded.host, port: embedded.port, password: embedded.password, controlDb: 0 }
    }
    const where = `${valkey.host}:${valkey.port}`

    const admin = createAdminClient(valkey)
    admin.on('error', () => undefined) // reconnects by itself; commands report failures
    await connectAdmin(admin, where)
    onClose(() => admin.disconnect())

    const capabilities = await detectCapabilities(admin)
    // The session-manager commands (SESSION.*, CUSTOM.*) run as this library's functions.
    await loadSessionLibrary(admin)
    let quota: MemoryQuota | null = null
    if (config.sandboxMemoryMb > 0) {
      const meter = new MemoryMeter({ target: valkey, log })
      onClose(() => meter.close())
      quota = new MemoryQuota(meter, config.sandboxMemoryMb * 1024 * 1024, await readGrowingCommands(admin))
    }
    // Read while the Lua VM is fresh: every sandbox's scripts start from these settings.
    const luaDefaults = await readLuaDefaults(admin)
    const scripts = new ScriptBook(luaDefaults, quota ? scriptGuardLine(quota.growingCommands, quota.quotaMb) : null)
    if (!embedded && !keeper) await ensureNotifications(admin, log)

    const databases: number[] = []
    for (let db = 0; db < capabilities.databases && databases.length < config.maxSandboxes; db++) {
      if (db !== valkey.controlDb) databases.push(db)
    }
    if (databases.length === 0) {
      throw new Error(`Valkey at ${where} has only ${capabilities.databases} database(s); sandboxes need more`)
    }

    const missions = new MissionCatalog(config.missionsDir, log)
    const instructorKey = config.instructorKey ? new SecretKey(config.instructorKey) : SecretKey.random()
    // The room is shared with every playground process on this control Valkey (its own client).
    const control = createAdminClient(valkey, 'playground-room')
    control.on('error', () => undefined) // reconnects by itself; writes report failures
    await connectAdmin(control, where)
    onClose(() => control.disconnect())
    const aclSecret = randomBytes(32).toString('hex')
    const room = new Room({
      steps: (id) => missions.get(id)?.steps.map((step) => step.id) ?? null,
      rules: { afterSeconds: config.stuckAfterSeconds, errors: config.stuckErrors },
      now: options.now,
      resetSandbox: async (db) => {
        await runInDb(admin, db, ['FLUSHDB'])
        quota?.emptied(db)
        await progress.clear(db)
      },
      // Another process's instructor emptied it: the memory meter here learns it too.
      resetElsewhere: (db) => quota?.emptied(db),
      usersOf: (db) => sandboxUsers(db, aclSecret),
      shared: { control, processId: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`, ...options.room },
      log,
    })
    await room.start()
    onClose(() => room.shutdown())

    // Saved progress is something stored: such a sandbox is kept after its tab closes.
    const progress = new ProgressStore(admin, (db) => registry.markUsed(db))
    const patterns = new PatternBook()
    const registry: SandboxRegistry = new SandboxRegistry({
      admin,
      controlDb: valkey.controlDb,
      databases,
      idleMs: config.sandboxIdleMs,
      emptyIdleMs: config.sandboxEmptyIdleMs,
      perAddress: config.sandboxesPerAddress,
      databaseAcl: capabilities.databaseAcl,
      secret: aclSecret,
      now: options.now,
      log,
      // A database handed out or recycled starts without anyone's mission progress.
      forget: async (db) => {
        room.forget(db)
        await scripts.forget(db)
        quota?.emptied(db)
        await progress.clear(db)
      },
      patternsInUse: (db) => patterns.all(db),
    })
    await registry.load()
    const sweeper = setInterval(() => {
      registry.sweep().catch((error: Error) => log(`sandbox sweep failed: ${error.message}`))
    }, options.sweepIntervalMs ?? 60_000)
    sweeper.unref()
    onClose(() => clearInterval(sweeper))

    const serverInfo = (): ServerInfo => ({
      address: `${valkey.host}:${valkey.port}`,
      valkeyVersion: capabilities.valkeyVersion,
      features: { hashFieldExpiration: capabilities.hashFieldExpiration },
      embedded: embedded !== null || keeper !== null,
    })

    const serveInstructor = createInstructorHandler({ room, key: instructorKey, missions, trustedProxies: config.trustedProxies })
    const serveStatic = config.webRoot ? createStaticHandler(config.webRoot) : null
    const serveCommandDocs = createCommandDocsHandler(valkey, capabilities.valkeyVersion)
    const serveMissions = createMissionsHandler(missions, serverInfo)
    const server = createServer((request, response) => {
      const url = request.url ?? '/'
      if (url === '/healthz') {
        response.writeHead(admin.status === 'ready' ? 200 : 503, { 'content-type': 'application/json' })
        // pid: which process answered, when several share the port (--workers).
        const health = { valkey: admin.status, sandboxes: registry.size, capacity: registry.capacity, pid: process.pid }
        response.end(JSON.stringify(health))
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

    const watcher = new KeyspaceWatcher(valkey, log)
    if (quota) {
      const { meter } = quota
      watcher.listenAll((db, key, event) => meter.event(db, key, event))
      // Data from before this start (the append-only file) is measured in the background.
      void meter.resyncAll(registry.databasesInUse)
    }
    await watcher.start()
    onClose(() => watcher.close())

    const gateway = attachGateway(server, {
      registry,
      admin,
      patterns,
      watcher,
      missions,
      progress,
      room,
      instructorKey,
      valkey: () => ({ host: valkey.host, port: valkey.port }),
      serverInfo,
      allowedOrigins: config.allowedOrigins,
      trustedProxies: config.trustedProxies,
      scriptTimeoutMs: options.scriptTimeoutMs ?? 5000,
      restartValkey: embedded ? () => embedded.restartFromDisk() : keeper ? () => keeper.restart(0) : null,
      scripts,
      quota,
      luaBrake: config.scriptMemoryMb > 0 ? new LuaMemoryBrake(admin, config.scriptMemoryMb * 1024 * 1024, log) : null,
      helloTimeoutMs: options.helloTimeoutMs,
      log,
    })
    onClose(() => gateway.close())

    const valkeyCrashed = (detail: string) => {
      log(`${detail}; restarting it`)
      gateway.broadcast({
        type: 'notice',
        level: 'warn',
        text: `Valkey stopped (${detail}) and is being restarted from its append-only file: your sandbox comes back as it was (at most the last second of writes can be missing).`,
      })
    }
    const valkeyRestarted = () => {
      whenReady(admin)
        .then(() => registry.restore())
        .then(() => loadSessionLibrary(admin))
        .then(() => {
          // Events were lost while it was down.
          void quota?.meter.resyncAll(registry.databasesInUse)
          log('valkey-server restarted')
          gateway.broadcast({ type: 'notice', level: 'info', text: 'Valkey has been restarted; your sandbox is back as it was.' })
        })
        .catch((error: Error) => log(`could not restore sandboxes after restart: ${error.message}`))
    }
    if (embedded) {
      embedded.on('crashed', valkeyCrashed)
      embedded.on('restarted', valkeyRestarted)
    } else if (keeper) {
      onClose(keeper.onCrashed((index, detail) => index === 0 && valkeyCrashed(detail)))
      onClose(keeper.onRestarted((index) => index === 0 && valkeyRestarted()))
    }

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
      admin,
      capabilities,
      registry,
      quota,
      gateway,
      embedded,
      valkey,
      close: () => (closing ??= cleanup()),
    }
  } catch (error) {
    await cleanup()
    throw error
  }
}

/** Keyspace notifications drive the inspector; an external server may have them off. */
async function ensureNotifications(admin: AdminClient, log: (message: string) => void): Promise<void> {
  try {
    const [, current = ''] = (await admin.call('config', 'get', 'notify-keyspace-events')) as string[]
    const wanted = new Set([...current, 'K', 'A'])
    if (!current.includes('K') || !(current.includes('A') || current.includes('h'))) {
      await admin.call('config', 'set', 'notify-keyspace-events', [...wanted].join(''))
    }
  } catch (error) {
    log(`warning: could not enable keyspace notifications (${(error as Error).message}); the inspector will not update live`)
  }
}
