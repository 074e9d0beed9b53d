/**
 * `npm start` as a process: it prints the URL, serves the page, and stopping
 * it (SIGTERM, Ctrl-C's SIGINT, even SIGKILL) leaves no valkey-server behind.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import { describe, expect, it, inject } from 'vitest'
import { eventually } from './helpers.ts'

type Started = { child: ChildProcess; output: () => string; url: string; valkeyPort: number }

async function startProcess(): Promise<Started> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', VALKEY_SERVER: inject('valkeyServer'), VALKEY_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
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
