/**
 * @module Real servers for inspect mode's tests to inspect: valkey-server 9 and 8, redis-server 7.0.
 *
 * Shared by the vitest integration tests and the Playwright tests, so nothing here imports vitest.
 * Each server gets a fresh temporary folder (its config, certificates), listens on loopback only,
 * on a free port, keeps nothing on disk, and dies with the Node process that started it, even when
 * that process is killed with SIGKILL and cannot clean up. Only settings that all three servers
 * accept are used (Redis 7.0 has none of Valkey's newer names).
 */
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { promisify } from 'node:util'
import { Redis } from 'iovalkey'

export type TargetServerOptions = {
  /** valkey-server or redis-server (or a wrapper script that execs one). */
  binary: string
  /** requirepass; none (no AUTH) when absent or empty. */
  password?: string
  /** Default 16, the servers' own default. */
  databases?: number
  /** notify-keyspace-events; default '' (off), as on a server nobody configured. */
  notifications?: string
  /** Serve TLS only (a throwaway CA signs the server's certificate); see supportsTls(). */
  tls?: boolean
  /** Further config settings, name to value; they override the ones above. */
  settings?: Record<string, string>
  /** Listen on this port (a server started again where clients expect it); default a free one. */
  port?: number
}

export type TargetServer = {
  host: '127.0.0.1'
  port: number
  password: string | undefined
  /** The CA that signed the server's certificate, for clients to trust; null without TLS. */
  tls: { caFile: string } | null
  /** redis://:password@127.0.0.1:port, or rediss://... with TLS. */
  url: string
  /** The server's own pid (also its process group). */
  pid: number
  /** SIGTERM, SIGKILL after 3 s if still running; resolves once it exited and its folder is gone. */
  stop(): Promise<void>
}

const HOST = '127.0.0.1'
const READY_TIMEOUT_MS = 15_000
const STOP_GRACE_MS = 3_000
const LOG_LINES = 30

/**
 * The shell a server starts under. It hands Node's stdin pipe (on fd 3) to a background watchdog,
 * then becomes the server through exec: the pid Node sees is the server's, and its process group
 * holds just the server and the watchdog. The pipe closes when Node ends it or when Node dies
 * however it dies; the watchdog then sends SIGTERM, SIGKILL if the server still runs 3 s later,
 * and removes the folder ($TARGET_SERVER_DIR; fleet/nginx.ts runs nginx under it too). Its `$$` is the server's pid, which cannot have gone to another process
 * meanwhile: the watchdog still belongs to that process group, which keeps the number in use.
 * The pipe is handed over explicitly because a non-interactive shell gives background jobs
 * /dev/null as their stdin; the server itself keeps neither the pipe nor the watchdog's output.
 */
export const GUARD_SCRIPT = `
exec 3<&0 0</dev/null
(
  cat <&3 >/dev/null
  kill -TERM $$ 2>/dev/null
  waited=0
  while kill -0 $$ 2>/dev/null && [ $waited -lt 30 ]; do sleep 0.1; waited=$((waited + 1)); done
  kill -KILL $$ 2>/dev/null
  rm -rf "$TARGET_SERVER_DIR"
) >/dev/null 2>&1 &
exec 3<&-
exec "$0" "$@"
`

/** Extensions for the throwaway CA and the server certificate it signs (our own file: the system's openssl.cnf varies). */
const OPENSSL_CONFIG = `[req]
distinguished_name = subject
prompt = no
[subject]
CN = localhost
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`

const execFileAsync = promisify(execFile)

/** A failed start, saying whether another process took the port between our probe and the server's bind. */
class StartError extends Error {
  constructor(
    message: string,
    readonly portTaken: boolean
  ) {
    super(message)
  }
}

/** Starts a server and resolves once it answers PING (after AUTH, when it has a password). */
export async function startTargetServer(options: TargetServerOptions): Promise<TargetServer> {
  for (let attempt = 1; ; attempt++) {
    // A fresh folder per attempt: the watchdog of a failed attempt removes its own.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'inspect-target-'))
    try {
      const certificates = options.tls ? await makeCertificates(dir) : null
      return await launch(options, dir, options.port ?? (await findFreePort()), certificates)
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      if (attempt >= 3 || !(error instanceof StartError && error.portTaken)) throw error
    }
  }
}

export type Certificates = { ca: string; cert: string; key: string }

