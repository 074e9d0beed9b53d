/**
 * The page on a phone and on a laptop: at 390 px everything reachable and big enough to tap, one
 * page scroll, and Run's reply brought into view; at laptop sizes a terminal tall enough for the
 * lessons' longest reply, panes that can be resized (and stay so after a reload), and names and
 * values shown whole while there is room.
 */
import type { Locator, Page } from '@playwright/test'
import { expect, test } from '../fixtures/test.ts'

const box = async (locator: Locator) => (await locator.boundingBox())!

/** Scrolls an element into view and checks it is wholly inside the screen's width. */
async function reachable(page: Page, locator: Locator, what: string) {
  await locator.scrollIntoViewIfNeeded()
  await expect(locator, what).toBeInViewport()
  const { x, width } = await box(locator)
  const viewport = page.viewportSize()!
  expect(x, `${what} starts on screen`).toBeGreaterThanOrEqual(0)
  expect(x + width, `${what} ends on screen`).toBeLessThanOrEqual(viewport.width + 0.5)
}

test.describe('on a 390x844 phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })

  test('a mission can be followed and the whole inspector reached, with 44 px tap targets', async ({
    page,
    terminal,
    mission,
    inspector,
  }) => {
    await terminal.open('/#/missions/cantina-sessions')
    // The lesson is a real part of the screen, not a strip of a few lines.
    expect((await box(mission.root)).height).toBeGreaterThan(844 * 0.5)
    for (const id of ['run-block', 'copy-block']) {
      const button = mission.step('open-tab').getByTestId(id)
      const { width, height } = await box(button)
      expect(width, `${id} width`).toBeGreaterThanOrEqual(44)
      expect(height, `${id} height`).toBeGreaterThanOrEqual(44)
    }
    await mission.step('open-tab').getByTestId('run-block').tap()
    await terminal.settle()
    await mission.step('expire').getByTestId('run-block').tap()
    await terminal.settle()

    await expect(inspector.view).toHaveAttribute('data-exists', 'true')
    await reachable(page, inspector.view.getByTestId('key-view-ttl'), 'the key TTL countdown')
    await reachable(page, inspector.root.getByTestId('persist-key'), 'Persist')
    await reachable(page, inspector.root.getByTestId('sort-value'), 'the value column')
    await reachable(page, inspector.root.getByTestId('sort-ttl'), 'the TTL column')
    await reachable(page, inspector.field('last_activity').getByTestId('field-value'), 'a value')
    await reachable(page, inspector.root.getByTestId('event-log'), 'the event log')
    const keyItem = inspector.key('session:han_solo')
    await keyItem.scrollIntoViewIfNeeded()
    expect((await box(keyItem)).height).toBeGreaterThanOrEqual(44)
    // Nothing is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)

    // The Persist button works by touch too.
    await inspector.root.getByTestId('persist-key').tap()
    await expect.poll(() => inspector.keyTtl()).toBeNull()
  })

  test('one page scroll, a compact header, Run shows its reply, and every tap target is 44 px', async ({
    page,
    terminal,
    mission,
    inspector,
  }) => {
    await terminal.open('/#/missions')
    await expect(mission.root.getByTestId('mission-list-item').first()).toBeVisible()
    expect(await smallTapTargets(page), 'on the mission list').toEqual([])

    await page.goto('/#/missions/cantina-sessions')
    await terminal.waitForPrompt()
    await expect(page.getByTestId('attendee-name')).toBeVisible()
    // The header is one line of 44 px controls.
    expect((await box(page.getByRole('banner'))).height).toBeLessThanOrEqual(56)
    // The page scrolls, the lesson does not scroll inside it.
    const scroller = await mission.root.locator('.missions').evaluate((element) => element.scrollHeight - element.clientHeight)
    expect(scroller, 'the lesson has nothing hidden in a scroll box').toBeLessThanOrEqual(1)

    // Run and Copy side by side: a one-line block is one button tall.
    const oneLine = mission.step('expire').getByTestId('command-block').first()
    const run = await box(oneLine.getByTestId('run-block'))
    const copy = await box(oneLine.getByTestId('copy-block'))
    expect(Math.abs(run.y - copy.y), 'Run and Copy on one line').toBeLessThan(2)
    expect((await box(oneLine.locator('.command-lines'))).height).toBeLessThanOrEqual(60)

    // After Run, the page brings the terminal, and the reply in it, into view; the way back returns to the block.
    const openTab = mission.step('open-tab').getByTestId('command-block').first()
    await openTab.getByTestId('run-block').tap()
    await terminal.settle()
    await expect(terminal.root.locator('.xterm-rows > div', { hasText: '(integer) 6' })).toBeInViewport({ ratio: 1 })
    await page.getByTestId('back-to-lesson').tap()
    await expect(openTab).toBeInViewport()
    await mission.step('expire').getByTestId('run-block').tap()
    await terminal.settle()
    await expect(terminal.root.locator('.xterm-rows > div', { hasText: '(integer) 1' }).last()).toBeInViewport({ ratio: 1 })

    // With a hash open (its field TTL filter's checkbox included), nothing is too small or too wide.
    await expect(inspector.view).toHaveAttribute('data-exists', 'true')
    expect(await smallTapTargets(page), 'on the mission with a hash open').toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    // The inspector's root holds its content (it measured 2 px with everything overflowing it).
    const inspectorFit = await inspector.root.evaluate((element) => ({ height: element.clientHeight, content: element.scrollHeight }))
    expect(inspectorFit.height).toBeGreaterThan(300)
    expect(inspectorFit.content).toBeLessThanOrEqual(inspectorFit.height + 1)
  })
})

