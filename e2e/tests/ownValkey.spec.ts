/**
 * Inspect mode in a real browser against a real server the test started and seeded, opened from
 * the link `npm start -- --inspect` printed: databases to choose, a hash with a field TTL counting
 * down, a change made by another client appearing (pushed, or polled when notifications are off),
 * search by value through a hash larger than one page, a write refused, and axe-core finding
 * nothing with a hash and a list open.
 */
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { startOwnValkey, type OwnValkeySetup } from '../fixtures/ownValkey.ts'
import { expect, test } from '../fixtures/test.ts'

test.describe.configure({ mode: 'serial' })

/** 5,000 fields (HSCAN brings about 1,000 at a time): three values far apart hold the word the search looks for. */
function catalog(): string[] {
  const args = ['HSET', 'catalog']
  for (let i = 0; i < 5000; i++)
    args.push(`item:${String(i).padStart(4, '0')}`, i % 1666 === 100 ? `a rare NEEDLE number ${i}` : `plain value ${i}`)
  return args
}

async function seed(setup: OwnValkeySetup): Promise<boolean> {
  const replies = await setup.run([
    ['HSET', 'session:ada', 'name', 'Ada', 'cart', '{"items":[1,2],"total":12.5}', 'token', 'abc123'],
    catalog(),
    ['SET', 'greeting', 'hello'],
    ['SELECT', '2'],
    ['RPUSH', 'queue', 'first', 'second', 'third'],
    ['SELECT', '0'],
    ['COMMAND', 'INFO', 'HEXPIRE'],
  ])
  const fieldExpiration = Array.isArray(replies.at(-1)) && (replies.at(-1) as unknown[])[0] !== null
  if (fieldExpiration) await setup.run([['HEXPIRE', 'session:ada', '3600', 'FIELDS', '1', 'token']])
  return fieldExpiration
}

