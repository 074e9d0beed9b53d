/**
 * @module The control Valkey's key names: everything the playground processes share.
 *
 * All live in the control database (VALKEY_URL's `/db`, or CONTROL_URL's). The directory's Lua
 * scripts build the per-number and per-process names themselves from the same prefixes, so the
 * control server must be a standalone Valkey (a cluster would refuse keys a script does not declare).
 */

/** tokenHash → JSON record `{db, tokenHash, createdAt, lastSeenAt, address, used}` (`db` is the sandbox number). */
export const SANDBOXES = 'playground:sandboxes'
/** Hash per sandbox number: token, address, seen, created, used (the scripts' view of a record). */
export const SANDBOX_PREFIX = 'playground:sandbox:'
/** Hash per pool server: db → tokenHash | `recycling:<process id>` | `foreign`. Its length is how full the server is. */
export const CLAIMS_PREFIX = 'playground:claims:'
/** Set per client address: the sandbox numbers it holds. */
export const ADDRESS_PREFIX = 'playground:address:'
/** Sorted set: hashes of tokens released without ever storing anything, oldest first (bounded). */
export const RELEASED = 'playground:released'
/** String with a TTL per process: its heartbeat. */
export const PROCESS_PREFIX = 'playground:process:'
/** Set of every process id that ever beat (stale ones are dropped when noticed). */
export const PROCESSES = 'playground:processes'
/** Set per process: the sandbox numbers it has at least one open connection to. */
export const LIVE_PREFIX = 'playground:live:'
/** A random string written once: it changes only when the control server lost its data. */
export const EPOCH = 'playground:control-epoch'
/** SET NX PX lock: one idle sweep at a time across processes. */
export const SWEEP_LOCK = 'playground:sweep-lock'
/** The secret every process derives the sandboxes' ACL passwords from. */
export const ACL_SECRET = 'playground:acl-secret'
/** Hash per sandbox number: script SHA1 → body, the sandbox's script book. */
export const SCRIPTS_PREFIX = 'playground:scripts:'
/** Sorted set per sandbox number: script SHA1 by last use, for evicting the oldest. */
export const SCRIPTS_ORDER_PREFIX = 'playground:scripts-order:'