async function launch(options: TargetServerOptions, dir: string, port: number, certificates: Certificates | null): Promise<TargetServer> {
  const password = options.password || undefined
  const settings: Record<string, string> = {
    bind: HOST,
    // With TLS the plain port is off, so a test cannot pass by reaching the server without TLS.
    port: certificates ? '0' : String(port),
    ...(certificates && {
      'tls-port': String(port),
      'tls-cert-file': certificates.cert,
      'tls-key-file': certificates.key,
      'tls-ca-cert-file': certificates.ca,
      'tls-auth-clients': 'no',
    }),
    // No protected-mode setting: it only turns away clients from other hosts, and loopback is all we bind.
    ...(password !== undefined && { requirepass: password }),
    databases: String(options.databases ?? 16),
    'notify-keyspace-events': options.notifications ?? '',
    save: '',
    appendonly: 'no',
    dir,
    daemonize: 'no',
    logfile: '',
    // DEBUG (e.g. DEBUG SLEEP, DEBUG OBJECT) is handy in tests, and local connections are all there are.
    'enable-debug-command': 'local',
    ...options.settings,
  }
  // In a file only we can read (mkdtemp makes the folder 0700): on the command line, the password
  // would show in every local user's ps.
  const configFile = path.join(dir, 'server.conf')
  const config = Object.entries(settings).map(([name, value]) => `${name} ${configValue(value)}\n`)
  await writeFile(configFile, config.join(''), { mode: 0o600 })

  const child = spawn('/bin/sh', ['-c', GUARD_SCRIPT, options.binary, configFile], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group, so stop() reaches the watchdog too.
    detached: true,
    env: { ...process.env, TARGET_SERVER_DIR: dir },
  })
  const name = path.basename(options.binary)
  const log: string[] = []
  for (const stream of [child.stdout, child.stderr]) {
    let partial = ''
    stream.setEncoding('utf8')
    stream.on('data', (text: string) => {
      const lines = (partial + text).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) if (line.trim()) log.push(line)
      log.splice(0, Math.max(0, log.length - LOG_LINES))
    })
  }
  // Set by the exit handler; typed by assertion so that TypeScript does not take it for always null.
  let exitDetail = null as string | null
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitDetail = `${name} exited (${signal ?? `code ${code}`})`
      // Lets the watchdog finish: the server it guards is gone.
      child.stdin.destroy()
      resolve()
    })
  })
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const spawnFailed = new Promise<never>((_resolve, reject) => child.once('error', reject))
  spawnFailed.catch(() => {})

  const running = () => child.exitCode === null && child.signalCode === null
  const signalGroup = (signal: NodeJS.Signals) => {
    // Only while our server runs: after its exit the number may belong to someone else.
    if (!running() || child.pid === undefined) return
    try {
      process.kill(-child.pid, signal)
    } catch {
      // Gone already.
    }
  }
  let stopping: Promise<void> | null = null
  const stop = () =>
    (stopping ??= (async () => {
      if (running()) {
        signalGroup('SIGTERM')
        const timer = setTimeout(() => signalGroup('SIGKILL'), STOP_GRACE_MS)
        await exited
        clearTimeout(timer)
      }
      child.stdin.destroy()
      await rm(dir, { recursive: true, force: true })
    })())

  const tlsOptions = certificates ? { caFile: certificates.ca } : null
  const endpoint: Pick<TargetServer, 'host' | 'port' | 'password' | 'tls'> = { host: HOST, port, password, tls: tlsOptions }
  const ca = certificates ? await readFile(certificates.ca) : null
  const deadline = Date.now() + READY_TIMEOUT_MS
  let lastError: unknown = null
  for (;;) {
    if (exitDetail !== null) {
      // 'exit' may come before the last of its output has been read, and that says why.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())])
      const output = log.join('\n')
      throw new StartError(`${exitDetail} before it was ready:\n${output}`, /address already in use/i.test(output))
    }
    if (Date.now() > deadline) {
      await stop()
      throw new StartError(
        `${name} did not answer PING within ${READY_TIMEOUT_MS / 1000} s (${String(lastError)}):\n${log.join('\n')}`,
        false
      )
    }
    try {
      await Promise.race([ping(endpoint, ca), spawnFailed])
      break
    } catch (error) {
      if (!(error instanceof ProbeError)) {
        await stop()
        throw error
      }
      lastError = error.message
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }

  const scheme = certificates ? 'rediss' : 'redis'
  const credentials = password !== undefined ? `:${encodeURIComponent(password)}@` : ''
  return { ...endpoint, url: `${scheme}://${credentials}${HOST}:${port}`, pid: child.pid!, stop }
}

/** A value as the config file parser reads it: bare when it is one plain word, else double-quoted with escapes. */
function configValue(value: string): string {
  if (/^[\w./:@,+-]+$/.test(value)) return value
  return `"${value.replace(/["\\]/g, (char) => `\\${char}`).replace(/\n/g, '\\n')}"`
}

/** A failed readiness probe: the server may simply not listen yet. */
class ProbeError extends Error {}

