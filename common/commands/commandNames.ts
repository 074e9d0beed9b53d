/**
 * @module Facts about Valkey commands, by name, that more than one part of the code acts on: which
 * commands subscribe or unsubscribe, which block waiting for data, which run a script; and how a
 * typed name is normalised to compare with them ({@link upper}).
 *
 * These are properties of the commands themselves, not of the playground's rules (what the sandbox
 * refuses, and why, stays in server/src/sandbox/commandPolicy.ts).
 */

/** Commands that enter subscribed mode (RESP2): the connection then takes only (un)subscribe, PING, QUIT and RESET. */
export const SUBSCRIBE_COMMANDS = new Set(['SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE'])
export const UNSUBSCRIBE_COMMANDS = new Set(['UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE'])

/** Uppercases ASCII letters only: arguments are bytes, not text. */
export function upper(text: string): string {
  // toUpperCase would also change bytes above 0x7f (0xe9 'é' -> 0xc9), so it
  // is only used when there are none; command names are ASCII in practice.
  return /[^\x00-\x7f]/.test(text) ? text.replace(/[a-z]+/g, (letters) => letters.toUpperCase()) : text.toUpperCase()
}

/** Commands that wait for data; Ctrl-C unblocks them with CLIENT UNBLOCK. */
export const BLOCKING_COMMANDS = new Set([
  'BLPOP',
  'BRPOP',
  'BRPOPLPUSH',
  'BLMOVE',
  'BLMPOP',
  'BZPOPMIN',
  'BZPOPMAX',
  'BZMPOP',
  'XREAD',
  'XREADGROUP',
  'WAIT',
  'WAITAOF',
])

/** Commands that run a script; Ctrl-C and the watchdog stop them with SCRIPT/FUNCTION KILL. */
export const SCRIPT_COMMANDS = new Set(['EVAL', 'EVALSHA', 'EVAL_RO', 'EVALSHA_RO', 'FCALL', 'FCALL_RO'])
