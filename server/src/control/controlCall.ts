/**
 * @module Calls to the control Valkey: Lua scripts by SHA with a fallback to their text, and
 * connection failures turned into ControlUnavailableError.
 *
 * The control server may be the first server of the pool, where attendees' EVALs evict the script
 * cache at any time, so every script is sent by SHA and again as text when Valkey answers NOSCRIPT.
 * The scripts never use cjson or string methods (`s:match`): an attendee script on that server can
 * change the Lua VM's cjson settings and, on Valkey 8, the string metatable.
 */
import { createHash } from 'node:crypto'
import type { AdminClient } from '../valkey/adminClient.ts'
import { ControlUnavailableError } from './ControlUnavailableError.ts'

export type LuaScript = { text: string; sha: string }

export function luaScript(text: string): LuaScript {
  return { text, sha: createHash('sha1').update(text).digest('hex') }
}

/** A reply error (the server answered) rather than a lost or refused connection. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError'
}

/** Runs one command; a connection that is down or drops becomes ControlUnavailableError. */
export async function controlCall(control: AdminClient, command: string, ...args: (string | number)[]): Promise<unknown> {
  if (control.status !== 'ready') throw new ControlUnavailableError(control.status)
  try {
    return await control.call(command, ...args.map(String))
  } catch (error) {
    if (isReplyError(error)) throw error
    throw new ControlUnavailableError((error as Error).message)
  }
}

/** Runs a script (no declared keys: see keys.ts) by SHA, sending its text only when the server lost it. */
export async function runScript(control: AdminClient, script: LuaScript, args: (string | number)[]): Promise<unknown> {
  try {
    return await controlCall(control, 'evalsha', script.sha, 0, ...args)
  } catch (error) {
    if (!(isReplyError(error) && /^NOSCRIPT/.test((error as Error).message))) throw error
    return controlCall(control, 'eval', script.text, 0, ...args)
  }
}
