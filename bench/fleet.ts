/**
 * @module The fleet: how many attendees one box holds with 1 worker + 1 Valkey, and with 2 workers +
 * 2 Valkeys, at command p99 ≤ 20 ms; what one attendee costs in CPU; and what an attendee on
 * server B sees while server A is restarted after a runaway script.
 *
 * Each level runs on a fresh playground (`npm start -- --workers W --valkeys V`), with the load in
 * two generator processes of their own (fleetLoad.ts), each attendee with the inspector and a
 * mission open and one command a second. Levels rise until the target is missed (or the top level
 * passes). Every process is stopped by its pid; every loop is bounded.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startPlaygroundProcess, type PlaygroundProcess } from './playgroundProcess.ts'
import { treeCpuSeconds } from './fleetProcessTree.ts'
import { summarize, type Summary } from './stats.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const TARGET_P99_MS = 20
const SECONDS = 15
// FLEET_GENERATORS: how many load generator processes share the attendees.
const GENERATORS = Number(process.env.FLEET_GENERATORS ?? 2)
// FLEET_LEVELS=500,1000 runs just those (to look into one level).
const LEVELS = process.env.FLEET_LEVELS
  ? process.env.FLEET_LEVELS.split(',').map(Number)
  : [500, 1000, 1250, 1500, 1750, 2000, 2500, 3000, 4000]

export type LevelResult = {
  attendees: number
  commandMs: Summary
  failed: number
  /** Of one core: the playground's Node processes, its valkey-servers, and the load generators (same machine). */
  cpuPercent: { node: number; valkey: number; generators: number }
  met: boolean
}
export type ShapeResult = { workers: number; valkeys: number; levels: LevelResult[]; held: number }

type Generator = { pid: number; ready: Promise<void>; go(): void; result: Promise<{ commandMs: number[]; failed: number }>; stop(): void }

function startGenerator(port: number, attendees: number, prefix: string): Generator {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'bench', 'fleetLoad.ts'), String(port), String(attendees), prefix, String(SECONDS)],
    {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    }
  )
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (output.includes('ready')) resolve()
    }
    child.stdout!.on('data', check)
    void exited.then((code) => reject(new Error(`a load generator exited before it was ready (${code})`)))
  })
  const resultLine = () => output.split('\n').find((text) => text.startsWith('{') && text.endsWith('}'))
  const result = new Promise<{ commandMs: number[]; failed: number }>((resolve, reject) => {
    const check = () => {
      const line = resultLine()
      if (line) resolve(JSON.parse(line) as { commandMs: number[]; failed: number })
    }
    child.stdout!.on('data', check)
    void exited.then(() => {
      check()
      reject(new Error('a load generator printed no result'))
    })
  })
  return {
    pid: child.pid!,
    ready,
    result,
    go: () => child.stdin!.write('go\n'),
    stop: () => {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL')
    },
  }
}

async function runLevel(workers: number, valkeys: number, attendees: number, levelIndex: number): Promise<LevelResult> {
  const perServer = Math.ceil(attendees / valkeys) + 50
  const playground = await startPlaygroundProcess(null, { SANDBOX_MAX: String(perServer), SANDBOX_PER_ADDRESS: '100' }, [
    '--workers',
    String(workers),
    '--valkeys',
    String(valkeys),
  ])
  const generators: Generator[] = []
  try {
    for (let g = 0; g < GENERATORS; g++) {
      // Source addresses 127.L.G.2 and up: a level never shares an address with another generator.
      generators.push(startGenerator(playground.port, Math.floor(attendees / GENERATORS), `127.${levelIndex + 1}.${g}`))
    }
    await Promise.all(generators.map((generator) => generator.ready))
    // What arriving left to do (room rows, memory measurements, the last missions' checks) settles first.
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const before = treeCpuSeconds(playground.pid)
    const generatorsBefore = generators.reduce((sum, generator) => sum + treeCpuSeconds(generator.pid).node, 0)
    const started = performance.now()
    for (const generator of generators) generator.go()
    const results = await Promise.all(generators.map((generator) => generator.result))
    const wall = (performance.now() - started) / 1000
    const after = treeCpuSeconds(playground.pid)
    const generatorsAfter = generators.reduce((sum, generator) => sum + treeCpuSeconds(generator.pid).node, 0)
    const commandMs = summarize(results.flatMap((result) => result.commandMs))
    const failed = results.reduce((sum, result) => sum + result.failed, 0)
    const percent = (seconds: number) => Math.round((seconds / wall) * 1000) / 10
    return {
      attendees,
      commandMs,
      failed,
      cpuPercent: {
        node: percent(after.node - before.node),
        valkey: percent(after.valkey - before.valkey),
        generators: percent(generatorsAfter - generatorsBefore),
      },
      met: commandMs.p99 <= TARGET_P99_MS && failed === 0,
    }
  } finally {
    for (const generator of generators) generator.stop()
    await playground.stop()
  }
}

export async function benchFleetShape(workers: number, valkeys: number, log: (line: string) => void): Promise<ShapeResult> {
  const levels: LevelResult[] = []
  for (const [index, attendees] of LEVELS.entries()) {
    const level = await runLevel(workers, valkeys, attendees, index)
    levels.push(level)
    log(
      `  ${workers} worker(s) + ${valkeys} Valkey(s), ${attendees} attendees: p50 ${level.commandMs.p50.toFixed(1)} ms  p99 ${level.commandMs.p99.toFixed(1)} ms  ` +
        `${level.failed} failed  CPU playground ${level.cpuPercent.node} %  valkey ${level.cpuPercent.valkey} %  load generators ${level.cpuPercent.generators} %  ${level.met ? 'held' : 'NOT held'}`
    )
    if (!level.met) break
  }
  const held = Math.max(0, ...levels.filter((level) => level.met).map((level) => level.attendees))
  return { workers, valkeys, levels, held }
}

export type { PlaygroundProcess }
