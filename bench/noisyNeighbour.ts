/**
 * @module Noisy neighbour: one attendee's HGET latency while another sandbox floods the server,
 * each flood from issue 11 in turn (4,000-line HSET pastes with 1 KB values, HGETALL of a
 * 20,000-field hash, KEYS over 200,000 keys, a 100,000-line paste). Both go through the proxy as
 * a browser does. Every loop is bounded in count and in time.
 */
import type { ProxyConnection } from '../web/src/hooks/ProxyConnection.ts'
import { openPageConnection } from './connection.ts'
import { summarize, type Summary } from './stats.ts'

export type NoisyResults = {
  quiet: Summary
  floods: { name: string; victim: Summary; floodCommands: number }[]
  target: string
  met: boolean
}

const TARGET_P99_MS = 50
const SAMPLES = 150
const GAP_MS = 10

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The victim's HGET round trips, one at a time with a short gap. */
async function sampleVictim(victim: ProxyConnection): Promise<Summary> {
  const samples: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now()
    await victim.run(['HGET', 'session:leia', 'username'])
    samples.push(performance.now() - started)
    await sleep(GAP_MS)
  }
  return summarize(samples)
}

/** Runs `burst` again and again until `stop` is set (at most 10,000 bursts or 60 s). */
async function flood(stop: { done: boolean }, burst: () => Promise<number>): Promise<number> {
  let commands = 0
  const until = Date.now() + 60_000
  for (let round = 0; round < 10_000 && !stop.done && Date.now() < until; round++) commands += await burst()
  return commands
}

async function pipelined(connection: ProxyConnection, lines: string[][]): Promise<number> {
  await Promise.all(lines.map((args) => connection.run(args)))
  return lines.length
}

export async function benchNoisyNeighbour(port: number): Promise<NoisyResults> {
  const victim = await openPageConnection(port)
  await victim.run(['HSET', 'session:leia', 'username', 'leia', 'species', 'human'])
  const quiet = await sampleVictim(victim)

  const value = 'v'.repeat(1024)
  const floods: { name: string; prepare: (c: ProxyConnection) => Promise<void>; burst: (c: ProxyConnection) => Promise<number> }[] = [
    {
      name: '4,000-line HSET pastes, 1 KB values',
      prepare: async () => undefined,
      burst: (c) =>
        pipelined(
          c,
          Array.from({ length: 4000 }, (_, i) => ['HSET', `paste:${i % 50}`, `f${i}`, value])
        ),
    },
    {
      name: 'HGETALL of a 20,000-field hash',
      prepare: async (c) => {
        for (let chunk = 0; chunk < 20; chunk++) {
          const args = ['HSET', 'big:hash']
          for (let i = 0; i < 1000; i++) args.push(`field${chunk * 1000 + i}`, `value${i}`)
          await c.run(args)
        }
      },
      burst: (c) =>
        pipelined(
          c,
          Array.from({ length: 8 }, () => ['HGETALL', 'big:hash'])
        ),
    },
    {
      name: 'KEYS * over 200,000 keys',
      prepare: async (c) => {
        for (let chunk = 0; chunk < 200; chunk++) {
          const args = ['MSET']
          for (let i = 0; i < 1000; i++) args.push(`k:${chunk}:${i}`, '1')
          await c.run(args)
        }
      },
      burst: (c) =>
        pipelined(
          c,
          Array.from({ length: 8 }, () => ['KEYS', '*'])
        ),
    },
    {
      name: 'a 100,000-line paste',
      prepare: async () => undefined,
      burst: (c) =>
        pipelined(
          c,
          Array.from({ length: 100_000 }, (_, i) => ['SET', `line:${i % 1000}`, String(i)])
        ),
    },
  ]

  const results: NoisyResults['floods'] = []
  for (const each of floods) {
    const attacker = await openPageConnection(port)
    await each.prepare(attacker)
    const stop = { done: false }
    const flooding = flood(stop, () => each.burst(attacker))
    await sleep(300) // let the flood get going
    const victimMs = await sampleVictim(victim)
    stop.done = true
    const floodCommands = await flooding
    await attacker.run(['FLUSHDB'])
    attacker.stop()
    results.push({ name: each.name, victim: victimMs, floodCommands })
  }
  victim.stop()
  return {
    quiet,
    floods: results,
    target: `victim p99 < ${TARGET_P99_MS} ms under each flood`,
    met: results.every((result) => result.victim.p99 < TARGET_P99_MS),
  }
}
