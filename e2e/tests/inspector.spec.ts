/**
 * The live inspector in a real browser: pushed by keyspace notifications,
 * counting TTLs down, editing through the terminal, and fenced per sandbox.
 */
import { InspectorPanel } from '../fixtures/InspectorPanel.ts'
import { TerminalPanel } from '../fixtures/TerminalPanel.ts'
import { expect, test } from '../fixtures/test.ts'

test('a key TTL counts down and the key disappears when Valkey expires it; PERSIST stops the countdown', async ({
  terminal,
  inspector,
}) => {
  await terminal.open()
  await terminal.run('HSET session:han_solo username "hsolo" species "human"')
  await expect(inspector.key('session:han_solo')).toBeVisible()
  await inspector.open('session:han_solo')
  await expect(inspector.field('username')).toContainText('hsolo')
  await expect(inspector.view.getByTestId('key-encoding')).toHaveText('listpack')

  await terminal.run('EXPIRE session:han_solo 5')
  // A loaded machine may draw the countdown a second or two late: check that it
  // starts at most at 5 and goes down, not which second it shows first.
  await expect.poll(() => inspector.keyTtl()).toBeGreaterThan(0)
  const shown = (await inspector.keyTtl())!
  expect(shown).toBeLessThanOrEqual(5)
  if (shown > 1) await expect.poll(() => inspector.keyTtl(), { timeout: 3000 }).toBeLessThan(shown)
  await expect(inspector.key('session:han_solo')).toHaveCount(0, { timeout: 8000 })
  await expect(inspector.view).toHaveAttribute('data-exists', 'false')
  await expect.poll(() => inspector.events()).toEqual(expect.arrayContaining([expect.stringContaining('expired')]))

  await terminal.run('HSET session:leia username "leia"')
  await inspector.open('session:leia')
  await terminal.run('EXPIRE session:leia 100')
  await expect.poll(() => inspector.keyTtl()).toBeGreaterThan(95)
  await terminal.run('PERSIST session:leia')
  await expect.poll(() => inspector.keyTtl()).toBeNull()
})

test('HEXPIRE removes just that field when it expires (Valkey 9); on Valkey 8 field TTLs are absent', async ({
  terminal,
  inspector,
  page,
}) => {
  await terminal.open()
  const fieldExpiration = await page.evaluate(() =>
    fetch('/api/command-docs')
      .then((response) => response.json())
      .then((docs: { entries: { words: string[] }[] }) => docs.entries.some((entry) => entry.words[0] === 'HEXPIRE'))
  )
  await terminal.run('HSET k f 1 keep 2')
  await inspector.open('k')
  await expect(inspector.field('f')).toBeVisible()
  if (!fieldExpiration) {
    // npm start falls back to Valkey 8 where 9 cannot be built: no field TTL controls then.
    await inspector.field('f').click()
    await expect(inspector.root.getByTestId('field-detail')).toBeVisible()
    await expect(inspector.root.getByTestId('set-field-ttl')).toHaveCount(0)
    await expect(inspector.root.getByTestId('new-ttl')).toHaveCount(0)
    return
  }
  // A TTL long enough to be seen however slow the machine, then a short one to watch Valkey expire it.
  await terminal.run('HEXPIRE k 300 FIELDS 1 f')
  await expect(inspector.field('f').getByTestId('field-ttl')).toBeVisible()
  await terminal.run('HEXPIRE k 1 FIELDS 1 f')
  await expect(inspector.field('f')).toHaveCount(0, { timeout: 6000 })
  await expect(inspector.field('keep')).toBeVisible()
  await expect.poll(() => inspector.events()).toEqual(expect.arrayContaining([expect.stringContaining('hexpired')]))
})

test('an edit in the inspector runs in the terminal as its command', async ({ terminal, inspector }) => {
  await terminal.open()
  await terminal.run('HSET user:1 name Ann')
  await inspector.open('user:1')
  await inspector.root.getByTestId('new-field').fill('city')
  await inspector.root.getByTestId('new-value').fill('New York')
  await inspector.root.getByTestId('add-field').click()
  await expect(inspector.field('city')).toContainText('New York')
  await terminal.settle()
  const lines = await terminal.lines()
  expect(lines.some((line) => line.endsWith('> HSET user:1 city "New York"'))).toBe(true)
  expect(lines).toContain('(integer) 1')

  await inspector.field('name').click()
  await inspector.root.getByTestId('delete-field').click()
  // It asks first; nothing is deleted until the second press.
  await expect(inspector.root.getByTestId('delete-field-confirm')).toBeVisible()
  await expect(inspector.field('name')).toHaveCount(1)
  await inspector.root.getByTestId('delete-field-yes').click()
  await expect(inspector.field('name')).toHaveCount(0)
  await terminal.settle()
  expect((await terminal.lines()).some((line) => line.endsWith('> HDEL user:1 name'))).toBe(true)
  // The command went through history like a typed one.
  await terminal.focus()
  await terminal.press('ArrowUp')
  expect(await terminal.input()).toBe('HDEL user:1 name')
})

test('two browsers never see each other’s keys or events', async ({ terminal, inspector, browser }) => {
  await terminal.open()
  const other = await browser.newContext()
  const otherPage = await other.newPage()
  const otherTerminal = new TerminalPanel(otherPage)
  const otherInspector = new InspectorPanel(otherPage)
  await otherTerminal.open()

  await terminal.run('HSET mine:secret pin 1234')
  await expect(inspector.key('mine:secret')).toBeVisible()
  await otherTerminal.run('SET theirs 1')
  await expect(otherInspector.key('theirs')).toBeVisible()
  expect(await otherInspector.keyNames()).toEqual(['theirs'])
  expect((await otherInspector.events()).join('\n')).not.toContain('mine:secret')
  // Had the other write reached this page, it would have come before the change of a key written
  // here after it: once that key is shown, so would be anything of theirs.
  await terminal.run('SET mine:later 1')
  await expect(inspector.key('mine:later')).toBeVisible()
  expect(await inspector.keyNames()).toEqual(['mine:later', 'mine:secret'])
  await other.close()
})
