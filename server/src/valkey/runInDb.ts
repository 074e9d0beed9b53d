/**
 * @module Run one admin command in another database without moving the admin connection.
 *
 * A script's SELECT only lasts for that script, so the shared admin
 * connection stays in the control database whatever happens, and concurrent
 * callers cannot observe each other's database switch.
 */
import type { AdminClient } from './adminClient.ts'

const SCRIPT = "redis.call('SELECT', ARGV[1]) return redis.call(unpack(ARGV, 2))"

export async function runInDb(admin: AdminClient, db: number, command: string[]): Promise<unknown[]> {
  const reply = await admin.call('eval', SCRIPT, '0', String(db), ...command)
  return Array.isArray(reply) ? reply : [reply]
}

/** Like runInDb, with binary-safe (Buffer) replies. */
export async function runInDbBuffer(admin: AdminClient, db: number, command: (string | Buffer)[]): Promise<unknown> {
  return admin.callBuffer('eval', SCRIPT, '0', String(db), ...command)
}
