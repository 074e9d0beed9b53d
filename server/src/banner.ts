/**
 * @module The start-up banner of the playground: where to open it, the instructor's link, what
 * the Valkey it runs on lacks. Printed once, by the one process (or the cluster primary, once
 * every worker serves).
 */
import os from 'node:os'
import type { ValkeyTarget } from './config.ts'

export type BannerFacts = {
  /** Whether the playground started the Valkey server itself. */
  embedded: boolean
  /** The pool's servers, in order (one without a pool). */
  servers: Pick<ValkeyTarget, 'host' | 'port'>[]
  /** Sandboxes each server holds. */
  sandboxes: number[]
  /** Where the bookkeeping lives when it is not the first server (CONTROL_URL). */
  control: Pick<ValkeyTarget, 'host' | 'port'> | null
  valkeyVersion: string
  hashFieldExpiration: boolean
  databaseAcl: boolean
  url: string
  port: number
  /** Where it listens (config.host): all interfaces also lists the network addresses. */
  host: string
  instructorUrl: string
  /** Worker pids when several processes share the port (--workers). */
  workers?: number[]
}

export function networkUrls(port: number): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((address) => address && address.family === 'IPv4' && !address.internal)
    .map((address) => `http://${address!.address}:${port}/`)
}

export function printPlaygroundBanner(facts: BannerFacts): void {
  const where = facts.servers.map((server) => `${server.host}:${server.port}`).join(', ')
  const count = facts.servers.length
  const kind = facts.embedded ? 'embedded Valkey' : 'Valkey'
  const source =
    count === 1
      ? `${kind} ${facts.valkeyVersion} ${facts.embedded ? 'on' : 'at'} ${where}`
      : `a pool of ${count} ${kind} ${facts.valkeyVersion} servers: ${where}`
  const processes = facts.workers ? `${facts.workers.length} workers, ` : ''
  const total = facts.sandboxes.reduce((sum, n) => sum + n, 0)
  console.log('')
  console.log(`  Valkey Hash Playground is running (${processes}${source}).`)
  console.log(
    `  Sandboxes: ${total}` +
      (count === 1 ? '' : ` (${facts.sandboxes.join(' + ')})`) +
      (facts.control ? `; bookkeeping on ${facts.control.host}:${facts.control.port}` : '')
  )
  console.log('')
  console.log(`  Open:     ${facts.url}`)
  if (facts.host === '0.0.0.0' || facts.host === '::') {
    for (const url of networkUrls(facts.port)) console.log(`  Network:  ${url}`)
  }
  console.log('')
  // The one place the key is shown: whoever started the server is the instructor.
  console.log(`  Instructor (keep this one to yourself): ${facts.instructorUrl}`)
  console.log('')
  if (facts.workers) console.log(`  Workers (pids): ${facts.workers.join(', ')}; one that dies is started again.`)
  if (!facts.hashFieldExpiration) {
    console.log('  Note: this Valkey has no hash field expiration (needs 9.0+); those features are hidden.')
  }
  if (!facts.databaseAcl) {
    console.log('  Note: this Valkey has no database ACLs (9.1+); COPY and MOVE are disabled in sandboxes.')
  }
  console.log('  Press Ctrl-C to stop.')
}
