// @ts-check
/** @module Checks and error reporting shared by the start and test scripts. */

const MINIMUM_NODE = [20, 19]

export function checkNode() {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
  if (major < (MINIMUM_NODE[0] ?? 0) || (major === MINIMUM_NODE[0] && minor < (MINIMUM_NODE[1] ?? 0))) {
    throw new Error(`Node.js ${MINIMUM_NODE.join('.')} or newer is needed (this is ${process.versions.node})`)
  }
}

/**
 * Prints what went wrong without a stack trace (the message says what to do) and exits.
 * @param {unknown} error
 * @returns {never}
 */
export function fatal(error) {
  const message = error instanceof Error ? error.message : String(error)
  console.error(`\n✗ ${message}`)
  if (process.env.DEBUG && error instanceof Error) console.error(error.stack)
  process.exit(1)
}
