/**
 * @module A sandbox's number across the whole pool of Valkey servers.
 *
 * A sandbox is one numbered database on one server of the pool. Everything that outlives a socket
 * (the registry, mission progress, the instructor's rows) names it by one integer, so the pool
 * is invisible to it: `server * SERVER_STRIDE + db`. The first server's numbers are its database
 * numbers, which keeps a single-server playground (and what it stored before pools existed)
 * exactly as it was.
 *
 * Limit: a server contributes at most SERVER_STRIDE databases (SANDBOX_MAX is capped below it).
 */
export const SERVER_STRIDE = 100_000

export type SandboxPlace = { server: number; db: number }

export function sandboxNumber(server: number, db: number): number {
  return server * SERVER_STRIDE + db
}

export function placeOf(number: number): SandboxPlace {
  return { server: Math.floor(number / SERVER_STRIDE), db: number % SERVER_STRIDE }
}
