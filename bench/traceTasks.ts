/**
 * @module The page's main-thread tasks from a Chromium trace, with their CPU time as well as their
 * wall time. PerformanceObserver 'longtask' reports wall time, which on a shared machine includes
 * the time the renderer's thread waited for a core; the trace's thread time (`tdur`) is what the
 * page's own work cost, so a reader can tell a slow page from a busy machine. Only the tasks between
 * the page's `console.timeStamp(WINDOW_START)` and `console.timeStamp(WINDOW_END)` count, when it
 * made them: the stall of starting the trace is the bench's, not the page's.
 */
import { readFile } from 'node:fs/promises'

type TraceEvent = {
  ph?: string
  name?: string
  pid?: number
  tid?: number
  ts?: number
  dur?: number
  tdur?: number
  args?: { name?: string; data?: { message?: string } }
}

/** The marks the page makes with console.timeStamp around the counted run. */
export const WINDOW_START = 'bench-window-start'
export const WINDOW_END = 'bench-window-end'

/**
 * What the trace records: the timeline and each task ("toplevel"), and the page's time stamps. Not
 * Playwright's default JavaScript sampling profiler and stacks, which interrupt the page's thread
 * and so would count in its tasks.
 */
export const TRACE_CATEGORIES = ['-*', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8.execute']

export type TaskFigures = {
  tasks: number
  /** CPU time of the longest task, its 99th percentile, and how many took 50 ms of CPU or more. */
  cpuMs: { max: number; p99: number; over50: number }
  /** The same tasks by wall time (what 'longtask' sees). */
  wallMs: { max: number; over50: number }
}

const round = (value: number) => Math.round(value * 10) / 10

/** The renderer main thread with the most tasks (the page's), from a trace file Chromium wrote. */
export async function taskFigures(tracePath: string): Promise<TaskFigures | null> {
  const parsed = JSON.parse(await readFile(tracePath, 'utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[]
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? [])
  const mains = new Set(
    events
      .filter((event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain')
      .map((event) => `${event.pid}/${event.tid}`)
  )
  const byThread = new Map<string, TraceEvent[]>()
  for (const event of events) {
    const thread = `${event.pid}/${event.tid}`
    if (event.ph !== 'X' || event.name !== 'ThreadControllerImpl::RunTask' || !mains.has(thread)) continue
    byThread.set(thread, [...(byThread.get(thread) ?? []), event])
  }
  const stamp = (message: string) =>
    events.find((event) => event.name === 'TimeStamp' && event.args?.data?.message === message && mains.has(`${event.pid}/${event.tid}`))
      ?.ts
  const from = stamp(WINDOW_START) ?? -Infinity
  const to = stamp(WINDOW_END) ?? Infinity
  const tasks = [...byThread.values()]
    .sort((a, b) => b.length - a.length)[0]
    ?.filter((task) => (task.ts ?? 0) >= from && (task.ts ?? 0) <= to)
  if (!tasks || tasks.length === 0) return null
  const cpu = tasks.map((task) => (task.tdur ?? 0) / 1000).sort((a, b) => a - b)
  const wall = tasks.map((task) => (task.dur ?? 0) / 1000).sort((a, b) => a - b)
  return {
    tasks: tasks.length,
    cpuMs: { max: round(cpu.at(-1)!), p99: round(cpu[Math.floor(cpu.length * 0.99)]!), over50: cpu.filter((ms) => ms >= 50).length },
    wallMs: { max: round(wall.at(-1)!), over50: wall.filter((ms) => ms >= 50).length },
  }
}
