/**
 * The instructor view in real Chromium: one instructor and three attendees in their own browser
 * contexts (separate storage, so separate sandboxes). The room test starts a playground of its own
 * (node scripts/start.mjs, as npm start does), so the grid holds exactly its three attendees and
 * not the other tests' running beside it.
 */
import type { Browser, Page } from '@playwright/test'
import { expect, test } from '../fixtures/test.ts'
import { InstructorPage } from '../fixtures/InstructorPage.ts'
import { MissionPanel } from '../fixtures/MissionPanel.ts'
import { TerminalPanel } from '../fixtures/TerminalPanel.ts'
import { startOwnPlayground, type OwnPlayground } from '../fixtures/ownPlayground.ts'
import { simulateRoom } from '../fixtures/simulatedRoom.ts'

type Attendee = { page: Page; terminal: TerminalPanel; mission: MissionPanel }

let own: OwnPlayground | null = null

test.afterAll(async () => {
  await own?.stop()
})

async function attendee(browser: Browser, path: string): Promise<Attendee> {
  const context = await browser.newContext({ baseURL: own!.url })
  const page = await context.newPage()
  const terminal = new TerminalPanel(page)
  await terminal.open(path)
  return { page, terminal, mission: new MissionPanel(page) }
}

test('the room live: names, progress, stuck, watch, broadcast and reset of one sandbox', async ({ browser }) => {
  test.setTimeout(180_000)
  own = await startOwnPlayground()
  const teacherContext = await browser.newContext({ acceptDownloads: true, baseURL: own.url })
  const teacher = new InstructorPage(await teacherContext.newPage())
  await teacher.open()
  // The key left the address bar once read (a projected screen must not show it).
  expect(teacher.page.url()).not.toContain('key=')

  // Ada by ?name=, Bob by the name editor, the third keeps the default name.
  const ada = await attendee(browser, '/?name=Ada%20L.#/missions/cantina-sessions')
  const bob = await attendee(browser, '/#/missions/cantina-sessions')
  const cara = await attendee(browser, '/#/missions/cantina-sessions')
  await expect(ada.page.getByTestId('attendee-name')).toHaveAttribute('data-name', 'Ada L.')
  await bob.page.getByTestId('attendee-name').click()
  await bob.page.getByTestId('attendee-name-input').fill('Bob')
  await bob.page.getByTestId('attendee-name-input').press('Enter')
  const caraName = (await cara.page.getByTestId('attendee-name').getAttribute('data-name'))!
  expect(caraName).toMatch(/^Attendee \d+$/)

  for (const name of ['Ada L.', 'Bob', caraName]) {
    await expect(teacher.row(name)).toHaveAttribute('data-connected', 'true')
    await expect(teacher.row(name)).toHaveAttribute('data-mission', 'cantina-sessions')
  }
  const total = await teacher.row('Ada L.').getAttribute('data-total')
  expect(Number(total)).toBeGreaterThan(2)
  await expect(teacher.row('Ada L.')).toHaveAttribute('data-done', '0')

  // Progress shows up live, step by step.
  await ada.mission.runStep('open-tab', ada.terminal)
  await ada.mission.expectDone('open-tab')
  await expect(teacher.row('Ada L.')).toHaveAttribute('data-done', '1')
  await expect(teacher.row('Ada L.')).toHaveAttribute('data-step', 'expire')
  await ada.mission.runStep('expire', ada.terminal)
  await expect(teacher.row('Ada L.')).toHaveAttribute('data-done', '2')
  await expect(teacher.root.locator('[data-testid="step-bar"][data-step="open-tab"]')).toHaveAttribute('data-count', '1')
  await bob.mission.runStep('open-tab', bob.terminal)
  await expect(teacher.root.locator('[data-testid="step-bar"][data-step="open-tab"]')).toHaveAttribute('data-count', '2')

  // Stuck: two errors on one step, with the rules the test sets.
  await teacher.setStuckRules(3600, 2)
  await expect(teacher.row(caraName)).toHaveAttribute('data-stuck', 'false')
  expect(await cara.terminal.run('HGET session:han_solo')).toEqual(["(error) ERR wrong number of arguments for 'hget' command"])
  expect(await cara.terminal.run('HSET session:han_solo')).toEqual(["(error) ERR wrong number of arguments for 'hset' command"])
  await expect(teacher.row(caraName)).toHaveAttribute('data-stuck', 'true')
  await expect(teacher.row('Ada L.')).toHaveAttribute('data-stuck', 'false')
  await teacher.root.getByTestId('grid-filter').selectOption('stuck')
  await expect(teacher.root.getByTestId('attendee-row')).toHaveCount(1)
  await teacher.root.getByTestId('grid-filter').selectOption('all')
  await expect(teacher.root.getByTestId('attendee-row')).toHaveCount(3)
  // Her last error is the step's most common one.
  await expect(teacher.root.locator('[data-testid="step-common-error"][data-step="open-tab"]')).toHaveText(
    "1. 1 attendee: ERR wrong number of arguments for 'hset' command"
  )
  // An out-of-range rule says why Apply is off.
  await teacher.root.getByTestId('stuck-seconds').fill('2')
  await expect(teacher.root.getByTestId('stuck-apply')).toBeDisabled()
  await expect(teacher.root.getByTestId('stuck-rules-problem')).toHaveText('Seconds must be from 5 to 86400')
  await teacher.root.getByTestId('stuck-seconds').fill('3600')
  await expect(teacher.root.getByTestId('stuck-rules-problem')).toHaveText('')

  // "I need help": raised by the attendee, seen on the grid, lowered by the instructor or by the attendee.
  const status = teacher.root.getByTestId('connection-status')
  await expect(status).toHaveText('3 connected · 3 seen')
  await cara.page.getByTestId('help-button').click()
  await expect(teacher.row(caraName)).toHaveAttribute('data-help', 'true')
  await expect(teacher.row(caraName).getByTestId('help-flag')).toBeVisible()
  await expect(status).toHaveAttribute('data-help', '1')
  await expect(cara.page.getByTestId('help-button')).toHaveAttribute('data-state', 'asking')
  await teacher.row(caraName).getByTestId('help-clear').click()
  await expect(teacher.row(caraName)).toHaveAttribute('data-help', 'false')
  await expect(cara.page.getByTestId('help-button')).toHaveAttribute('data-state', 'idle')
  await ada.page.getByTestId('help-button').click()
  await expect(teacher.row('Ada L.')).toHaveAttribute('data-help', 'true')
  await ada.page.getByTestId('help-button').click()
  await expect(teacher.row('Ada L.')).toHaveAttribute('data-help', 'false')
  await expect(ada.page.getByTestId('help-button')).toHaveAttribute('data-state', 'idle')

  // A second tab of Ada's shows as a count on her row.
  const adaAgain = await ada.page.context().newPage()
  await new TerminalPanel(adaAgain).open('/#/missions/cantina-sessions')
  await expect(teacher.row('Ada L.').getByTestId('tab-count')).toHaveText('· 2 tabs')
  await adaAgain.close()
  await expect(teacher.row('Ada L.').getByTestId('tab-count')).toHaveCount(0)

  // Watch: Cara's terminal as she types, and her sandbox, read-only.
  await teacher.row(caraName).getByTestId('attendee-watch').click()
  await expect(teacher.watchPane).toBeVisible()
  await expect(cara.page.getByTestId('watched-badge')).toBeVisible()
  await expect(ada.page.getByTestId('watched-badge')).toHaveCount(0)
  await expect.poll(() => teacher.watchText()).toBe(await cara.terminal.text())
  expect(await cara.terminal.run('HSET session:cara name "Cara Dune" drinks 1')).toEqual(['(integer) 2'])
  await expect.poll(() => teacher.watchText()).toContain('> HSET session:cara name "Cara Dune" drinks 1\n(integer) 2')
  await expect.poll(() => teacher.watchText()).toBe(await cara.terminal.text())
  await expect(teacher.watchPane.locator('[data-testid="key-item"][data-key="session:cara"]')).toBeVisible()
  await expect(teacher.watchPane.getByText('session:cara').first()).toBeVisible()
  // The watch shows the key her own inspector opened by itself.
  await expect(teacher.watchPane.locator('[data-testid="key-view"] h2')).toHaveText('session:cara')
  await expect(teacher.watchPane.getByTestId('delete-key')).toHaveCount(0)
  // Typing into the watch reaches nobody.
  await teacher.watchPane.getByTestId('watch-terminal').click()
  await teacher.page.keyboard.type('FLUSHDB')
  await teacher.page.keyboard.press('Enter')
  expect(await cara.terminal.input()).toBe('')
  expect(await cara.terminal.run('EXISTS session:cara')).toEqual(['(integer) 1'])
  await teacher.watchPane.getByTestId('watch-close').click()
  await expect(teacher.watchPane).toHaveCount(0)
  await expect(cara.page.getByTestId('watched-badge')).toHaveCount(0)

  // Broadcast: a prompt with a link for everyone, dismissible, never a jump.
  await teacher.root.getByTestId('broadcast-text').fill('Everyone to step 3, please')
  await teacher.root.getByTestId('broadcast-step').selectOption('cantina-sessions/read-fields')
  await teacher.root.getByTestId('broadcast-send').click()
  for (const each of [ada, bob, cara]) {
    await expect(each.page.getByTestId('announcement')).toContainText('Everyone to step 3, please')
    await expect(each.page.getByTestId('announcement-link')).toHaveAttribute('href', '#/missions/cantina-sessions/read-fields')
  }
  expect(new URL(bob.page.url()).hash).toBe('#/missions/cantina-sessions')
  await bob.page.getByTestId('announcement-link').click()
  await expect.poll(() => new URL(bob.page.url()).hash).toBe('#/missions/cantina-sessions/read-fields')
  await expect(bob.page.getByTestId('announcement')).toHaveCount(0)
  // The step's heading lands below the lesson's pinned header, not under it.
  const heading = bob.page.locator('[data-testid="mission-step"][data-step-id="read-fields"] h3')
  await expect(heading).toBeInViewport()
  await expect
    .poll(async () => {
      const header = (await bob.page.locator('.mission-header').boundingBox())!
      const title = (await heading.boundingBox())!
      return title.y - (header.y + header.height)
    })
    .toBeGreaterThanOrEqual(0)
  await cara.page.getByTestId('announcement-dismiss').click()
  await expect(cara.page.getByTestId('announcement')).toHaveCount(0)
  await cara.page.reload()
  await cara.terminal.waitForPrompt()
  await expect(cara.page.getByTestId('announcement')).toHaveCount(0)
  await expect(teacher.root.getByTestId('announcement')).toHaveCount(0)
  // Withdrawn: gone from Ada's page (she never dismissed it), and never shown to a later joiner.
  await expect(teacher.root.getByTestId('broadcast-current')).toContainText('Everyone to step 3, please')
  await teacher.root.getByTestId('broadcast-withdraw').click()
  await expect(ada.page.getByTestId('announcement')).toHaveCount(0)
  await expect(teacher.root.getByTestId('broadcast-current')).toHaveCount(0)
  const dan = await attendee(browser, '/#/missions')
  const danName = (await dan.page.getByTestId('attendee-name').getAttribute('data-name'))!
  await expect(teacher.row(danName)).toHaveAttribute('data-connected', 'true')
  expect(danName).not.toBe(caraName)
  await expect(dan.page.getByTestId('announcement')).toHaveCount(0)
  // Dan stores something (an untouched sandbox leaves the room with its tab), then leaves: the header
  // tells connected from seen, and the bars count whom the filter shows.
  expect(await dan.terminal.run('HSET dan:note seen yes')).toEqual(['(integer) 1'])
  await dan.page.context().close()
  await expect(status).toHaveText('3 connected · 4 seen')
  await expect(teacher.root.getByTestId('step-bars')).toHaveAttribute('data-shown', '4')
  await teacher.root.getByTestId('grid-filter').selectOption('connected')
  await expect(teacher.root.getByTestId('step-bars')).toHaveAttribute('data-shown', '3')
  await expect(teacher.root.getByTestId('step-bars-on-it')).toHaveText('3 of the 3 shown have it open')
  await teacher.root.getByTestId('grid-filter').selectOption('all')

  // Reset one sandbox: Ada's, after confirming; Bob's and Cara's keys stay.
  await teacher.row('Ada L.').getByTestId('attendee-reset').click()
  await expect(teacher.row('Ada L.').getByTestId('attendee-reset-confirm')).toContainText(
    "Reset Ada L.'s sandbox? This deletes their keys and starts their missions over."
  )
  await teacher.row('Ada L.').getByTestId('attendee-reset-yes').click()
  await expect(teacher.row('Ada L.')).toHaveAttribute('data-done', '0')
  await expect(teacher.row('Ada L.')).toHaveAttribute('data-step', 'open-tab')
  expect(await ada.terminal.run('DBSIZE')).toEqual(['(integer) 0'])
  await expect.poll(() => ada.mission.progress()).toEqual({ done: 0, total: Number(total) })
  expect(await bob.terminal.run('EXISTS session:han_solo')).toEqual(['(integer) 1'])
  expect(await cara.terminal.run('EXISTS session:cara')).toEqual(['(integer) 1'])

  // The table as CSV, with everyone's name.
  const download = teacher.page.waitForEvent('download')
  await teacher.root.getByTestId('export-csv').click()
  const file = await (await download).path()
  const { readFile } = await import('node:fs/promises')
  const csv = await readFile(file, 'utf8')
  expect(csv.split('\r\n')[0]).toMatch(/^attendee,name,connected,joined,mission,step/)
  expect(csv.split('\r\n')[0]).toContain('cantina-sessions finished')
  for (const name of ['Ada L.', 'Bob', caraName]) expect(csv).toContain(name)
  // Join times in ISO 8601.
  expect(csv.split('\r\n')[1]).toMatch(/,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,/)

  // Attendees never see the room.
  for (const each of [ada, bob, cara]) await expect(each.page.getByTestId('instructor')).toHaveCount(0)
})

