/**
 * Long key and field names, measured in Chromium: cut in the middle so that keys sharing a long
 * start stay apart, whole on hover (title), on keyboard focus and to screen readers; event lines
 * wrapped; a key list as wide as the user made it whatever its names (a remembered handle); short
 * placeholders that fit; and no name, field or value of any length widening the page at 390, 1366
 * or 1440 px, in the playground and in inspect mode (Spring Session hashes and index sets).
 */
import type { Locator } from '@playwright/test'
import type { InspectorPanel } from '../fixtures/InspectorPanel.ts'
import { startOwnValkey, type OwnValkeySetup } from '../fixtures/ownValkey.ts'
import type { TerminalPanel } from '../fixtures/TerminalPanel.ts'
import { expect, test } from '../fixtures/test.ts'

const TOKEN = 'tsession:9371405842118764203'
const TOKEN_DATA = `${TOKEN}:data`
const SESSION_ID = '6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b'
const SPRING_SESSION = `spring:session:sessions:${SESSION_ID}`
const SPRING_INDEX = 'spring:session:index:org.springframework.session.FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME:alice'
const LONG_FIELD = 'sessionAttr:org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository.CSRF_TOKEN'
/** A value with no space to wrap at. */
const LONG_VALUE = 'a1b2c3d4e5'.repeat(40)
const WIDTHS = [1440, 1366, 390]

const width = (locator: Locator) => locator.evaluate((element) => element.getBoundingClientRect().width)

/** Runs lines by pasting them, one after the other (typing 500 characters is slow on a busy machine). */
async function runLines(terminal: TerminalPanel, ...lines: string[]): Promise<void> {
  await terminal.paste(lines.map((line) => `${line}\n`).join(''))
  await terminal.settle()
}

async function expectNoSidewaysScroll(inspector: InspectorPanel, what: string): Promise<void> {
  // The cut names settle a frame after a resize (ResizeObserver): poll.
  await expect
    .poll(() => inspector.pageOverflow(), { message: `${what}: the page is no wider than the window` })
    .toEqual({
      overflow: 0,
      scrollX: 0,
    })
  expect(await inspector.root.evaluate((root) => root.scrollWidth - root.clientWidth), `${what}: nothing sticks out of the inspector`).toBe(
    0
  )
}

