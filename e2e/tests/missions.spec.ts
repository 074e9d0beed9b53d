/**
 * Missions in a real browser: the Cantina mission done only by clicking
 * Run, its challenges done only by typing answers, checks and progress
 * turning green live and surviving a reload; URLs per step; Reset; and a
 * mission this server cannot run.
 */
import type { MissionDoc, MissionSummary } from '../../common/protocol/index.ts'
import type { Locator } from '@playwright/test'
import { expect, test } from '../fixtures/test.ts'

/** Words of an element's text that the browser broke across two lines (each word's own boxes, measured). */
function wordsBrokenAcrossLines(element: Locator): Promise<string[]> {
  return element.evaluate((root) => {
    const broken: string[] = []
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of (node.textContent ?? '').matchAll(/\S+/g)) {
        const range = document.createRange()
        range.setStart(node, match.index)
        range.setEnd(node, match.index + match[0].length)
        const tops = new Set(Array.from(range.getClientRects(), (rect) => Math.round(rect.top)))
        if (tops.size > 1) broken.push(match[0])
      }
    }
    return broken
  })
}

// Whole missions are long stories (dozens of commands typed key by key), not slow code.
const WHOLE_MISSION_MS = 150_000

test('the Cantina mission completes by Run and by typing; the lesson follows the learner, says why a check fails, and progress survives a reload', async ({
  page,
  terminal,
  mission,
}) => {
  test.setTimeout(WHOLE_MISSION_MS)
  await terminal.open('/#/missions/cantina-sessions')
  await expect(mission.view).toHaveAttribute('data-mission-id', 'cantina-sessions')
  const steps = await mission.stepIds()
  expect(steps).toHaveLength(8)
  expect(await mission.progress()).toEqual({ done: 0, total: 8 })
  // The first step is current; once the server has reported, no check of any step is ticked on the empty sandbox.
  await expect(mission.currentStep).toHaveAttribute('data-step-id', 'open-tab')
  await expect(mission.currentStep.getByTestId('current-step-marker')).toBeVisible()
  await expect(mission.check('open-tab', 'six fields')).toHaveAttribute('data-state', 'failing')
  await expect(mission.view.locator('[data-testid="mission-check"][data-ok="true"]')).toHaveCount(0)
  await expect(mission.check('expire', 'expires within the hour')).toHaveAttribute('data-state', 'waiting')
  // A range in an expected response says it is one.
  const range = mission.step('partial-update').locator('[data-wildcard="int"]').first()
  await expect(range).toHaveText('any of 1…3600')
  await expect(range).toHaveAttribute('title', /^a number from 1 to 3,600/)

  for (const [index, id] of steps.entries()) {
    if (id === 'expire') {
      // A TTL ten times too long: the check says why, in words, with the value found.
      expect(await terminal.run('EXPIRE session:han_solo 36000')).toEqual(['(integer) 1'])
      await expect(mission.check('expire', 'expires within the hour').getByTestId('check-why')).toHaveText(
        /^the TTL is 3[56],\d{3} s; this step wants at most 3,600$/
      )
      await expect(mission.step('expire')).toHaveAttribute('data-done', 'false')
    }
    // The first half by Run, the second by typing what the lesson shows.
    if (index < 4) await mission.runStep(id, terminal)
    else await mission.typeStep(id, terminal)
    await mission.expectDone(id)
    await expect.poll(() => mission.progress()).toEqual({ done: index + 1, total: 8 })
    // The next unfinished step is marked and brought into view (measured in the lesson's box).
    const next = steps[index + 1]
    if (next) {
      await expect(mission.currentStep).toHaveAttribute('data-step-id', next)
      await expect.poll(() => mission.inView(mission.step(next))).toBe(true)
    }
  }
  // Finished: it says so, in view, and offers the next mission.
  await expect(mission.currentStep).toHaveCount(0)
  const complete = mission.view.getByTestId('mission-complete')
  await expect(complete).toContainText('All 8 steps')
  await expect.poll(() => mission.inView(complete)).toBe(true)
  await expect(complete.getByTestId('mission-complete-next')).toHaveAttribute('href', '#/missions/cantina-challenges')

  // Run typed the commands: their output is in place and they are in history.
  const text = await terminal.text()
  expect(text).toContain('> HSET session:han_solo credits 9500 last_activity "2025-08-28T13:45:00"\n(integer) 0')
  expect(text).toContain('12) "2025-08-28T13:45:00"')
  await terminal.focus()
  await terminal.press('ArrowUp')
  await expect.poll(() => terminal.input()).toBe('PTTL session:han_solo')

  await page.reload()
  await terminal.waitForPrompt()
  await expect.poll(() => mission.progress()).toEqual({ done: 8, total: 8 })
  await expect(mission.root.locator('[data-testid="mission-check"][data-ok="false"]')).toHaveCount(0)
})

