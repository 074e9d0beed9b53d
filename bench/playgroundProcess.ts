/**
 * @module Runs the playground server as its own process, the way `npm start`
 * does, against a Valkey the benchmark can also reach directly.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export type PlaygroundProcess = { port: number; pid: number; stop(): Promise<void> }

/**
 * `valkeyUrl`: the Valkey to use (null: `npm start` starts its own, as `args` say, e.g. --valkeys 2).
 * `env`: settings of a section's own playground (INSTRUCTOR_KEY, other sandbox limits), over the defaults.
 */
export async function startPlaygroundProcess(
  valkeyUrl: string | null,
  env: Record<string, string> = {},
  args: string[] = []
): Promise<PlaygroundProcess> {
  const base: NodeJS.ProcessEnv = { ...process.env }
  delete base.VALKEY_URL
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.mjs', ...args], {
    cwd: root,
    // Room for the workshop section's 500 attendees, all from this one address.
    env: {
      ...base,
      PORT: '0',
      HOST: '127.0.0.1',
      ...(valkeyUrl ? { VALKEY_URL: valkeyUrl } : {}),
      SANDBOX_MAX: '600',
      SANDBOX_PER_ADDRESS: '600',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the playground did not start:\n${output}`)), 180_000)
    const check = () => {
      const match = /Open:\s+http:\/\/[^:]+:(\d+)\//.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    }
    child.stdout!.on('data', check)
    child.once('exit', (code) => reject(new Error(`the playground exited (${code}):\n${output}`)))
  })
  return {
    port,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        // The playground gives itself 10 s to stop; past that it is killed (this child, by its pid).
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000)
        child.once('exit', () => {
          clearTimeout(killer)
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}