test.describe('in the playground', () => {
  test('long names are cut in the middle and shown whole on hover and focus; the key list keeps its width and is resized by its handle', async ({
    page,
    terminal,
    inspector,
  }) => {
    // Many measurements, two batches of commands and a reload: on a loaded machine more than the default 45 s.
    test.slow()
    await page.setViewportSize({ width: 1366, height: 768 })
    await terminal.open()
    const list = inspector.root.getByTestId('key-list')
    const empty = await width(list)

    await runLines(terminal, 'HSET session:han_solo username hsolo', 'EXPIRE session:han_solo 36000')
    await expect(inspector.key('session:han_solo').getByTestId('key-ttl')).toHaveText(/^9h 59m/)
    // A short name beside a long TTL is not cut.
    await expect(inspector.key('session:han_solo').locator('.key-name')).toHaveAttribute('data-cut', 'false')
    expect(await inspector.shownKeyName('session:han_solo')).toBe('session:han_solo')
    expect(await width(list)).toBeCloseTo(empty, 0)

    await runLines(
      terminal,
      `HSET ${TOKEN} user 42`,
      `HSET ${TOKEN_DATA} cart 3`,
      `EXPIRE ${TOKEN} 36000`,
      `EXPIRE ${TOKEN_DATA} 36000`,
      `HSET ${SPRING_INDEX} ${LONG_FIELD} ${LONG_VALUE}`
    )
    await expect(inspector.key(SPRING_INDEX)).toBeVisible()
    // The same width with no keys, a short name and names of 120 characters.
    expect(await width(list)).toBeCloseTo(empty, 0)

    // Both token keys read apart, each keeping its own end; the whole name is the tooltip.
    await expect.poll(() => inspector.shownKeyName(TOKEN_DATA)).toMatch(/…\d*:data$/)
    expect(await inspector.shownKeyName(TOKEN)).not.toBe(await inspector.shownKeyName(TOKEN_DATA))
    expect(await inspector.shownKeyName(TOKEN)).toMatch(/^tsession.*…\d+$/)
    await expect(inspector.key(TOKEN_DATA)).toHaveAttribute('title', TOKEN_DATA)
    await expect(inspector.key(TOKEN_DATA).locator('.key-name')).toHaveAttribute('title', TOKEN_DATA)
    // Screen readers get the whole name, not the cut one.
    await expect(inspector.key(TOKEN_DATA)).toHaveAccessibleName(new RegExp(`${TOKEN_DATA}`))
    await expect(inspector.key(SPRING_INDEX)).toHaveAccessibleName(new RegExp(SPRING_INDEX.replaceAll('.', '\\.')))
    // A focused key shows its whole name (wrapped in its row).
    await inspector.key(TOKEN).focus()
    await page.keyboard.press('Tab')
    await expect(inspector.key(TOKEN_DATA)).toBeFocused()
    const full = inspector.key(TOKEN_DATA).locator('.full-name')
    await expect.poll(() => full.evaluate((element) => element.getBoundingClientRect().width)).toBeGreaterThan(100)
    await expect(full).toHaveText(TOKEN_DATA)

    // Event lines wrap: the long name is there whole, nothing is cut or sticks out.
    const event = inspector.root.getByTestId('event').filter({ hasText: SPRING_INDEX })
    await expect(event.first()).toBeVisible()
    expect(await event.first().evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true)

    // The handle: role separator, moved from the keyboard, remembered after a reload.
    const handle = inspector.root.getByTestId('split-key-list')
    await expect(handle).toHaveAttribute('role', 'separator')
    await expect(handle).toHaveAttribute('aria-orientation', 'vertical')
    await handle.focus()
    const before = Number(await handle.getAttribute('aria-valuenow'))
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    await expect(handle).toHaveAttribute('aria-valuenow', String(before + 4))
    const widened = await width(list)
    expect(widened).toBeGreaterThan(empty + 20)
    // And by dragging.
    const box = (await handle.boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + 40)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2 - 30, box.y + 40)
    await page.mouse.move(box.x + box.width / 2 - 60, box.y + 40)
    await page.mouse.up()
    await expect.poll(() => width(list)).toBeLessThan(widened - 40)
    const dragged = await width(list)
    await page.reload()
    await terminal.waitForPrompt()
    await expect(inspector.key(TOKEN)).toBeVisible()
    expect(Math.abs((await width(list)) - dragged)).toBeLessThan(2)
  })

  test('no name, field or value widens the page at 390, 1366 or 1440 px, and every placeholder fits', async ({
    page,
    terminal,
    inspector,
  }) => {
    await terminal.open()
    await runLines(
      terminal,
      `HSET ${SPRING_SESSION} ${LONG_FIELD} ${LONG_VALUE} creationTime 1733400000000`,
      `SADD ${SPRING_INDEX} ${SESSION_ID}`
    )
    for (const viewport of WIDTHS) {
      await page.setViewportSize({ width: viewport, height: viewport === 390 ? 844 : 900 })
      await inspector.open(SPRING_SESSION)
      await inspector.field(LONG_FIELD).click()
      await expect(inspector.root.getByTestId('field-detail')).toBeVisible()
      await expectNoSidewaysScroll(inspector, `${viewport} px, a Spring Session hash with a field open`)
      // The field name is cut in the middle in the table, whole in the detail.
      await expect(inspector.field(LONG_FIELD).locator('.field-name')).toHaveAttribute('title', LONG_FIELD)
      await expect(inspector.root.getByTestId('field-detail').locator('strong')).toHaveText(LONG_FIELD)
      expect(await inspector.cutPlaceholders(), `${viewport} px`).toEqual([])
      await inspector.open(SPRING_INDEX)
      await expect(inspector.root.getByTestId('collection-view')).toBeVisible()
      await expectNoSidewaysScroll(inspector, `${viewport} px, a Spring Session index set`)
      expect(await inspector.cutPlaceholders(), `${viewport} px, a set open`).toEqual([])
    }
  })
})