test('the Cantina challenges complete with typed answers; hints open one by one and the solution on request', async ({
  page,
  terminal,
  mission,
}) => {
  test.setTimeout(WHOLE_MISSION_MS)
  await terminal.open('/#/missions/cantina-sessions')
  await mission.root.getByTestId('mission-next').click()
  await expect(mission.view).toHaveAttribute('data-mission-id', 'cantina-challenges')
  expect(await mission.progress()).toEqual({ done: 0, total: 4 })

  // On the empty sandbox no check is ticked: none holds before the learner acts.
  await expect(mission.view.locator('[data-testid="mission-check"][data-ok="true"]')).toHaveCount(0)

  // Set up asks first, then runs its commands in the terminal.
  await mission.view.getByTestId('mission-setup').first().click()
  await mission.confirm()
  await terminal.settle()
  await expect.poll(() => terminal.text()).toContain('> FLUSHDB\nOK')
  await expect.poll(async () => (await terminal.text()).split('(integer) 6').length - 1).toBe(3)

  // The Set up block wraps at spaces only (never "c hewbacca"), at this width and a phone's (measured per word).
  const setupBlock = mission.view.locator('.setup-block .command-lines pre')
  expect(await wordsBrokenAcrossLines(setupBlock)).toEqual([])
  const size = page.viewportSize()!
  await page.setViewportSize({ width: 390, height: 844 })
  expect(await wordsBrokenAcrossLines(setupBlock)).toEqual([])
  await page.setViewportSize(size)

  // One Set up for the set, and every challenge that starts from it says so.
  await expect(mission.view.getByTestId('mission-setup')).toHaveCount(1)
  await expect(mission.view.getByTestId('setup-note')).toHaveCount(4)
  // Text about a solution's output stays hidden with the solution.
  await expect(mission.step('analytics')).not.toContainText('next cursor')

  // Challenge 1: hints open one at a time; KEYS is as good as SCAN for the check.
  const analytics = mission.step('analytics')
  await expect(analytics.getByTestId('mission-hint')).toHaveCount(0)
  await analytics.getByTestId('hint-next').click()
  await expect(analytics.getByTestId('mission-hint')).toHaveCount(1)
  await analytics.getByTestId('hint-next').click()
  await expect(analytics.getByTestId('mission-hint')).toHaveCount(2)
  await expect(analytics.getByTestId('hint-next')).toHaveCount(0)
  expect(await terminal.run('DBSIZE')).toEqual(['(integer) 3'])
  await expect(analytics).toHaveAttribute('data-done', 'false')
  await terminal.run('KEYS session:*')
  await mission.expectDone('analytics')

  // Challenge 2: any spelling that reaches the result counts.
  const counters = mission.step('counters')
  await expect(counters.locator('[data-testid="command-block"][data-role="solution"]')).toHaveCount(0)
  await expect(counters).not.toContainText('answers with an error')
  await counters.getByTestId('show-solution').click()
  await expect(counters.locator('[data-testid="command-block"][data-role="solution"]')).toHaveCount(4)
  await expect(counters).toContainText('answers with an error')
  await terminal.run('hincrby session:han_solo drinks_ordered 1')
  await terminal.run('HINCRBY session:chewbacca drinks_ordered 2')
  await expect(counters.locator('[data-testid="mission-check"][data-ok="true"]')).toHaveCount(1)
  await terminal.run('HINCRBY session:chewbacca drinks_ordered 1')
  await terminal.run('HINCRBYFLOAT session:luke_skywalker credits -12.5')
  await mission.expectDone('counters')

  // Challenge 3.
  await terminal.run('HLEN session:luke_skywalker')
  await terminal.run('HKEYS session:han_solo')
  await terminal.run('HVALS session:chewbacca')
  await mission.expectDone('validation')

  // Challenge 4.
  await terminal.run('HMSET session:greedo username "greedo" species "rodian" table "booth_3"')
  await terminal.run('HSET session:jabba username "jabba" species "hutt"')
  await terminal.run('HDEL session:greedo table')
  const listed = await terminal.run('SCAN 0 MATCH session:* TYPE hash')
  expect(listed.filter((line) => line.includes('"session:'))).toHaveLength(5)
  await expect(mission.step('bulk')).toHaveAttribute('data-done', 'false')
  await terminal.run('UNLINK session:han_solo session:chewbacca session:luke_skywalker session:greedo session:jabba')
  await expect(mission.step('bulk')).toHaveAttribute('data-done', 'false')
  await terminal.run('DBSIZE')
  await mission.expectDone('bulk')

  await expect.poll(() => mission.progress()).toEqual({ done: 4, total: 4 })
})

