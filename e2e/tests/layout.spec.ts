/**
 * The page on a phone and on a laptop: everything reachable and big enough to tap at 390 px, panes
 * that can be resized (and stay so after a reload) at 1366x768, and names and values shown whole
 * while there is room.
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
})

test.describe('on a 1366x768 laptop', () => {
  test.use({ viewport: { width: 1366, height: 768 } })

  test('an empty terminal leaves the room to the inspector, and names and values are not cut', async ({ page, terminal, inspector }) => {
    await terminal.open()
    const main = await box(page.locator('main'))
    expect((await box(terminal.root)).height).toBeLessThan(main.height / 3)

    await terminal.run(
      'HSET session:han_solo username "hsolo" species "human" credits 10000 table "booth_7" drinks_ordered 2 last_activity "2025-08-28T13:45:00"'
    )
    await terminal.run('EXPIRE session:han_solo 3600')
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