test.describe('in inspect mode', () => {
  test.describe.configure({ mode: 'serial' })
  let setup: OwnValkeySetup
  test.beforeAll(async () => {
    setup = await startOwnValkey({ notifications: 'KEA' })
    const users = ['HSET', 'users']
    for (let i = 1; i <= 3000; i++) users.push(`user:${i}`, `name ${i}`)
    await setup.run([
      ['HSET', SPRING_SESSION, 'sessionAttr:SPRING_SECURITY_CONTEXT', `\xac\xed\x00\x05sr${LONG_VALUE}`, 'creationTime', '1733400000000'],
      ['HSET', SPRING_SESSION, LONG_FIELD, LONG_VALUE, 'lastAccessedTime', '1733400000000', 'maxInactiveInterval', '1800'],
      ['SADD', SPRING_INDEX, SESSION_ID],
      users,
    ])
  })
  test.afterAll(async () => {
    await setup?.stop()
  })

  test('a Spring Session hash and index set never widen the page at 390, 1366 or 1440 px', async ({ page, inspector }) => {
    // Three widths, two keys and a pushed change each: on a loaded machine more than the default 45 s.
    test.slow()
    await page.goto(setup.url)
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open')
    for (const viewport of WIDTHS) {
      await page.setViewportSize({ width: viewport, height: viewport === 390 ? 844 : 900 })
      await inspector.open(SPRING_SESSION)
      await inspector.field('sessionAttr:SPRING_SECURITY_CONTEXT').click()
      await expect(inspector.root.getByTestId('field-detail')).toBeVisible()
      await expectNoSidewaysScroll(inspector, `${viewport} px, a Spring Session hash with a field open`)
      await inspector.open(SPRING_INDEX)
      await expect(inspector.root.getByTestId('collection-view')).toBeVisible()
      await expectNoSidewaysScroll(inspector, `${viewport} px, a Spring Session index set`)
      // A change pushed while the page shows it: the event line wraps too.
      await setup.run([['SADD', SPRING_INDEX, `other-${viewport}`]])
      await expect(inspector.root.getByTestId('event').first()).toContainText(SPRING_INDEX)
      await expectNoSidewaysScroll(inspector, `${viewport} px, an event of the index set`)
    }
  })

  test('sorting a partly loaded hash says what it sorted, and Load all brings the rest so user:1 comes first', async ({
    page,
    inspector,
  }) => {
    await page.goto(setup.url)
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open')
    await inspector.open('users')
    const count = inspector.root.getByTestId('field-count')
    await expect(count).toHaveAttribute('data-complete', 'false')
    await expect(count).toHaveAttribute('data-total', '3000')
    const loaded = Number(await count.getAttribute('data-loaded'))
    expect(loaded).toBeLessThan(3000)
    await expect(count).toHaveText(`${loaded.toLocaleString('en-US')} of 3,000 loaded`)

    await inspector.root.getByTestId('sort-name').click()
    await expect(inspector.root.getByTestId('sort-scope')).toHaveText(`sorted: the ${loaded.toLocaleString('en-US')} loaded of 3,000`)
    const loadAll = inspector.root.getByTestId('load-all-fields')
    await expect(loadAll).toHaveText('Load all 3,000 fields')
    await loadAll.click()
    await expect(count).toHaveAttribute('data-complete', 'true')
    await expect(count).toHaveAttribute('data-loaded', '3000')
    await expect(count).toHaveText('3,000 shown')
    // Everything is loaded: the sort is the whole truth, and says nothing more.
    await expect(inspector.root.getByTestId('sort-scope')).toHaveCount(0)
    await expect(loadAll).toHaveCount(0)
    await expect.poll(async () => (await inspector.fieldNames())[0]).toBe('user:1')
  })
})