async function openInspector(page: Page, setup: OwnValkeySetup): Promise<void> {
  await page.goto(setup.url)
  // The link's key is traded for a cookie and leaves the address bar.
  await expect(page).toHaveURL(/\/#\/inspect$/)
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open')
}

test.describe('inspect mode, notifications on', () => {
  let setup: OwnValkeySetup
  let fieldExpiration = false
  test.beforeAll(async () => {
    setup = await startOwnValkey({ notifications: 'KEA' })
    fieldExpiration = await seed(setup)
  })
  test.afterAll(async () => {
    await setup?.stop()
  })

  test('browse databases, watch a hash live, search by value, and see a write refused', async ({ page, inspector, terminal }) => {
    await openInspector(page, setup)
    await expect(page.getByTestId('live-status')).toHaveAttribute('data-mode', 'notifications')
    await expect(page.getByTestId('access-mode')).toHaveAttribute('data-mode', 'read-only')
    const select = page.getByTestId('db-select')
    await expect(select.locator('option')).toHaveCount(2)
    await expect(select.locator('option[data-db="0"]')).toHaveText('db0 · 3 keys')
    await expect(select.locator('option[data-db="2"]')).toHaveText('db2 · 1 key')
    // Read-only: no edit controls.
    await inspector.open('session:ada')
    await expect(inspector.field('name')).toContainText('Ada')
    await expect(inspector.root.getByTestId('add-field')).toHaveCount(0)

    if (fieldExpiration) {
      const ttl = inspector.field('token').getByTestId('field-ttl')
      await expect.poll(async () => Number(await ttl.getAttribute('data-ttl'))).toBeGreaterThan(3000)
      const first = Number(await ttl.getAttribute('data-ttl'))
      await expect.poll(async () => Number(await ttl.getAttribute('data-ttl')), { timeout: 8000 }).toBeLessThan(first)
    }

    // Another client changes the hash: pushed, no reload.
    await setup.run([['HSET', 'session:ada', 'name', 'Ada Lovelace', 'visits', '1']])
    await expect(inspector.field('name')).toContainText('Ada Lovelace')
    await expect(inspector.field('visits')).toContainText('1')

    // The catalog is more than one page of fields; the search by value goes through all of it on the server.
    await inspector.open('catalog')
    await expect(inspector.root.getByTestId('field-count')).toHaveAttribute('data-complete', 'false')
    await inspector.root.getByTestId('value-search').fill('needle')
    const status = inspector.root.getByTestId('value-search-status')
    await expect(status).toHaveAttribute('data-done', 'true')
    await expect(status).toHaveAttribute('data-found', '3')
    await expect.poll(async () => (await inspector.fieldNames()).sort()).toEqual(['item:0100', 'item:1766', 'item:3432'])

    // Writes are refused, from the terminal as from anywhere.
    await terminal.run('HSET catalog item:0001 changed')
    await expect.poll(() => terminal.text()).toContain('(error) ERR HSET is refused: this inspector is read-only and it writes.')
    expect(await setup.run([['HGET', 'catalog', 'item:0001']])).toEqual(['plain value 1'])

    // Another database: chosen in the header, run as SELECT in the terminal, followed by the inspector.
    await select.selectOption('2')
    await expect.poll(() => terminal.text()).toContain('SELECT 2')
    await expect.poll(() => terminal.lastLine()).toMatch(/\[2\]> $/)
    await expect.poll(() => inspector.keyNames()).toEqual(['queue'])
    await inspector.open('queue')
    await expect(inspector.root.getByTestId('collection-view')).toHaveAttribute('data-kind', 'list')
    await expect(inspector.root.getByTestId('item-row')).toHaveCount(3)
    // And back by typing SELECT: the header and the inspector follow the terminal.
    await terminal.run('SELECT 0')
    await expect(select).toHaveValue('0')
    await expect.poll(() => inspector.keyNames()).toContain('session:ada')
  })

  test('axe-core finds nothing in inspect mode with a hash and a list open', async ({ page, inspector }) => {
    await openInspector(page, setup)
    await inspector.open('session:ada')
    await inspector.field('cart').click()
    await expect(inspector.root.getByTestId('field-detail')).toBeVisible()
    const withHash = await new AxeBuilder({ page }).analyze()
    expect(
      withHash.violations.flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.target.join(' ')} ${node.failureSummary ?? ''}`))
    ).toEqual([])

    await page.getByTestId('db-select').selectOption('2')
    await inspector.open('queue')
    await inspector.root.getByTestId('item-open').first().click()
    await expect(inspector.root.getByTestId('item-detail')).toBeVisible()
    const withList = await new AxeBuilder({ page }).analyze()
    expect(
      withList.violations.flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.target.join(' ')} ${node.failureSummary ?? ''}`))
    ).toEqual([])
  })

  test('the database, keys, the elements of a list and their detail are reachable and operable without a mouse', async ({
    page,
    inspector,
  }) => {
    await openInspector(page, setup)
    const reach = async (locator: ReturnType<typeof page.locator>, what: string) => {
      for (let i = 0; i < 60; i++) {
        if (await locator.evaluate((element) => element === document.activeElement)) return
        await page.keyboard.press('Tab')
      }
      throw new Error(`Tab never reached ${what}`)
    }
    await page.getByTestId('db-select').focus()
    await page.keyboard.press('ArrowDown')
    await expect.poll(() => inspector.keyNames()).toEqual(['queue'])
    await inspector.root.getByTestId('key-filter').focus()
    await reach(inspector.key('queue'), 'the key queue')
    await page.keyboard.press('Enter')
    await expect(inspector.root.getByTestId('collection-view')).toHaveAttribute('data-kind', 'list')
    await reach(inspector.root.getByTestId('item-open').nth(1), 'the second element')
    await page.keyboard.press('Enter')
    await expect(inspector.root.getByTestId('item-value-full')).toHaveText('second')
    await reach(inspector.root.getByTestId('value-mode-hex'), 'the hex view')
    await page.keyboard.press('Enter')
    await expect(inspector.root.getByTestId('item-value-full')).toHaveAttribute('data-mode', 'hex')
  })
})

/** Hex of streams Java's ObjectOutputStream wrote (the string "linus"; java.lang.Long 1700000000000), as Spring Session stores attributes. */
const JAVA_STRING = 'aced00057400056c696e7573'
const JAVA_LONG =
  'aced00057372000e6a6176612e6c616e672e4c6f6e673b8be490cc8f23df0200014a000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b02000078700000018bcfe56800'
