/**
 * @module The mission doc test's runner: one mission, start to end, in a fresh sandbox, through
 * the page's own terminal pipeline, as a learner who does exactly what the text shows.
 *
 * Fails (throws, with what a mission author needs to fix it) when
 *  - a command block prints anything but its shown response;
 *  - a step is already done before any of its own commands ran, after its setup: its checks
 *    hold vacuously (on an empty sandbox, or on what earlier steps left), so the learner would
 *    get a checkmark for doing nothing;
 *  - a step's checks do not report it done after its commands ran.
 *
 * A step this server cannot run (it lacks a feature the step requires) is skipped, as a learner
 * would skip it, and must never be reported done.
 */
import { expect } from 'vitest'
import { fillCaptures, responseCaptures } from '../../common/missions/responsePattern.ts'
import type { MissionBlock, MissionDoc, MissionProgressMessage } from '../../common/protocol/index.ts'
import { eventually } from './helpers.ts'
import type { PageTerminal } from './pageTerminal.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** How long the server's checks must stay silent before their latest report counts as settled. */
const QUIET_MS = 300

export async function runMissionDoc(terminal: PageTerminal, doc: MissionDoc): Promise<void> {
  const id = doc.id
  let progress = null as MissionProgressMessage | null
  let lastReportAt = Date.now()
  terminal.connection.on('missions', (message) => {
    progress = message
    lastReportAt = Date.now()
  })
  terminal.connection.mission({ type: 'missionOpen', id })
  await eventually(() => progress ?? undefined, 'first progress message')

  /** Waits until the checks have reported on everything run so far (bounded: 5 s at most). */
  const settled = async () => {
    // A command's reply schedules an evaluation; this is one no check looks at.
    await terminal.output('ECHO doc-test-settles')
    const until = Date.now() + 5_000
    do await sleep(50)
    while (Date.now() - lastReportAt < QUIET_MS && Date.now() < until)
  }

  let lastBlockAt = Date.now()
  /** Values earlier responses captured ({{capture id}}), filled into later lines as {{id}}. */
  const captures: Record<string, string> = {}
  const runBlocks = async (blocks: MissionBlock[], where: string) => {
    for (const block of blocks) {
      if (block.kind !== 'commands') continue
      if (block.afterSeconds !== null) await sleep(Math.max(0, lastBlockAt + block.afterSeconds * 1000 - Date.now()))
      let output = ''
      for (const line of block.lines) output += await terminal.output(fillCaptures(line, captures))
      lastBlockAt = Date.now()
      const response = block.response!
      const found = responseCaptures({ ...response, text: fillCaptures(response.text, captures) }, output)
      if (!found) {
        // Shows both texts in the failure, which is what a mission author needs to fix it.
        expect(output, `${where}: ${block.lines.join(' / ')}`).toBe(response.text)
      }
      Object.assign(captures, found)
    }
  }

  await runBlocks(doc.intro, 'introduction')
  const runnable = doc.steps.filter((step) => step.unavailable === null)
  for (const step of runnable) {
    const isSetup = (block: MissionBlock) => block.kind === 'commands' && block.role === 'setup'
    await runBlocks(step.blocks.filter(isSetup), `step ${step.id} (setup)`)
    await settled()
    if (progress!.done[id]?.includes(step.id)) {
      throw new Error(
        `step ${step.id} is done before any of its commands ran (its checks hold vacuously): add a check that the learner did something`
      )
    }
    await runBlocks(
      step.blocks.filter((block) => !isSetup(block)),
      `step ${step.id}`
    )
    await eventually(
      () => (progress?.done[id]?.includes(step.id) ? true : undefined),
      `step ${step.id} to be checked done (checks now: ${JSON.stringify(progress?.open?.checks[step.id])})`,
      15_000
    )
  }
  expect(progress!.done[id]).toEqual(runnable.map((step) => step.id))
  for (const step of runnable) expect(progress!.open!.checks[step.id]!.every(Boolean), `checks of step ${step.id}`).toBe(true)
  for (const step of doc.steps) {
    if (step.unavailable !== null) expect(progress!.open!.checks[step.id]!.some(Boolean), `checks of ${step.id} (not runnable)`).toBe(false)
  }
}
