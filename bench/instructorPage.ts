/**
 * @module The instructor page itself under the room's load, in headless Chromium: how smooth it
 * stays while 300 attendees' rows change. It records, while `during` runs, the gaps between
 * animation frames (a smooth page draws one every ~16.7 ms; a gap of 50 ms or more is a visible
 * stutter) and the main thread's long tasks (PerformanceObserver 'longtask', 50 ms or more), and
 * at the end how many rows show every step done.
 *
 * Skipped (null) where there is no Chromium (CHROMIUM_PATH, default /usr/bin/chromium): `npm test`
 * installs it, a bare `npm run bench` may run without it.
 */
import { existsSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium } from '@playwright/test'
import { summarize, type Summary } from './stats.ts'
import { TRACE_CATEGORIES, taskFigures, WINDOW_END, WINDOW_START, type TaskFigures } from './traceTasks.ts'

export type PageFigures = {
  /** Rows in the grid (the whole room), and how many of them were rendered (the ones near the view). */
  rows: number
  rowsRendered: number
  /** Rendered rows showing all of the mission's steps done when the run was over. */
  rowsAllDone: number
  frameGapMs: Summary & { max: number }
  /** Frame gaps of 50 ms or more. */
  stutters: number
  longTasks: { count: number; maxMs: number; totalMs: number }
  /** Per cent of the run the page's main thread was busy, and on what (Chromium's Performance metrics). */
  mainThread: { busy: number; script: number; layout: number; style: number }
  /** The main thread's tasks from a Chromium trace of the run: CPU time apart from wall time (null: the trace could not be read). */
  traceTasks: TaskFigures | null
}

declare global {
  interface Window {
    benchFrames: number[]
    benchLongTasks: number[]
  }
}

export async function measureInstructorPage(
  baseUrl: string,
  key: string,
  rows: number,
  steps: number,
  during: () => Promise<unknown>
): Promise<PageFigures | null> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(executablePath)) return null
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] })
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    // As text: functions compiled by tsx carry name helpers the page does not have.
    await page.addInitScript({
      content: `
        window.benchFrames = []
        window.benchLongTasks = []
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) window.benchLongTasks.push(entry.duration)
        }).observe({ type: 'longtask', buffered: true })
        let last = performance.now()
        requestAnimationFrame(function tick(time) {
          window.benchFrames.push(time - last)
          last = time
          requestAnimationFrame(tick)
        })
      `,
    })
    await page.goto(`${baseUrl}#/teach?key=${key}`, { timeout: 90_000 })
    // A page in the background gets no animation frames.
    await page.bringToFront()
    // The grid renders only the rows near its view: its scroll box counts them all.
    await page.waitForFunction(
      (count) => Number(document.querySelector('[data-testid="grid-scroll"]')?.getAttribute('data-rows-total') ?? 0) >= count,
      rows,
      { timeout: 20_000 }
    )
    // The renderer's own accounting of its main thread: what the page cost, apart from waiting for a core.
    // Enabled before the counting starts, which then sees only a read at each end (no protocol traffic between).
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable')
    const metric = async () => {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
      return (name: string) => metrics.find((each) => each.name === name)?.value ?? 0
    }
    // A Chromium trace of the run, for each task's CPU time; kept where BENCH_TRACE=file.json says, else deleted.
    // Started before the counting starts and stopped after it ends: starting and stopping a trace stalls the page.
    const tracePath = process.env.BENCH_TRACE ?? path.join(os.tmpdir(), `instructor-page-${process.pid}.json`)
    await browser.startTracing(page, { path: tracePath, screenshots: false, categories: TRACE_CATEGORIES })
    // Its stall reaches the observer a little later: let it land before the counting starts.
    await page.waitForTimeout(1000)
    await page.evaluate((mark) => {
      window.benchFrames = []
      window.benchLongTasks = []
      console.timeStamp(mark)
    }, WINDOW_START)
    const start = await metric()
    const startedAt = performance.now()
    await during()
    const end = await metric()
    const wall = (performance.now() - startedAt) / 1000
    const share = (name: string) => Math.round(((end(name) - start(name)) / wall) * 1000) / 10
    const mainThread = {
      busy: share('TaskDuration'),
      script: share('ScriptDuration'),
      layout: share('LayoutDuration'),
      style: share('RecalcStyleDuration'),
    }
    // The last rows are at most a flush away.
    await page.waitForTimeout(500)
    const { frames, longTasks, shown, rendered, allDone } = await page.evaluate(
      ({ total, mark }) => {
        console.timeStamp(mark)
        const grid = document.querySelector('[data-testid="grid-scroll"]')
        const rowsNow = Array.from(document.querySelectorAll('[data-testid="attendee-row"]'))
        return {
          frames: window.benchFrames,
          longTasks: window.benchLongTasks,
          shown: Number(grid?.getAttribute('data-rows-total') ?? 0),
          rendered: rowsNow.length,
          allDone: rowsNow.filter((row) => row.getAttribute('data-done') === String(total)).length,
        }
      },
      { total: steps, mark: WINDOW_END }
    )
    await browser.stopTracing()
    const traceTasks = await taskFigures(tracePath).catch(() => null)
    if (!process.env.BENCH_TRACE) rmSync(tracePath, { force: true })
    return {
      rows: shown,
      rowsRendered: rendered,
      rowsAllDone: allDone,
      frameGapMs: { ...summarize(frames), max: Math.max(0, ...frames) },
      stutters: frames.filter((gap) => gap >= 50).length,
      mainThread,
      traceTasks,
      longTasks: { count: longTasks.length, maxMs: Math.max(0, ...longTasks), totalMs: longTasks.reduce((sum, ms) => sum + ms, 0) },
    }
  } finally {
    await browser.close()
  }
}