/** HSET with values given in hex (the seeding client sends text as UTF-8; these are raw bytes). */
const HSET_HEX =
  "for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], (ARGV[i + 1]:gsub('..', function(h) return string.char(tonumber(h, 16)) end))) end return 1"
const SPRING_KEY = 'spring:session:sessions:7c1a'

test.describe('inspect mode, developer tools', () => {
  let setup: OwnValkeySetup
  test.beforeAll(async () => {
    setup = await startOwnValkey({ notifications: 'KEA' })
    await seed(setup)
  })
  test.afterAll(async () => {
    await setup?.stop()
  })

  test('live key counts, diagnostics in read-only, Java values and dates, search across keys, and the server view', async ({
    page,
    inspector,
    terminal,
  }) => {
    // One page through five tools (about 30 s on a loaded two-core machine): room to spare over the default 45 s.
    test.setTimeout(90_000)
    await openInspector(page, setup)
    const select = page.getByTestId('db-select')
    await expect(select.locator('option[data-db="0"]')).toHaveText('db0 · 3 keys')
    // Another client adds a Spring session: the key list and the menu's count follow (not a 5 s timer later).
    await setup.run([
      ['EVAL', HSET_HEX, '1', SPRING_KEY, 'sessionAttr:user', JAVA_STRING, 'creationTime', JAVA_LONG],
      ['HSET', SPRING_KEY, 'lastAccessedTime', '1700000000000', 'maxInactiveInterval', '1800'],
    ])
    await expect(inspector.key(SPRING_KEY)).toBeVisible()
    await expect(select.locator('option[data-db="0"]')).toHaveText('db0 · 4 keys', { timeout: 3000 })

    // Read-only runs the diagnostics and refuses the rest, naming the subcommand.
    await terminal.run('CONFIG GET maxmemory')
    await expect.poll(() => terminal.text()).toContain('"maxmemory"')
    await terminal.run('CONFIG SET maxmemory 1')
    await expect.poll(() => terminal.text()).toContain('CONFIG SET changes or controls the server (allowed: CONFIG GET)')

    // Java-serialized values read decoded, with the bytes a click away; Unix times show their date.
    await inspector.open(SPRING_KEY)
    await expect(inspector.field('sessionAttr:user').getByTestId('field-value')).toHaveText('"linus"')
    await expect(inspector.field('creationTime').getByTestId('value-date')).toHaveText('2023-11-14 22:13:20.000 UTC')
    await expect(inspector.field('lastAccessedTime').getByTestId('value-date')).toHaveText('2023-11-14 22:13:20.000 UTC')
    await expect(inspector.field('maxInactiveInterval').getByTestId('value-date')).toHaveCount(0)
    await inspector.field('sessionAttr:user').click()
    const full = inspector.root.getByTestId('field-value-full')
    await expect(full).toHaveAttribute('data-mode', 'java')
    await expect(full).toHaveText('"linus"  (java.lang.String)')
    await inspector.root.getByTestId('value-mode-text').click()
    await expect(full).toHaveText('\\xac\\xed\\x00\\x05t\\x00\\x05linus')
    await inspector.root.getByTestId('value-mode-hex').click()
    await expect(full).toHaveAttribute('data-mode', 'hex')

    // Search by value across keys: progress, the end, and a result that opens its key.
    await inspector.open('greeting')
    await page.getByTestId('open-key-search').click()
    const search = page.getByTestId('devtools-search')
    await search.getByTestId('key-search-text').fill('LINUS')
    await search.getByTestId('key-search-pattern').fill('spring:*')
    await search.getByTestId('key-search-start').click()
    const progress = search.getByTestId('key-search-progress')
    await expect(progress).toHaveAttribute('data-state', 'done')
    await expect(progress).toHaveAttribute('data-scanned', '1')
    await expect(progress).toHaveAttribute('data-matched', '1')
    await expect(search.getByTestId('key-search-stop')).toBeDisabled()
    await search.getByTestId('key-search-pattern').fill('*')
    await search.getByTestId('key-search-text').fill('hello')
    await search.getByTestId('key-search-start').click()
    await expect(progress).toHaveAttribute('data-state', 'done')
    await expect(search.getByTestId('key-search-result')).toHaveCount(1)
    await expect(search.getByTestId('key-search-result')).toHaveAttribute('data-key', 'greeting')
    await search.getByTestId('key-search-text').fill('ada')
    await search.getByTestId('key-search-start').click()
    await expect(progress).toHaveAttribute('data-state', 'done')
    await expect(progress).toHaveAttribute('data-scanned', '4')
    const result = search.locator('[data-testid="key-search-result"][data-key="session:ada"]')
    await result.click()
    await expect(inspector.view.locator('h2')).toHaveText('session:ada')
    await expect(inspector.field('name')).toContainText('Ada')
    // The drawer stays inside the viewport and the page does not scroll sideways; its buttons are targets of 44 px.
    const fits = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth <= document.documentElement.clientWidth,
      drawer: document.querySelector('[data-testid="devtools-search"]')!.getBoundingClientRect().right <= window.innerWidth,
    }))
    expect(fits).toEqual({ page: true, drawer: true })
    expect((await result.boundingBox())!.height).toBeGreaterThanOrEqual(44)

    // The server view: read on opening, and again on Refresh.
    await page.getByTestId('open-server-view').click()
    const server = page.getByTestId('server-view')
    await expect(server).toHaveAttribute('data-state', 'ready')
    await expect(search).toBeHidden()
    await expect(server.getByTestId('server-view-summary')).toContainText('Memory used')
    await expect(server.locator('[data-testid="server-view-keyspace"] tr[data-db="0"]')).toContainText('4')
    await expect(server.locator('[data-testid="client-row"][data-name="hash-playground-server-view"]')).toHaveCount(1)
    await expect(server.getByTestId('server-view-errors')).toHaveCount(0)
    const readAt = Number(await server.getAttribute('data-read-at'))
    await setup.run([['SET', 'later', '1']])
    await server.getByTestId('server-view-refresh').click()
    await expect.poll(async () => Number(await server.getAttribute('data-read-at'))).toBeGreaterThan(readAt)
    await expect(server.locator('[data-testid="server-view-keyspace"] tr[data-db="0"]')).toContainText('5')
    // On a phone the drawer (its client and slow-log tables scroll inside it) still does not widen the page.
    await page.setViewportSize({ width: 390, height: 844 })
    await expect
      .poll(() =>
        page.evaluate(() => {
          const drawer = document.querySelector('[data-testid="devtools-server"]')!.getBoundingClientRect()
          return (
            document.documentElement.scrollWidth <= document.documentElement.clientWidth && drawer.left >= 0 && drawer.right <= innerWidth
          )
        })
      )
      .toBe(true)
  })
})

