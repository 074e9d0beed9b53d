/**
 * @module `npm run bench`'s instructor page section: the real instructor page in headless Chromium
 * while a room of 500 attendees sends a command a second each (every command changes that
 * attendee's row). The room runs in a load generator process of its own (roomLoad.ts), on a
 * playground and Valkey of this section's own, loopback only. Target: no main-thread task on the
 * page of 50 ms or more while the rows update (PerformanceObserver 'longtask').
 *
 * Bounded: one run of SECONDS seconds; every wait has a deadline; the generator, the playground and
 * Valkey this section started are stopped by their own handles whatever happens.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { EmbeddedValkey } from '../server/src/valkey/EmbeddedValkey.ts'
import { measureInstructorPage, type PageFigures } from './instructorPage.ts'
import { startPlaygroundProcess } from './playgroundProcess.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const ATTENDEES = Number(process.env.BENCH_ROOM_ATTENDEES ?? 500)
const SECONDS = 20
const LONG_TASK_TARGET_MS = 50

export type InstructorPageResults = {
  attendees: number
  seconds: number
  commands: number
  failed: number
  /** null: no Chromium. */
  page: PageFigures | null
  /** The machine's one-minute load average before and after the run: on a shared machine a long task may be mostly waiting for a core. */
  loadAverage: { before: number; after: number }
  target: string
  met: boolean
}

type Generator = { child: ChildProcess; ready: Promise<void>; result: Promise<{ commands: number; failed: number }> }

function startGenerator(port: number): Generator {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'bench', 'roomLoad.ts'), String(port), String(ATTENDEES), String(SECONDS)],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] }
  )
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => output.includes('ready') && resolve())
    void exited.then((code) => reject(new Error(`the room generator exited before it was ready (${code})`)))
  })
  const line = () => output.split('\n').find((text) => text.startsWith('{') && text.endsWith('}'))
  const result = new Promise<{ commands: number; failed: number }>((resolve, reject) => {
    const check = () => {
      const found = line()
      if (found) resolve(JSON.parse(found) as { commands: number; failed: number })
    }
    child.stdout!.on('data', check)
    void exited.then(() => {
      check()
      reject(new Error('the room generator printed no result'))
    })
  })
  // Handled where awaited; these keep an early exit from being an unhandled rejection meanwhile.
  ready.catch(() => undefined)
  result.catch(() => undefined)
  return { child, ready, result }
}

const withDeadline = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`instructor page bench: ${what} timed out`)), ms).unref()),
  ])

export async function benchInstructorPage(valkeyBinary: string): Promise<InstructorPageResults> {
  const key = `bench-${randomBytes(12).toString('base64url')}`
  const valkey = await EmbeddedValkey.start({
    binary: valkeyBinary,
    databases: ATTENDEES + 21,
    settings: { 'notify-keyspace-events': 'KA' },
  })
  let playground: Awaited<ReturnType<typeof startPlaygroundProcess>> | null = null
  let generator: Generator | null = null
  try {
    playground = await startPlaygroundProcess(`redis://:${valkey.password}@${valkey.host}:${valkey.port}/0`, {
      INSTRUCTOR_KEY: key,
      SANDBOX_MAX: String(ATTENDEES + 20),
      SANDBOX_PER_ADDRESS: '100',
    })
    generator = startGenerator(playground.port)
    await withDeadline(generator.ready, 180_000, 'the room to connect')
    const running = generator
    const loadBefore = os.loadavg()[0]!
    const page = await measureInstructorPage(`http://127.0.0.1:${playground.port}/`, key, ATTENDEES, 0, async () => {
      running.child.stdin!.write('go\n')
      return withDeadline(running.result, (SECONDS + 120) * 1000, 'the room run')
    })
    const { commands, failed } = await withDeadline(generator.result, 10_000, 'the room result')
    return {
      attendees: ATTENDEES,
      seconds: SECONDS,
      commands,
      failed,
      page,
      loadAverage: { before: Math.round(loadBefore * 10) / 10, after: Math.round(os.loadavg()[0]! * 10) / 10 },
      target: `longest main-thread task < ${LONG_TASK_TARGET_MS} ms`,
      met: page !== null && page.longTasks.count === 0,
    }
  } finally {
    if (generator && generator.child.exitCode === null) generator.child.kill('SIGKILL')
    await playground?.stop()
    await valkey.stop()
  }
}

export function printInstructorPage(results: InstructorPageResults): void {
  const ms = (value: number) => `${Math.round(value * 10) / 10} ms`
  console.log(
    `\nInstructor page (${results.attendees} attendees, one command a second each for ${results.seconds} s, every command changing a row; ${results.commands} commands, ${results.failed} failed)`
  )
  const page = results.page
  if (!page) {
    console.log('  not measured: no Chromium (CHROMIUM_PATH)')
    return
  }
  console.log(
    `  long tasks        max ${ms(page.longTasks.maxMs)}  count ${page.longTasks.count}  (${results.target}: ${results.met ? 'met' : 'NOT met'})`
  )
  const trace = page.traceTasks
  if (trace) {
    console.log(
      `  task CPU time     max ${ms(trace.cpuMs.max)}  p99 ${ms(trace.cpuMs.p99)}  ${trace.cpuMs.over50} of ${trace.tasks} tasks ≥ 50 ms of CPU (by wall time: max ${ms(trace.wallMs.max)}, ${trace.wallMs.over50} ≥ 50 ms)`
    )
  }
  console.log(
    `  frame gap         p50 ${ms(page.frameGapMs.p50)}  p99 ${ms(page.frameGapMs.p99)}  max ${ms(page.frameGapMs.max)}; ${page.stutters} gaps ≥ 50 ms`
  )
  console.log(
    `  main thread       busy ${page.mainThread.busy} % (script ${page.mainThread.script} %, layout ${page.mainThread.layout} %, style ${page.mainThread.style} %); ${page.rows} rows in the grid, ${page.rowsRendered} rendered`
  )
  console.log(
    `  machine           load average ${results.loadAverage.before} before, ${results.loadAverage.after} after (${os.cpus().length} cores)`
  )
}
