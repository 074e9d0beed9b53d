/**
 * The inspector as a developer expects it: sort and filter the fields, search in values, copy a
 * value, read binary as hex and edit it in valkey-cli's escaped form, edit text with the keyboard,
 * confirm before deleting, and see which fields a hexpired event took.
 */
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/test.ts'

const hasFieldExpiration = (page: Page) =>
  page.evaluate(() =>
    fetch('/api/command-docs')
      .then((response) => response.json())
      .then((docs: { entries: { words: string[] }[] }) => docs.entries.some((entry) => entry.words[0] === 'HEXPIRE'))
  )

test('fields sort by name, value and TTL, filter by text or glob and by TTL, and are found by value', async ({
  page,
  terminal,
  inspector,
}) => {
  await terminal.open()
  await terminal.run('HSET planets tatooine 2 hoth 10 naboo 1 alderaan "gone" dagobah "swamp world"')
  await inspector.open('planets')
  await expect.poll(() => inspector.fieldNames()).toHaveLength(5)

  await inspector.root.getByTestId('sort-name').click()
  await expect.poll(() => inspector.fieldNames()).toEqual(['alderaan', 'dagobah', 'hoth', 'naboo', 'tatooine'])
  await inspector.root.getByTestId('sort-name').click()
  await expect.poll(() => inspector.fieldNames()).toEqual(['tatooine', 'naboo', 'hoth', 'dagobah', 'alderaan'])
  // Numbers sort as numbers (2 before 10), then text.
  await inspector.root.getByTestId('sort-value').click()
  await expect.poll(() => inspector.fieldNames()).toEqual(['naboo', 'tatooine', 'hoth', 'alderaan', 'dagobah'])

  // Plain text is "contains"; a glob is a glob. Both go to the server as HSCAN MATCH.
  await inspector.root.getByTestId('field-filter').fill('oo')
  await expect.poll(() => inspector.fieldNames()).toEqual(['naboo', 'tatooine'])
  // The filter box keeps the focus and the text as typed while the filtered fields arrive.
  await expect(inspector.root.getByTestId('field-filter')).toBeFocused()
  await expect(inspector.root.getByTestId('field-filter')).toHaveValue('oo')
  await inspector.root.getByTestId('field-filter').fill('?o*')
  await expect.poll(() => inspector.fieldNames()).toEqual(['hoth'])
  await inspector.root.getByTestId('field-filter').fill('')
  await expect.poll(() => inspector.fieldNames()).toHaveLength(5)

  await inspector.root.getByTestId('value-search').fill('SWAMP')
  await expect.poll(() => inspector.fieldNames()).toEqual(['dagobah'])
  await expect(inspector.root.getByTestId('field-count')).toHaveText('1 of 5 shown')
  await inspector.root.getByTestId('value-search').fill('')

  if (await hasFieldExpiration(page)) {
    await terminal.run('HEXPIRE planets 500 FIELDS 1 hoth')
    await terminal.run('HEXPIRE planets 100 FIELDS 1 naboo')
    await inspector.root.getByTestId('ttl-only').check()
    await expect.poll(() => inspector.fieldNames()).toHaveLength(2)
    await inspector.root.getByTestId('sort-ttl').click()
    await expect.poll(() => inspector.fieldNames()).toEqual(['naboo', 'hoth'])
  } else {
    await expect(inspector.root.getByTestId('ttl-only')).toHaveCount(0)
  }
})

test('a value is copied, shown as hex, and edited: escaped form for binary, text with Enter and Esc', async ({
  page,
  context,
  terminal,
  inspector,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await terminal.open()
  await terminal.run('HSET blob raw "\\x00\\xffab" note "hello there"')
  await inspector.open('blob')
  await inspector.field('raw').click()
  const detail = inspector.root.getByTestId('field-detail')
  await detail.getByTestId('value-mode-hex').click()
  await expect(detail.getByTestId('field-value-full')).toContainText('00000000  00 ff 61 62')
  await detail.getByTestId('copy-value').click()
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('"\\x00\\xffab"')

  await detail.getByTestId('edit-value').click()
  const box = detail.getByTestId('value-edit')
  await expect(box).toHaveAttribute('data-mode', 'escaped')
  await expect(box).toBeFocused()
  await box.fill('"\\x01" "\\x02"')
  await page.keyboard.press('Enter')
  await expect(detail.getByTestId('value-edit-error')).toContainText('2 arguments')
  await box.fill('"\\x01\\x02z"')
  await page.keyboard.press('Enter')
  await terminal.settle()
  expect(await terminal.text()).toContain('> HSET blob raw "\\x01\\x02z"\n(integer) 0')
  expect(await terminal.run('HGET blob raw')).toEqual(['"\\x01\\x02z"'])

  // Text: the cursor is in the box; Esc cancels without a command, Ctrl+Enter saves.
  await inspector.field('note').click()
  await detail.getByTestId('edit-value').click()
  await expect(box).toHaveAttribute('data-mode', 'text')
  await expect(box).toBeFocused()
  await page.keyboard.type(' again')
  await page.keyboard.press('Escape')
  await expect(box).toHaveCount(0)
  expect(await terminal.text()).not.toContain('hello there again')
  await detail.getByTestId('edit-value').click()
  await page.keyboard.type(', Kenobi')
  await page.keyboard.press('Control+Enter')
  await terminal.settle()
  expect(await terminal.text()).toContain('> HSET blob note "hello there, Kenobi"\n(integer) 0')
  await expect(inspector.field('note')).toContainText('hello there, Kenobi')
})

test('Delete key asks first; Keep keeps it', async ({ terminal, inspector }) => {
  await terminal.open()
  await terminal.run('HSET doomed f v')
  await inspector.open('doomed')
  await inspector.root.getByTestId('delete-key').click()
  await expect(inspector.root.getByTestId('delete-key-no')).toBeFocused()
  await inspector.root.getByTestId('delete-key-no').click()
  await expect(inspector.key('doomed')).toHaveCount(1)
  await inspector.root.getByTestId('delete-key').click()
  await inspector.root.getByTestId('delete-key-yes').click()
  await expect(inspector.key('doomed')).toHaveCount(0)
  await terminal.settle()
  expect(await terminal.text()).toContain('> DEL doomed\n(integer) 1')
})

test('a hexpired event names the fields that ran out (Valkey 9)', async ({ page, terminal, inspector }) => {
  await terminal.open()
  if (!(await hasFieldExpiration(page))) {
    // Valkey 8 has no field TTLs, so no field TTL controls either.
    await terminal.run('HSET otp code 1234')
    await inspector.open('otp')
    await expect(inspector.root.getByTestId('sort-ttl')).toHaveCount(0)
    return
  }
  await terminal.run('HSET otp code 1234 user leia')
  await inspector.open('otp')
  await terminal.run('HEXPIRE otp 1 FIELDS 1 code')
  await expect(inspector.field('code')).toHaveCount(0, { timeout: 5000 })
  await expect(inspector.root.locator('[data-testid="event"][data-event="hexpired"]')).toContainText('otp (code)')
})
