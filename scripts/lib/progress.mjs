// @ts-check
/**
 * @module Start-up progress: every slow step says what it is doing and how
 * long it has taken, so a first run never looks hung (in a terminal or in CI).
 */
import { spawn } from 'node:child_process'

/**
 * Runs `work`, printing a start line, a heartbeat every 15 s and the duration.
 * @template T
 * @param {string} title
 * @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function step(title, work) {
  const started = Date.now()
  console.log(`• ${title}...`)
  const heartbeat = setInterval(() => {
    console.log(`  ...still ${title.charAt(0).toLowerCase()}${title.slice(1)} (${Math.round((Date.now() - started) / 1000)} s)`)
  }, 15_000)
  try {
    const result = await work()
    console.log(`✓ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
    return result
  } finally {
    clearInterval(heartbeat)
  }
}

export class CommandError extends Error {
  /** @param {string} message @param {string} output */
  constructor(message, output) {
    super(message)
    this.name = 'CommandError'
    this.output = output
  }
}

/**
 * Runs a command; collects its output and throws a CommandError with the
 * last lines of it when the command fails. With `inherit`, output is shown live.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, inherit?: boolean }} [options]
 * @returns {Promise<string>}
 */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: options.inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const collect = (/** @type {Buffer} */ chunk) => {
      output += chunk.toString()
      if (output.length > 200_000) output = output.slice(-100_000)
    }
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    child.on('error', (error) => reject(new CommandError(`${command} could not be started: ${error.message}`, output)))
    child.on('close', (code, signal) => {
      if (code === 0) resolve(output)
      else {
        const tail = output.trim().split('\n').slice(-25).join('\n')
        reject(new CommandError(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})${tail ? `:\n${tail}` : ''}`, output))
      }
    })
  })
}

/**
 * True when `command` can be found on the PATH.
 * @param {string} command
 */
export async function onPath(command) {
  try {
    await run('sh', ['-c', `command -v ${command}`])
    return true
  } catch {
    return false
  }
}
