/**
 * @module Stopping a sandbox's runaway script without harming anyone else's.
 *
 * SCRIPT KILL and FUNCTION KILL stop whatever script is running, whoever started it, so they are
 * sent only when the running script must be this sandbox's: its own script command has been
 * waiting longer than Valkey's busy-reply-threshold. Past that threshold Valkey answers every
 * other client's command with BUSY at once, so a command of ours still waiting means ours is the
 * one running (anyone else's would have answered BUSY to ours).
 *
 * A script that already wrote cannot be killed (UNKILLABLE): Valkey would have to undo half of
 * it. Then the embedded server is killed and restarted from its append-only file, which holds
 * every acknowledged write of every sandbox but nothing of the unfinished script (Valkey
 * propagates a script's writes only once it ends; see EmbeddedValkey). With a server we did not
 * start (VALKEY_URL) there is nothing we may restart, and the script runs on.
 */
import type { AdminClient } from '../valkey/adminClient.ts'

/** busy-reply-threshold of the embedded server (app.ts) plus a margin for the network. */
export const OWNERSHIP_MS = 1200

export type StopOutcome = 'killed' | 'restarted' | 'unkillable' | 'nothing'

export type ScriptStopperDeps = {
  admin: AdminClient
  /** Kills and restarts the embedded server from disk; null (or false) where it cannot. */
  restartValkey: (() => boolean) | null
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))

export async function stopRunningScript(deps: ScriptStopperDeps): Promise<StopOutcome> {
  let unkillable = false
  for (const kind of ['script', 'function'] as const) {
    try {
      await deps.admin.call(kind, 'kill')
      return 'killed'
    } catch (error) {
      // NOTBUSY: not that kind (an EVAL is not a function), or it just finished.
      if (/^UNKILLABLE/.test(errorText(error))) unkillable = true
    }
  }
  if (!unkillable) return 'nothing'
  return deps.restartValkey?.() ? 'restarted' : 'unkillable'
}