/** One RESP command, as a client sends it. */
function encode(args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`
}

/**
 * AUTH (when there is a password) and PING over a fresh connection, by hand, as plain RESP; resolves
 * on +PONG. Errors (-LOADING, -NOAUTH...) and refused connections reject with a ProbeError.
 */
function ping(target: { host: string; port: number; password: string | undefined }, ca: Buffer | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = ca ? tls.connect({ host: target.host, port: target.port, ca }) : net.connect({ host: target.host, port: target.port })
    const finish = (error?: string) => {
      clearTimeout(timer)
      socket.destroy()
      if (error === undefined) resolve()
      else reject(new ProbeError(error))
    }
    const timer = setTimeout(() => finish('no answer within 1 s'), 1000)
    socket.on('error', (error) => finish(error.message))
    socket.on('close', () => finish('connection closed'))
    let received = ''
    socket.setEncoding('utf8')
    socket.on('data', (text: string) => {
      received += text
      const lines = received.split('\r\n')
      received = lines.pop() ?? ''
      for (const line of lines) {
        if (line.startsWith('-')) return finish(line.slice(1))
        if (line === '+PONG') return finish()
      }
    })
    socket.write((target.password !== undefined ? encode(['AUTH', target.password]) : '') + encode(['PING']))
  })
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))))
    })
  })
}

/**
 * A CA and a server certificate it signs (CN=localhost, for localhost and 127.0.0.1, EC P-256, valid
 * 2 days), made with the openssl command. The CA's key is deleted once it has signed: nothing else
 * can ever be signed by this CA.
 */
export async function makeCertificates(dir: string): Promise<Certificates> {
  const file = (name: string) => path.join(dir, name)
  const openssl = (...args: string[]) => execFileAsync('openssl', args, { cwd: dir })
  const config = ['-config', file('openssl.cnf')]
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  const days = ['-days', '2']
  await writeFile(file('openssl.cnf'), OPENSSL_CONFIG, { mode: 0o600 })
  const caFiles = ['-keyout', file('ca.key'), '-out', file('ca.crt')]
  await openssl('req', '-x509', ...config, '-extensions', 'ca', ...newKey, ...days, '-subj', '/CN=Inspect test CA', ...caFiles)
  await openssl('req', '-new', ...config, ...newKey, '-subj', '/CN=localhost', '-keyout', file('server.key'), '-out', file('server.csr'))
  const signer = ['-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-set_serial', `0x${randomBytes(8).toString('hex')}`]
  const extensions = ['-extfile', file('openssl.cnf'), '-extensions', 'server']
  await openssl('x509', '-req', '-in', file('server.csr'), ...signer, ...days, ...extensions, '-out', file('server.crt'))
  await Promise.all(['ca.key', 'server.csr', 'openssl.cnf'].map((name) => rm(file(name), { force: true })))
  return { ca: file('ca.crt'), cert: file('server.crt'), key: file('server.key') }
}

/** What a build without TLS says when told to listen with TLS (Valkey 8+: no 'tls' connection type; Redis 7.0: an unknown directive). */
const NO_TLS = /TLS support|connection type tls|>>> 'tls-/i
const tlsSupport = new Map<string, boolean>()

/**
 * Whether this build of the server can serve TLS, found by starting it with TLS (once per binary):
 * non-TLS builds of Valkey 8+ accept the tls-* settings and only fail when they try to listen.
 * Throws when the server fails for another reason, so that a broken binary is not taken for one
 * without TLS and its tests quietly skipped.
 */
export async function supportsTls(binary: string): Promise<boolean> {
  const known = tlsSupport.get(binary)
  if (known !== undefined) return known
  let supported: boolean
  try {
    const server = await startTargetServer({ binary, tls: true, databases: 1 })
    await server.stop()
    supported = true
  } catch (error) {
    if (!(error instanceof Error && NO_TLS.test(error.message))) throw error
    supported = false
  }
  tlsSupport.set(binary, supported)
  return supported
}

/**
 * Sends the commands as one pipeline over a new connection (TLS and AUTH as the target needs) and
 * returns the replies in order, as iovalkey decodes them; a command's error reply comes back as its
 * Error rather than rejecting, so one call can check both.
 */
export async function runCommands(
  target: Pick<TargetServer, 'host' | 'port' | 'password' | 'tls'>,
  commands: string[][]
): Promise<unknown[]> {
  const client = new Redis({
    host: target.host,
    port: target.port,
    password: target.password,
    tls: target.tls ? { ca: await readFile(target.tls.caFile) } : undefined,
    lazyConnect: true,
    // A test wants the failure at once, not reconnection attempts.
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  })
  // Failures reach us through connect() and exec(); without a listener iovalkey would also print them.
  client.on('error', () => {})
  try {
    await client.connect()
    const pipeline = client.pipeline()
    // call() sends any name as given; pipeline(commands) only knows the commands iovalkey has methods for.
    for (const [name, ...args] of commands) if (name !== undefined) pipeline.call(name, ...args)
    const results = (await pipeline.exec()) ?? []
    return results.map(([error, reply]) => error ?? reply)
  } finally {
    client.disconnect()
  }
}