test.describe('inspect mode, notifications off', () => {
  let setup: OwnValkeySetup
  test.beforeAll(async () => {
    setup = await startOwnValkey({ notifications: '' })
    await seed(setup)
  })
  test.afterAll(async () => {
    await setup?.stop()
  })

  test('polls what it shows, says why, and offers the exact line that would make it live', async ({ page, inspector }) => {
    await openInspector(page, setup)
    const live = page.getByTestId('live-status')
    await expect(live).toHaveAttribute('data-mode', 'polling')
    await live.getByText('Why not live?').click()
    await expect(page.getByTestId('live-reason')).toContainText('keyspace notifications are off on this server')
    await expect(page.getByTestId('enable-line')).toHaveText('CONFIG SET notify-keyspace-events KA')
    await page.getByTestId('poll-interval').selectOption('1')
    await expect(live).toHaveAttribute('data-poll-seconds', '1')

    await inspector.open('session:ada')
    await setup.run([
      ['HSET', 'session:ada', 'name', 'Polled Ada'],
      ['SET', 'new:key', 'x'],
    ])
    await expect(inspector.field('name')).toContainText('Polled Ada')
    await expect(inspector.key('new:key')).toBeVisible()
    // Nothing was written by the inspector while polling.
    expect(await setup.run([['CONFIG', 'GET', 'notify-keyspace-events']])).toEqual([['notify-keyspace-events', '']])

    // Asked for, and confirmed, the line runs; from then on it is pushed.
    await page.getByTestId('enable-notifications').click()
    await page.getByTestId('enable-notifications-yes').click()
    await expect(live).toHaveAttribute('data-mode', 'notifications')
  })
})
