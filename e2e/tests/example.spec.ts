import { expect, test } from 'valkey-hash-playground/playwright'

test('store a session in a hash and read it back', async ({ terminal, inspector }) => {
  await terminal.open('/')

  // reply() waits for the reply to this very line: the terminal counts replies, so stale output cannot match.
  expect(await terminal.reply('HSET session:leia username "lorgana" credits 500')).toBe('(integer) 2')
  expect(await terminal.reply('HGET session:leia credits')).toBe('"500"')

  await inspector.open('session:leia')
  await expect(inspector.field('username')).toBeVisible()
  expect((await inspector.fieldNames()).sort()).toEqual(['credits', 'username'])
})
