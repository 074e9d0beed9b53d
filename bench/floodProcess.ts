/**
 * @module One flooding attendee, as its own process, for the noisy-neighbour benchmark: the
 * victim must measure the playground, not a client busy parsing the flood's replies in the same
 * event loop. Usage (by noisyNeighbour.ts): node --import tsx bench/floodProcess.ts PORT KIND.
 * Prints "ready" once its data is in place, floods until SIGTERM or 60 s, whichever is first.
 */
import type { ProxyConnection } from '../common/connection/ProxyConnection.ts'
import { openPageConnection } from './connection.ts'

export const FLOODS = {
  paste4000: '4,000-line HSET pastes, 1 KB values',
  hgetall: 'HGETALL of a 20,000-field hash',
  keys: 'KEYS * over 200,000 keys',
  paste100k: 'a 100,000-line paste',
} as const
export type FloodKind = keyof typeof FLOODS

const value = 'v'.repeat(1024)

async function pipelined(connection: ProxyConnection, lines: string[][]): Promise<void> {
  await Promise.all(lines.map((args) => connection.run(args)))
}

async function prepare(connection: ProxyConnection, kind: FloodKind): Promise<void> {
  if (kind === 'hgetall') {
    for (let chunk = 0; chunk < 20; chunk++) {
      const args = ['HSET', 'big:hash']
      for (let i = 0; i < 1000; i++) args.push(`field${chunk * 1000 + i}`, `value${i}`)
      await connection.run(args)
    }
  }
  if (kind === 'keys') {
    for (let chunk = 0; chunk < 200; chunk++) {
      const args = ['MSET']
      for (let i = 0; i < 1000; i++) args.push(`k:${chunk}:${i}`, '1')
      await connection.run(args)
    }
  }
}

function burst(connection: ProxyConnection, kind: FloodKind): Promise<void> {
  switch (kind) {
    case 'paste4000':
      return pipelined(
        connection,
        Array.from({ length: 4000 }, (_, i) => ['HSET', `paste:${i % 50}`, `f${i}`, value])
      )
    case 'hgetall':
      return pipelined(
        connection,
        Array.from({ length: 8 }, () => ['HGETALL', 'big:hash'])
      )
    case 'keys':
      return pipelined(
        connection,
        Array.from({ length: 8 }, () => ['KEYS', '*'])
      )
    case 'paste100k':
      return pipelined(
        connection,
        Array.from({ length: 100_000 }, (_, i) => ['SET', `line:${i % 1000}`, String(i)])
      )
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [port, kind] = [Number(process.argv[2]), process.argv[3] as FloodKind]
  const connection = await openPageConnection(port)
  await prepare(connection, kind)
  let stop = false
  process.on('SIGTERM', () => (stop = true))
  console.log('ready')
  const until = Date.now() + 60_000
  for (let round = 0; round < 10_000 && !stop && Date.now() < until; round++) await burst(connection, kind)
  await connection.run(['FLUSHDB'])
  connection.stop()
  process.exit(0)
}
