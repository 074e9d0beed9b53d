/**
 * @module Noisy neighbour: one attendee's HGET latency while another sandbox floods the server,
 * each flood from issue 11 in turn (4,000-line HSET pastes with 1 KB values, HGETALL of a
 * 20,000-field hash, KEYS over 200,000 keys, a 100,000-line paste). The flood runs in a process
 * of its own (floodProcess.ts), so this one measures the playground and not its own parsing;
 * both go through the proxy as a browser does. Every loop is bounded in count and in time, and
 * the flooding process is stopped by its pid.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ProxyConnection } from '../common/connection/ProxyConnection.ts'
import { openPageConnection } from './connection.ts'
import { FLOODS, type FloodKind } from './floodProcess.ts'
import { round, summarize, type Summary } from './stats.ts'

/** Each flood is run RUNS times (a process of its own each time); `runs` holds the victim's figures for each. */
export type NoisyResults = { quiet: Summary; floods: { name: string; runs: Summary[] }[]; target: string; met: boolean }

const TARGET_P99_MS = 50
const SAMPLES = 150
const GAP_MS = 10
const RUNS = 3
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

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

async function withFlood<T>(port: number, kind: FloodKind, measure: () => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'floodProcess.ts'), String(port), kind], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ${kind} flood did not get ready`)), 120_000)
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) {
          clearTimeout(timer)
          resolve()
        }
      })
      child.once('exit', (code) => reject(new Error(`the ${kind} flood exited early (${code})`)))
    })
    await sleep(500) // let the flood get going
    return await measure()
  } finally {
    if (child.pid) process.kill(child.pid, 'SIGTERM')
    const killer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 15_000)
    await exited
    clearTimeout(killer)
  }
}

/** `only`: the floods to run (FLOODS=paste4000,keys), all when absent or empty. */
export async function benchNoisyNeighbour(port: number, only: readonly string[] = []): Promise<NoisyResults> {
  const victim = await openPageConnection(port)
  await victim.run(['HSET', 'session:leia', 'username', 'leia', 'species', 'human'])
  const quiet = await sampleVictim(victim)
  const floods: NoisyResults['floods'] = []
  const kinds = (Object.keys(FLOODS) as FloodKind[]).filter((kind) => only.length === 0 || only.includes(kind))
  for (const kind of kinds) {
    const runs: Summary[] = []
    for (let run = 0; run < RUNS; run++) runs.push(await withFlood(port, kind, () => sampleVictim(victim)))
    floods.push({ name: FLOODS[kind], runs })
  }
  victim.stop()
  return {
    quiet,
    floods,
    target: `victim p99 ≤ ${TARGET_P99_MS} ms under each flood, every run`,
    met: floods.every((flood) => flood.runs.every((run) => run.p99 <= TARGET_P99_MS)),
  }
}

export function printNoisy(noisy: NoisyResults): void {
  const ms = (value: number) => `${round(value, 1)} ms`.padStart(8)
  console.log(`  quiet                                  p50 ${ms(noisy.quiet.p50)}  p99 ${ms(noisy.quiet.p99)}`)
  for (const flood of noisy.floods) {
    flood.runs.forEach((run, i) => {
      const met = run.p99 <= TARGET_P99_MS ? 'met' : 'NOT met'
      console.log(`  ${(i === 0 ? flood.name : '').padEnd(38)} run ${i + 1}  p50 ${ms(run.p50)}  p99 ${ms(run.p99)}  ${met}`)
    })
  }
  console.log(`  (${noisy.target}: ${noisy.met ? 'met' : 'NOT met'})`)
}
