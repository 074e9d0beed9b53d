/**
 * @module Time to the first prompt, in headless Chromium: from navigation to the page's
 * `playground:prompt` mark (the connected `127.0.0.1:6379> ` prompt drawn, so typing is read),
 * and to a first answered command (PING through the test API's run(), resolved once its reply is
 * drawn). Each load is a fresh browser context (no cache, no stored sandbox token), on loopback;
 * one load before them warms the server's in-memory compression of the page's files.
 *
 * Beside the figures, where the time goes, as medians of the same loads: the page's HTML, its
 * scripts, the WebSocket (created, open, the server's welcome), React's first mount, xterm.js's
 * terminal, the command docs (hints, Tab, help), the inspector (loaded after the prompt). Skipped (null) without Chromium (CHROMIUM_PATH).
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from '@playwright/test'
import { summarize, type Summary } from './stats.ts'

export const FIRST_PROMPT_TARGET_MS = 400

export type FirstPromptResults = {
  loads: number
  promptMs: Summary
  answeredMs: Summary
  /** Median milliseconds from navigation at which each stage ended. */
  stagesMs: Record<string, number>
  target: string
  /** Median prompt time over the target (below 1: met). */
  ratio: number
  met: boolean
}

// As text: functions compiled by tsx carry name helpers the page does not have.
const OBSERVE = `
  window.benchStages = {}
  const stage = (name) => { if (!(name in window.benchStages)) window.benchStages[name] = performance.now() }
  const Native = window.WebSocket
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args)
      stage('socket created')
      this.addEventListener('open', () => stage('socket open'))
      this.addEventListener('message', () => stage('welcome'))
    }
  }
  new MutationObserver(() => {
    if (document.getElementById('root')?.children.length) stage('React mounted')
    if (document.querySelector('.xterm-screen')) stage('xterm open')
    // The lesson and the inspector load after the prompt (web/src/useLaterPanels.ts).
    if (document.querySelector('[data-testid="inspector"] > *')) stage('inspector mounted')
  }).observe(document, { childList: true, subtree: true })
  document.addEventListener('DOMContentLoaded', () => stage('DOMContentLoaded'))
  const helpPoll = setInterval(() => {
    if (window.valkeyPlayground?.terminal?.helpReady()) { stage('command docs ready'); clearInterval(helpPoll) }
  }, 5)
  new PerformanceObserver((list, observer) => {
    if (!list.getEntriesByName('playground:prompt').length) return
    observer.disconnect()
    window.valkeyPlayground.terminal.run('PING').then(() => stage('PING answered'))
  }).observe({ type: 'mark', buffered: true })
`

type Load = { prompt: number; stages: Record<string, number> }

export async function benchFirstPrompt(port: number, loads = 5): Promise<FirstPromptResults | null> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(executablePath)) return null
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] })
  try {
    await waitForCompressedScripts(port)
    const measured: Load[] = []
    for (let index = 0; index <= loads; index++) {
      const load = await loadOnce(browser, `http://127.0.0.1:${port}/`)
      if (index > 0) measured.push(load)
    }
    const promptMs = summarize(measured.map((load) => load.prompt))
    const answeredMs = summarize(measured.map((load) => load.stages['PING answered'] ?? NaN))
    const names = new Set(measured.flatMap((load) => Object.keys(load.stages)))
    const stagesMs = Object.fromEntries(
      [...names]
        .map((name) => [name, Math.round(summarize(measured.map((load) => load.stages[name] ?? NaN)).p50)] as const)
        .sort((a, b) => a[1] - b[1])
    )
    const ratio = Math.round((promptMs.p50 / FIRST_PROMPT_TARGET_MS) * 100) / 100
    return {
      loads: measured.length,
      promptMs,
      answeredMs,
      stagesMs,
      target: `prompt p50 < ${FIRST_PROMPT_TARGET_MS} ms`,
      ratio,
      met: promptMs.p50 < FIRST_PROMPT_TARGET_MS,
    }
  } finally {
    await browser.close()
  }
}

/** The server compresses its files once, off its event loop, and serves them as they are until then: measure what visitors get after. */
async function waitForCompressedScripts(port: number): Promise<void> {
  const base = `http://127.0.0.1:${port}`
  const page = await (await fetch(`${base}/`)).text()
  const scripts = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!)
  const deadline = Date.now() + 120_000
  for (const script of scripts) {
    while (Date.now() < deadline) {
      const response = await fetch(base + script, { method: 'HEAD', headers: { 'accept-encoding': 'br' } })
      if (response.headers.get('content-encoding') === 'br') break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

async function loadOnce(browser: Browser, url: string): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } })
  try {
    const page = await context.newPage()
    await page.addInitScript({ content: OBSERVE })
    await page.goto(url)
    await page.waitForFunction(
      () => {
        const stages = (window as unknown as { benchStages: object }).benchStages
        return 'PING answered' in stages && 'inspector mounted' in stages
      },
      null,
      {
        timeout: 30_000,
      }
    )
    return await page.evaluate(() => {
      const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
      const prompt = performance.getEntriesByName('playground:prompt')[0]!.startTime
      // The scripts the prompt waited for (not the later panels' chunk).
      const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter(
        (entry) => entry.name.endsWith('.js') && entry.startTime < prompt
      )
      const stages: Record<string, number> = {
        ...(window as unknown as { benchStages: Record<string, number> }).benchStages,
        'HTML received': navigation.responseEnd,
        'scripts received': Math.max(0, ...scripts.map((entry) => entry.responseEnd)),
      }
      return { prompt, stages: { ...stages, prompt } }
    })
  } finally {
    await context.close()
  }
}

/** Prints the section as `npm run bench` shows it. */
export function printFirstPrompt(results: FirstPromptResults | null): void {
  if (!results) {
    console.log('  not measured: no Chromium (CHROMIUM_PATH)')
    return
  }
  const ms = (value: number) => `${Math.round(value)} ms`
  console.log(
    `  navigation → prompt     p50 ${ms(results.promptMs.p50)}  max ${ms(results.promptMs.p99)}  (median of ${results.loads} fresh contexts; ${results.target}: ratio ${results.ratio}x, ${results.met ? 'met' : 'NOT met'})`
  )
  console.log(`  navigation → answered   p50 ${ms(results.answeredMs.p50)}  (PING typed at the prompt, reply drawn)`)
  console.log(
    `  stages (median ms)      ${Object.entries(results.stagesMs)
      .map(([name, at]) => `${name} ${at}`)
      .join(' · ')}`
  )
}
