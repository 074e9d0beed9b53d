/**
 * @module Stopping on Ctrl-C, a process manager's SIGTERM, a closed terminal, or npm gone.
 */

/** `what`: named in the message ("stopping the playground..."); `forceMs`: exit 1 if closing hangs. */
export function stopOnSignals(close: () => Promise<void>, what = 'the playground', forceMs = 10_000): void {
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: stopping ${what}...`)
    const force = setTimeout(() => process.exit(1), forceMs)
    force.unref()
    close().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`error while stopping: ${error.message}`)
        process.exit(1)
      }
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGHUP', () => stop('SIGHUP'))
  watchNpmParent(() => stop('npm exited'))
}

/**
 * Under `npm start`, the playground stops when npm is gone. npm passes SIGTERM to its child, and
 * the script `exec`s node so that child is us; this catches the rest (npm killed with SIGKILL, a
 * shell in between that drops the signal), which would otherwise leave us serving the port with
 * nobody to stop us. Outside npm (node scripts/start.mjs, nohup) nothing is watched.
 */
function watchNpmParent(onGone: () => void): void {
  if (!process.env.npm_lifecycle_event) return
  const parent = process.ppid
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer)
      onGone()
    }
  }, 500)
  timer.unref()
}
