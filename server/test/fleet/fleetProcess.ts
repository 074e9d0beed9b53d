/**
 * @module `npm start -- --workers N` as a process for the fleet tests: started as `node
 * scripts/start.mjs` (what npm start runs), read until its banner, and looked at from outside:
 * which pids answer on the port, which processes it started, whether a port still listens.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inject } from 'vitest'
import { eventually } from '../helpers.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))
/** An empty page folder: these tests need the server, not the page, and skip its build. */
const webRoot = mkdtempSync(path.join(os.tmpdir(), 'fleet-web-'))

export type FleetProcess = {
  child: ChildProcess
  output(): string
  /** Resolves with how the process ended. */
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export type StartedFleet = FleetProcess & {
  url: string
  port: number
  /** The embedded server's port; null with VALKEY_URL. */
  valkeyPort: number | null
  /** From the banner. */
  workerPids: number[]
  instructorKey: string
}

export type SpawnOptions = {
  /** Through npm itself (`npm start -- ...`), as a process manager would run it. */
  npm?: boolean
  /** In a process group of its own, as a terminal runs it (Ctrl-C signals the whole group). */
  group?: boolean
}

/** Runs start.mjs with `args`; the environment starts from this one's, with `env` over it. */
export function spawnFleet(args: string[], env: Record<string, string> = {}, options: SpawnOptions = {}): FleetProcess {
  const [command, commandArgs] = options.npm
    ? ['npm', ['start', '--silent', '--', ...args]]
    : [process.execPath, ['scripts/start.mjs', ...args]]
  const child = spawn(command, commandArgs, {
    cwd: root,
    detached: options.group ?? false,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      VALKEY_SERVER: inject('valkeyServer'),
      VALKEY_URL: '',
      INSTRUCTOR_KEY: '',
      WEB_ROOT: webRoot,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode })
    else child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  return { child, output: () => output, ended }
}

/** Starts it and waits for the whole banner (printed once every worker serves). */
export async function startFleet(args: string[], env: Record<string, string> = {}, options: SpawnOptions = {}): Promise<StartedFleet> {
  const started = spawnFleet(args, env, options)
  let exited = false
  void started.ended.then(() => (exited = true))
  await eventually(() => (started.output().includes('Press Ctrl-C to stop.') || exited ? true : undefined), 'the banner', 120_000)
  const output = started.output()
  const url = /Open:\s+(http:\/\/\S+)/.exec(output)?.[1]
  const pids = /Workers \(pids\): ([\d, ]+);/.exec(output)?.[1]
  const key = /#\/teach\?key=(\S+)/.exec(output)?.[1]
  if (!url || !pids || !key) {
    started.child.kill('SIGKILL')
    throw new Error(`no banner with workers:\n${output}`)
  }
  const valkeyPort = /embedded Valkey [\d.]+ on 127\.0\.0\.1:(\d+)/.exec(output)?.[1]
  return {
    ...started,
    url,
    port: Number(new URL(url).port),
    valkeyPort: valkeyPort ? Number(valkeyPort) : null,
    workerPids: pids.split(',').map((pid) => Number(pid.trim())),
    instructorKey: key,
  }
}

/** A GET on a connection of its own (no keep-alive), so the primary hands it to the next worker. */
export function getOnNewConnection(port: number, urlPath: string, headers: Record<string, string> = {}) {
  return getVia(port, urlPath, headers, false)
}

/** The pid /healthz names, then the status of `urlPath` with `headers` on that same connection (so the same worker). */
export async function sameWorker(port: number, urlPath: string, headers: Record<string, string>): Promise<{ pid: number; status: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  try {
    const health = await getVia(port, '/healthz', {}, agent)
    const other = await getVia(port, urlPath, headers, agent)
    if (health.localPort !== other.localPort) throw new Error('the second request went over another connection')
    return { pid: (JSON.parse(health.body) as { pid: number }).pid, status: other.status }
  } finally {
    agent.destroy()
  }
}

function getVia(port: number, urlPath: string, headers: Record<string, string>, agent: http.Agent | false) {
  return new Promise<{ status: number; body: string; localPort: number | undefined }>((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, headers, agent }, (response) => {
      let body = ''
      const localPort = response.socket.localPort
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, localPort }))
    })
    request.setTimeout(5000, () => request.destroy(new Error(`GET ${urlPath} timed out`)))
    request.once('error', reject)
  })
}

/** The pid that answered /healthz on a new connection. */
export async function healthPid(port: number): Promise<number> {
  const { status, body } = await getOnNewConnection(port, '/healthz')
  if (status !== 200) throw new Error(`/healthz answered ${status}: ${body}`)
  return (JSON.parse(body) as { pid: number }).pid
}

/** Asks /healthz on new connections until `want` distinct pids answered (at most `tries` times). */
export async function answeringPids(port: number, want: number, tries = want * 10): Promise<Set<number>> {
  const pids = new Set<number>()
  for (let i = 0; i < tries && pids.size < want; i++) pids.add(await healthPid(port))
  return pids
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

/** A process's parent and state letter from /proc, or null when it is gone. */
async function procStat(pid: number): Promise<{ ppid: number; state: string } | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    // The command name, in parentheses, may hold spaces: the fields after the last ')' are fixed.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { ppid: Number(ppid), state: state! }
  } catch {
    return null
  }
}

/** Every process below `pid` now (workers, valkey-server guards, valkey-servers). */
export async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number>()
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await procStat(Number(entry))
    if (stat) parents.set(Number(entry), stat.ppid)
  }
  const found: number[] = []
  const queue = [pid]
  while (queue.length > 0) {
    const parent = queue.shift()!
    for (const [child, ppid] of parents) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child)
        queue.push(child)
      }
    }
  }
  return found
}

/** Whether `pid` still runs (a zombie, waiting for a parent to reap it, does not). */
export async function running(pid: number): Promise<boolean> {
  const stat = await procStat(pid)
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X'
}

/** The pids of `pids` still running after waiting up to `ms` for them to end. */
export async function stillRunningAfter(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms
  for (;;) {
    const left: number[] = []
    for (const pid of pids) if (await running(pid)) left.push(pid)
    if (left.length === 0 || Date.now() > deadline) return left
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Whether `port` stops accepting connections within `ms`. */
export async function closedWithin(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while ((await portOpen(port)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  return !(await portOpen(port))
}

/** Stops a fleet a test left running (SIGTERM, SIGKILL after 20 s). */
export async function stopFleet(fleet: FleetProcess | undefined): Promise<void> {
  if (!fleet || fleet.child.exitCode !== null || fleet.child.signalCode !== null) return
  const killer = setTimeout(() => fleet.child.kill('SIGKILL'), 20_000)
  fleet.child.kill('SIGTERM')
  await fleet.ended
  clearTimeout(killer)
}
