/**
 * Hints, Tab completion and help, all from the live server's COMMAND DOCS.
 * (Their exact bytes are proven against valkey-cli in server/test; here we
 * check that a person at the keyboard gets them.)
 */
import { expect, test } from '../fixtures/test.ts'

const QUICK = { intervals: [25, 50] }

test('shows grey hints as you type, and :set nohints turns them off', async ({ terminal }) => {
  await terminal.open()
  await terminal.type('HSET ')
  await expect.poll(() => terminal.lastLine(), QUICK).toMatch(/> HSET key field value \[field value \.\.\.\]\s*$/)
  await terminal.type('s:1 name ')
  await expect.poll(() => terminal.lastLine(), QUICK).toMatch(/> HSET s:1 name value \[field value \.\.\.\]\s*$/)
  await terminal.type('"hsolo"')
  await terminal.press('Enter')
  await terminal.settle()
  // The echoed line is what was typed, without the hint.
  expect((await terminal.lines()).at(-3)).toMatch(/> HSET s:1 name "hsolo"$/)
  expect((await terminal.lines()).at(-2)).toBe('(integer) 1')

  await terminal.run(':set nohints')
  // The hint would be drawn in the same redraw as the typed text, so seeing "k" is enough.
  await terminal.type('HGET k')
  await expect.poll(() => terminal.lastLine(), QUICK).toMatch(/> HGET k$/)
  await terminal.press('Control+U')
  await terminal.run(':set hints')
  await terminal.type('HGET ')
  await expect.poll(() => terminal.lastLine(), QUICK).toMatch(/> HGET key field\s*$/)
})

test('Tab completes command names, cycles, and Esc restores what was typed', async ({ terminal }) => {
  await terminal.open()
  const line = () => terminal.input()
  const shown = async () => (await terminal.lastLine()).replace(/^.*?> /, '').trimEnd()
  await terminal.type('hgeta')
  await terminal.press('Tab')
  await expect.poll(line, QUICK).toBe('HGETALL')
  await terminal.press('Control+U')

  await terminal.type('h')
  await terminal.press('Tab')
  await expect.poll(line, QUICK).toBe('HDEL')
  await terminal.press('Tab')
  await expect.poll(line, QUICK).toBe('HELLO')
  await terminal.press('Escape')
  await expect.poll(line, QUICK).toBe('h')

  await terminal.press('Tab')
  await expect.poll(line, QUICK).toBe('HDEL')
  await terminal.type(' k') // any other key accepts the candidate and is then typed
  await expect.poll(line, QUICK).toBe('HDEL k')
  await expect.poll(shown, QUICK).toBe('HDEL k key field [field ...]') // grey hint: k is not matched until a space follows
  await terminal.press('Control+U')

  await terminal.type('help @ha')
  await terminal.press('Tab')
  await expect.poll(line, QUICK).toBe('help @hash')
})

test('help, help <command> and help @group answer locally', async ({ terminal }) => {
  await terminal.open()
  const general = await terminal.run('help')
  expect(general[0]).toMatch(/^valkey-cli \d+\.\d+\.\d+/)
  expect(general).toContain('      "help @<group>" to get a list of commands in <group>')

  const hset = await terminal.run('help hset')
  expect(hset).toEqual([
    '',
    '  HSET key field value [field value ...]',
    '  summary: Creates or modifies the value of a field in a hash.',
    '  since: 2.0.0',
    '  group: hash',
    '',
  ])

  const hash = await terminal.run('help @hash')
  const names = hash.filter((text) => /^ {2}H[A-Z]+ /.test(text)).map((text) => text.trim().split(' ')[0])
  for (const name of ['HDEL', 'HGET', 'HGETALL', 'HSET', 'HSCAN']) expect(names).toContain(name)
  expect(hash.some((text) => text.includes('group:'))).toBe(false)
})