test('every step has a URL, missions link to each other, and Reset empties the sandbox and the progress', async ({
  page,
  terminal,
  mission,
  inspector,
}) => {
  await terminal.open('/#/missions/cantina-sessions/read-all')
  await expect(mission.step('read-all')).toHaveClass(/focused/)
  await expect(mission.step('read-all')).toBeInViewport()

  await mission.runStep('open-tab', terminal)
  await mission.expectDone('open-tab')
  await expect(inspector.key('session:han_solo')).toBeVisible()

  // The dialog is always in the DOM: data-state says when it is asking.
  const dialog = page.getByTestId('confirm-dialog')
  await expect(dialog).toHaveAttribute('data-state', 'closed')
  await mission.view.getByTestId('mission-reset').click()
  await expect(dialog).toHaveAttribute('data-state', 'open')
  await expect(dialog).toHaveAttribute('data-kind', 'reset')
  await page.getByTestId('confirm-cancel').click()
  await expect(dialog).toHaveAttribute('data-state', 'closed')
  expect(await mission.progress()).toEqual({ done: 1, total: 8 })

  await mission.view.getByTestId('mission-reset').click()
  await mission.confirm()
  await expect.poll(() => mission.progress()).toEqual({ done: 0, total: 8 })
  await expect(inspector.key('session:han_solo')).toHaveCount(0)
  expect(await terminal.run('DBSIZE')).toEqual(['(integer) 0'])
  // And it stays reset: nothing passes again on its own. Checked after a barrier: an HGET ((nil) on
  // the empty sandbox) ticks the first of read-fields' two checks, and the server reports one
  // evaluation at a time, so once that tick shows every report before it has been shown.
  await terminal.run('HGET session:han_solo credits')
  await expect(mission.step('read-fields').getByTestId('mission-check').first()).toHaveAttribute('data-ok', 'true')
  expect(await mission.progress()).toEqual({ done: 0, total: 8 })

  // The list shows every mission the server has (missions/ may grow without this test changing).
  const { missions } = (await (await page.request.get('/api/missions')).json()) as { missions: MissionSummary[] }
  expect(missions.length).toBeGreaterThanOrEqual(6)
  await mission.view.getByTestId('mission-list-link').click()
  await expect(mission.root.getByTestId('mission-list-item')).toHaveCount(missions.length)
  await expect(page).toHaveURL(/#\/missions$/)

  // The lesson column can be hidden for room, and stays hidden after a reload.
  await page.getByTestId('lesson-toggle').click()
  await expect(mission.root).toBeHidden()
  await page.reload()
  await terminal.waitForPrompt()
  await expect(mission.root).toBeHidden()
  await page.getByTestId('lesson-toggle').click()
  await expect(mission.root.getByTestId('mission-list-item')).toHaveCount(missions.length)

  // A click anywhere in an item (here its summary, not its link) opens the mission.
  await mission.root.locator('[data-testid="mission-list-item"][data-mission-id="cantina-challenges"] p').first().click()
  await expect(mission.view).toHaveAttribute('data-mission-id', 'cantina-challenges')
  await expect(page).toHaveURL(/#\/missions\/cantina-challenges$/)
})

test('a mission or step that needs a feature this server lacks says so and cannot run; otherwise it runs', async ({
  page,
  terminal,
  mission,
}) => {
  const { missions } = (await (await page.request.get('/api/missions')).json()) as { missions: MissionSummary[] }
  const fieldExpiry = missions.find((item) => item.id === 'field-expiry')!
  await terminal.open('/#/missions/field-expiry')
  await expect(mission.view).toHaveAttribute('data-mission-id', 'field-expiry')
  const run = mission.view.getByTestId('run-block').first()
  if (fieldExpiry.available) {
    await expect(mission.view.getByTestId('mission-unavailable')).toHaveCount(0)
    await mission.runStep('session', terminal)
    await mission.runStep('otp', terminal)
    await mission.expectDone('otp')

    // The steps that need more than field expiry say what, and whether this server has it (by capability).
    const doc = (await (await page.request.get('/api/missions/field-expiry')).json()) as MissionDoc
    const consume = mission.step('consume')
    const needs = consume.getByTestId('step-needs')
    await expect(needs).toContainText('HGETDEL (Valkey 9.1 or later)')
    if (doc.steps.find((step) => step.id === 'consume')!.unavailable === null) {
      // Ten more blocks run one by one, each waiting for its reply.
      test.slow()
      await expect(needs).toHaveAttribute('data-available', 'true')
      await expect(mission.step('fnx').getByTestId('step-needs')).toContainText("HSETEX's FNX option")
      // No code may be out when the FNX step starts (the otp step's one still is).
      expect(await terminal.run('HDEL session:leia otp')).toEqual(['(integer) 1'])
      await mission.runStep('fnx', terminal)
      await mission.expectDone('fnx')
      await mission.runStep('consume', terminal)
      await mission.expectDone('consume')
      const text = await terminal.text()
      expect(text).toContain('HSETEX session:leia FNX EX 300 FIELDS 1 otp "118093"\n(integer) 0')
      expect(text).toContain('HGETDEL session:leia FIELDS 1 otp\n1) "305117"')
      expect(text).toContain('HGETDEL session:leia FIELDS 1 otp\n1) (nil)')
    } else {
      await expect(needs).toHaveAttribute('data-available', 'false')
      await expect(needs).toContainText('does not have')
      await expect(consume.getByTestId('run-block').first()).toBeDisabled()
    }
  } else {
    await expect(mission.view.getByTestId('mission-unavailable')).toContainText('hash field expiration')
    await expect(run).toBeDisabled()
    await expect(mission.view.getByTestId('mission-reset')).toBeDisabled()
  }
})

test('a step that needs what the server lacks says so under its title, and only its Run is off', async ({ page, terminal, mission }) => {
  // The doc as a server with field expiry but without HGETDEL sends it (the server side of this runs
  // on a real such server in server/test/missionStepFeatures.test.ts).
  let available = true
  await page.route('**/api/missions/field-expiry', async (route) => {
    const response = await route.fetch()
    const doc = (await response.json()) as MissionDoc
    available = doc.available
    const lacking = 'This step needs HGETDEL (Valkey 9.1 or later), which this server (Valkey 9.0.0) does not have.'
    doc.steps = doc.steps.map((step) => (step.id === 'consume' ? { ...step, unavailable: lacking } : step))
    await route.fulfill({ response, json: doc })
  })
  await terminal.open('/#/missions/field-expiry')
  await expect(mission.view).toHaveAttribute('data-mission-id', 'field-expiry')
  test.skip(!available, 'this server has no field expiry: the whole mission is off (see the test above)')
  const needs = mission.step('consume').getByTestId('step-needs')
  await expect(needs).toHaveAttribute('data-available', 'false')
  await expect(needs).toContainText('This step needs HGETDEL (Valkey 9.1 or later), which this server (Valkey 9.0.0) does not have.')
  await expect(needs).toContainText('Run is off')
  const consumeRuns = mission.step('consume').getByTestId('run-block')
  await expect(consumeRuns).toHaveCount(3)
  for (const run of await consumeRuns.all()) await expect(run).toBeDisabled()
  // The other steps, the FNX one included, still run.
  await expect(mission.step('fnx').getByTestId('step-needs')).toHaveAttribute('data-available', 'true')
  await expect(mission.step('fnx').getByTestId('run-block').first()).toBeEnabled()
  await expect(mission.step('field-vs-key').getByTestId('run-block').first()).toBeEnabled()
})
