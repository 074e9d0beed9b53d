/**
 * `npm start` as a process: it prints the URL, serves the page, and stopping
 * it (SIGTERM, Ctrl-C's SIGINT, even SIGKILL) leaves no valkey-server behind.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import { describe, expect, it, inject } from 'vitest'
import { eventually, TestClient } from './helpers.ts'

type Started = { child: ChildProcess; output: () => string; url: string; valkeyPort: number }

/** Starts the playground as `node scripts/start.mjs`, or through npm itself (`npm start`), as a process manager would. */
async function startProcess(how: 'node' | 'npm' = 'node'): Promise<Started> {
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', VALKEY_SERVER: inject('valkeyServer'), VALKEY_URL: '' }
  const child =
    how === 'npm'
      ? spawn('npm', ['start', '--silent'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, ['scripts/start.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const url = await eventually(() => /Open:\s+(http:\/\/\S+)/.exec(output)?.[1], 'the URL line', 120_000)
  const valkeyPort = Number(/embedded Valkey [\d.]+ on 127\.0\.0\.1:(\d+)/.exec(output)?.[1])
  return { child, output: () => output, url, valkeyPort }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

async function closedWithin(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while ((await portOpen(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  return !(await portOpen(port))
}

async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

describe('npm start as a process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'serves the page and stops cleanly on %s',
    async (signal) => {
      const started = await startProcess()
      const page = await fetch(started.url)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<div id="root">')
      expect(await portOpen(started.valkeyPort)).toBe(true)

      started.child.kill(signal)
      expect(await exited(started.child)).toBe(0)
      expect(started.output()).toMatch(new RegExp(`${signal}: stopping the playground`))
      expect(await portOpen(started.valkeyPort)).toBe(false)
    },
    150_000
  )

  it('stops with its Valkey when npm itself gets SIGTERM (a process manager, a container stop)', async () => {
    const started = await startProcess('npm')
    const httpPort = Number(new URL(started.url).port)
    expect(await portOpen(httpPort)).toBe(true)
    started.child.kill('SIGTERM')
    await exited(started.child)
    expect(await closedWithin(httpPort, 10_000)).toBe(true)
    expect(await closedWithin(started.valkeyPort, 10_000)).toBe(true)
  }, 150_000)

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'on %s stops, Valkey included, even while a script that wrote keeps Valkey busy (SCRIPT KILL cannot stop it)',
    async (signal) => {
      const started = await startProcess()
      const port = Number(new URL(started.url).port)
      const attendee = await TestClient.connect(port)
      // Connected first: while Valkey is busy no new sandbox can be handed out.
      const other = await TestClient.connect(port)
      // As the page does: the inspector and a mission are open too.
      for (const client of [attendee, other]) {
        client.sendJson({ type: 'watchKeys', pattern: '*' })
        client.sendJson({ type: 'missionOpen', id: 'cantina-sessions' })
      }
      attendee.sendJson({ type: 'command', id: 1, args: ['EVAL', "server.call('SET','x','1') local i=0 while true do i=i+1 end", '0'] })
      // Wait until Valkey really is busy with it (bounded: 50 tries).
      let busy = false
      for (let attempt = 0; attempt < 50 && !busy; attempt++) {
        const reply = await other.one('PING')
        busy = reply.t === 'err' && reply.s.startsWith('BUSY')
        if (!busy) await new Promise((r) => setTimeout(r, 100))
      }
      expect(busy).toBe(true)
      // SIGKILL: nothing in Node runs, so only the guard around valkey-server can stop it, and a
      // busy server ignores SIGTERM.
      started.child.kill(signal)
      await exited(started.child)
      expect(await closedWithin(port, 10_000)).toBe(true)
      expect(await closedWithin(started.valkeyPort, 10_000)).toBe(true)
      attendee.close()
      other.close()
    },
    150_000
  )

  it('leaves no valkey-server behind even when killed with SIGKILL', async () => {
    const started = await startProcess()
    started.child.kill('SIGKILL')
    await exited(started.child)
    // The guard notices the closed pipe and stops the server within moments.
    const deadline = Date.now() + 10_000
    while ((await portOpen(started.valkeyPort)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(await portOpen(started.valkeyPort)).toBe(false)
  }, 150_000)
})