/**
 * Every control on screen a finger can tap (buttons, links, selects, summaries, checkboxes through
 * their label) smaller than 44x44 CSS px, described. Links inside a sentence are exempt (WCAG 2.5.8),
 * as is xterm's hidden input.
 */
function smallTapTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = []
    const controls = Array.from(document.querySelectorAll<HTMLElement>('button, a[href], select, summary, input, [role="button"]'))
    for (const control of controls) {
      if (!control.checkVisibility() || control.closest('.xterm') || control.closest('p')) continue
      const target = control.matches('input[type="checkbox"], input[type="radio"]') ? (control.closest('label') ?? control) : control
      const { width, height } = target.getBoundingClientRect()
      if (width < 44 || height < 44) {
        const name = control.dataset.testid ?? control.textContent?.trim().slice(0, 30) ?? control.tagName
        small.push(`${control.tagName.toLowerCase()} "${name}": ${Math.round(width)}x${Math.round(height)}`)
      }
    }
    return small
  })
}

test.describe('on a 1366x768 laptop', () => {
  test.use({ viewport: { width: 1366, height: 768 } })

  test('the terminal shows the longest lesson reply whole at laptop sizes, and names and values are not cut', async ({
    page,
    terminal,
    inspector,
  }) => {
    await terminal.open()
    // The longest reply a lesson shows (Cantina's HGETALL) is 12 lines: with its command and the
    // prompt, 14 rows. The inspector keeps most of the rest.
    const rows = () => terminal.root.locator('.xterm-rows > div').count()
    for (const [width, height] of [
      [1280, 720],
      [1440, 900],
      [1536, 864],
      [1366, 768],
    ]) {
      await page.setViewportSize({ width, height })
      await expect.poll(rows, `rows at ${width}x${height}`).toBeGreaterThanOrEqual(14)
      const main = await box(page.locator('main'))
      expect((await box(inspector.root)).height, `the inspector at ${width}x${height}`).toBeGreaterThan(main.height * 0.45)
    }

    await terminal.run(
      'HSET session:han_solo username "hsolo" species "human" credits 10000 table "booth_7" drinks_ordered 2 last_activity "2025-08-28T13:45:00"'
    )
    await terminal.run('EXPIRE session:han_solo 3600')
    await terminal.run('HGETALL session:han_solo')
    // The whole reply, its command and the next prompt are on the screen at once.
    const screen = await terminal.root
      .locator('.xterm-rows > div')
      .evaluateAll((rows) => rows.map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ')))
    const commandRow = screen.findIndex((row) => row.includes('> HGETALL session:han_solo'))
    expect(commandRow, 'the HGETALL command is on screen').toBeGreaterThanOrEqual(0)
    expect(screen[commandRow + 1]).toContain(' 1) "username"')
    expect(screen[commandRow + 12]).toContain('12) "2025-08-28T13:45:00"')
    expect(screen[commandRow + 13].trimEnd()).toMatch(/>$/)
    await inspector.open('session:han_solo')
    const cut = (locator: Locator) => locator.evaluate((element) => element.scrollWidth > element.clientWidth)
    await expect(inspector.key('session:han_solo').locator('.key-name')).toHaveText('session:han_solo')
    expect(await cut(inspector.key('session:han_solo').locator('.key-name'))).toBe(false)
    expect(await cut(inspector.field('last_activity').getByTestId('field-value'))).toBe(false)
    expect(await cut(inspector.field('drinks_ordered').locator('.field-name'))).toBe(false)
  })

  test('the lesson, terminal and field detail panes resize by drag or keyboard and stay resized after a reload', async ({
    page,
    terminal,
    mission,
    inspector,
  }) => {
    await terminal.open('/#/missions/cantina-sessions')
    await terminal.run('HSET h a 1 b 2')
    await inspector.open('h')
    await inspector.field('a').click()

    const drag = async (testId: string, dx: number, dy: number) => {
      const handle = await box(page.getByTestId(testId))
      const x = handle.x + handle.width / 2
      const y = handle.y + handle.height / 2
      await page.mouse.move(x, y)
      await page.mouse.down()
      await page.mouse.move(x + dx / 2, y + dy / 2)
      await page.mouse.move(x + dx, y + dy)
      await page.mouse.up()
    }
    const sizes = async () => ({
      lesson: (await box(mission.root)).width,
      terminal: (await box(terminal.root)).height,
      table: (await box(inspector.root.getByTestId('field-table'))).height,
    })
    const before = await sizes()
    await drag('split-field-detail', 0, 50)
    expect((await sizes()).table).toBeGreaterThan(before.table + 30)
    await drag('split-lesson', 160, 0)
    await drag('split-terminal', 0, 60)
    const after = await sizes()
    expect(after.lesson).toBeGreaterThan(before.lesson + 120)
    expect(after.terminal).toBeGreaterThan(before.terminal + 40)

    // The keyboard moves a handle too.
    await page.getByTestId('split-lesson').focus()
    const now = Number(await page.getByTestId('split-lesson').getAttribute('aria-valuenow'))
    await page.keyboard.press('ArrowLeft')
    await expect(page.getByTestId('split-lesson')).toHaveAttribute('aria-valuenow', String(now - 2))
    const kept = await sizes()

    await page.reload()
    await terminal.waitForPrompt()
    await inspector.open('h')
    await inspector.field('a').click()
    const reloaded = await sizes()
    expect(Math.abs(reloaded.lesson - kept.lesson)).toBeLessThan(3)
    expect(Math.abs(reloaded.terminal - kept.terminal)).toBeLessThan(3)
    expect(Math.abs(reloaded.table - kept.table)).toBeLessThan(3)
  })
})