test('a room of 40 at 1440x900: compact rows, the name search, and a watch pane beside a grid that stays readable', async ({ browser }) => {
  test.setTimeout(240_000)
  const playground = await startOwnPlayground({ SANDBOX_MAX: '60', SANDBOX_PER_ADDRESS: '60' })
  // Long names and the longest mission title, as a real room has them.
  const names = Array.from({ length: 40 }, (_, index) =>
    index % 5 === 0 ? `Maximiliana Papadopoulou-Fitz ${index}` : `Attendee ${index} (a test)`
  )
  const room = await simulateRoom(playground.url, names)
  const context = await browser.newContext({ baseURL: playground.url, viewport: { width: 1440, height: 900 } })
  try {
    const teacher = new InstructorPage(await context.newPage())
    await teacher.open()
    await expect(teacher.rows).toHaveCount(40)
    await expect(teacher.root.locator('[data-testid="attendee-row"][data-mission="cantina-sessions"]')).toHaveCount(40)
    const grid = teacher.root.getByTestId('grid-scroll')
    await expect(grid).toHaveAttribute('data-rows-total', '40')
    await expect(grid).toHaveAttribute('aria-rowcount', '41')

    // A grid too short for the room renders only the rows near its view; scrolling brings the rest, and so does the search.
    await teacher.page.setViewportSize({ width: 1440, height: 500 })
    await expect.poll(async () => Number(await grid.getAttribute('data-rows-rendered'))).toBeLessThan(40)
    const last = grid.locator('[data-testid="attendee-row"][aria-rowindex="41"]')
    await expect(last).toHaveCount(0)
    const rendered = await teacher.rows.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-name')))
    const away = names.find((name) => !rendered.includes(name))!
    // Ctrl+F goes to the name search first (the browser's find sees only the rendered rows); pressed there again, it is the browser's.
    const page = teacher.page
    await page.evaluate(() => window.addEventListener('keydown', (event) => Object.assign(window, { findTaken: event.defaultPrevented })))
    const findTaken = () => page.evaluate(() => (window as unknown as { findTaken: boolean }).findTaken)
    await page.keyboard.press('Control+F')
    await expect(teacher.root.getByTestId('room-search')).toBeFocused()
    expect(await findTaken()).toBe(true)
    await page.keyboard.press('Control+F')
    expect(await findTaken()).toBe(false)
    await expect(await teacher.reveal(away)).toBeInViewport({ ratio: 1 })
    await teacher.root.getByTestId('room-search').fill('')
    await grid.evaluate((element) => element.scrollTo({ top: element.scrollHeight }))
    await expect(last).toBeInViewport({ ratio: 1 })
    await teacher.page.setViewportSize({ width: 1440, height: 900 })
    await grid.evaluate((element) => element.scrollTo({ top: 0 }))
    await expect(grid).toHaveAttribute('data-rows-rendered', '40')

    // Stuck on errors: every fourth attendee sends wrong commands (more errors than the rule, so the reason is long).
    await teacher.setStuckRules(3600, 2)
    const stuck = room.attendees.filter((_, index) => index % 4 === 1)
    await Promise.all(
      stuck.map(async (each) => {
        for (let i = 0; i < 12; i++) await each.connection.run(['HGET', 'session:han_solo'])
      })
    )
    await expect(teacher.root.locator('[data-testid="attendee-row"][data-stuck="true"]')).toHaveCount(stuck.length)

    // 40 rows fit on the screen, whole, without scrolling anything.
    await teacher.page.screenshot({ path: test.info().outputPath('room-1440.png') })
    expect(await teacher.rowsFullyInView()).toBeGreaterThanOrEqual(40)
    expect(await grid.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true)
    expect(await teacher.unreadableCells()).toEqual([])

    // The name search keeps the rows whose name has every word, whatever the case.
    await teacher.root.getByTestId('room-search').fill('papadopoulou 15')
    await expect(teacher.rows).toHaveCount(1)
    await expect(teacher.rows).toHaveAttribute('data-name', names[15]!)
    await expect(teacher.root.getByTestId('grid-count')).toHaveText('1 of 40 attendees')
    await teacher.root.getByTestId('room-search').fill('nobody by that name')
    await expect(teacher.root.getByTestId('grid-none')).toBeVisible()
    await teacher.root.getByTestId('room-search').fill('')
    await expect(teacher.rows).toHaveCount(40)

    // Watching: the grid keeps every visible row's step, stuck reason and buttons whole and on top.
    await teacher.row(names[1]!).getByTestId('attendee-watch').click()
    await expect(teacher.watchPane).toHaveAttribute('data-attendee', (await teacher.row(names[1]!).getAttribute('data-attendee'))!)
    expect(await grid.evaluate((element) => element.getBoundingClientRect().width)).toBeGreaterThan(700)
    expect(await grid.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true)
    expect(await teacher.unreadableCells()).toEqual([])
    await teacher.page.screenshot({ path: test.info().outputPath('room-watching-1440.png') })
    expect(await teacher.rowsFullyInView()).toBeGreaterThanOrEqual(25)

    // Watch on another row switches the pane, with no close in between.
    await teacher.row(names[6]!).getByTestId('attendee-watch').click()
    await expect(teacher.watchPane).toHaveAttribute('data-attendee', (await teacher.row(names[6]!).getAttribute('data-attendee'))!)
    await expect(teacher.row(names[6]!)).toHaveAttribute('data-watched', 'true')
    await expect(teacher.row(names[1]!)).toHaveAttribute('data-watched', 'false')

    // Reset while watching: the question opens under the row, and its buttons are on top.
    const target = teacher.row(names[5]!)
    await target.getByTestId('attendee-reset').click()
    expect(await teacher.onTop(target.getByTestId('attendee-reset-yes'))).toBe(true)
    expect(await teacher.onTop(target.getByTestId('attendee-reset-no'))).toBe(true)
    await target.getByTestId('attendee-reset-yes').click()
    await expect(teacher.root.getByTestId('reset-result')).toBeVisible()
    await expect(teacher.watchPane).toBeVisible()

    // The pane's width is the instructor's: arrow keys on the handle move it, within bounds.
    const paneWidth = () => teacher.watchPane.evaluate((element) => element.getBoundingClientRect().width)
    const before = await paneWidth()
    await teacher.root.getByTestId('watch-resize').focus()
    await teacher.page.keyboard.press('ArrowRight')
    await teacher.page.keyboard.press('ArrowRight')
    await expect.poll(paneWidth).toBeLessThan(before - 100)
    expect(await teacher.unreadableCells()).toEqual([])
    for (let i = 0; i < 20; i++) await teacher.page.keyboard.press('ArrowLeft')
    await expect.poll(paneWidth).toBeGreaterThan(before + 150)
    expect(await grid.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true)
    expect(await teacher.unreadableCells()).toEqual([])
  } finally {
    room.stop()
    await context.close()
    await playground.stop()
  }
})

test('the instructor page shows nothing of the room without the right key', async ({ page }) => {
  await page.goto('/#/teach?key=not-the-key-at-all')
  await expect(page.getByTestId('instructor')).toHaveAttribute('data-state', 'refused')
  await expect(page.getByTestId('attendee-row')).toHaveCount(0)
  await page.goto('/#/teach')
  await page.reload()
  // The refused key is kept for this tab only, and is still refused.
  await expect(page.getByTestId('instructor')).toHaveAttribute('data-state', 'refused')
  const fresh = await page.context().browser()!.newPage()
  await fresh.goto('/#/teach')
  await expect(fresh.getByTestId('instructor')).toHaveAttribute('data-state', 'no-key')
  await expect(fresh.getByTestId('attendee-row')).toHaveCount(0)
  await fresh.close()
})
