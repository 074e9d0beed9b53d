/**
 * @module A playground as its own process, started the way a host runs it (`node scripts/start.mjs`,
 * which is what `npm start` runs), configured by the environment only, and stopped or killed by its pid.
 */
import { spawn } from 'node:child_process'
import { inject } from 'vitest'
import { eventually } from '../helpers.ts'

export type PlaygroundProcess = {
  pid: number
  /** Its HTTP/WebSocket port on 127.0.0.1. */
  port: number
  output(): string
  /** Resolves once the process has exited. */
  exited: Promise<void>
  /** SIGKILL by pid: a crash, with no chance to clean up. */
  kill(): Promise<void>
  /** SIGTERM by pid (SIGKILL after 10 s); resolves once it exited. */
  stop(): Promise<void>
}

/** Starts one on a free port of 127.0.0.1 (its own embedded Valkey unless `env` has VALKEY_URL). */
export async function startPlaygroundProcess(env: Record<string, string>): Promise<PlaygroundProcess> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', VALKEY_SERVER: inject('valkeyServer'), VALKEY_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += String(chunk)))
  child.stderr.on('data', (chunk) => (output += String(chunk)))
  let done = false
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      done = true
      resolve()
    })
  )
  const signalled = async (signal: NodeJS.Signals, ms: number) => {
    if (done) return
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), ms)
    await exited
    clearTimeout(timer)
  }
  const stop = () => signalled('SIGTERM', 10_000)
  try {
    // The first start builds the page when its sources changed, which takes a while.
    const url = await eventually(
      () => {
        if (done) throw new Error(`the playground process exited before it was ready:\n${output}`)
        return /Open:\s+(http:\/\/\S+)/.exec(output)?.[1]
      },
      'the playground process to print its URL',
      120_000
    )
    return { pid: child.pid!, port: Number(new URL(url).port), output: () => output, exited, kill: () => signalled('SIGKILL', 0), stop }
  } catch (error) {
    await stop()
    throw error
  }
}
