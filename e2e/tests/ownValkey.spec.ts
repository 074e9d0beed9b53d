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
