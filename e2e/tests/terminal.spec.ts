/**
 * The terminal under the fingers: valkey-cli's editing keys, history kept
 * across reloads, pastes, Ctrl-C, transactions and subscribed mode.
 */
import { TerminalPanel } from '../fixtures/TerminalPanel.ts'
import { expect, test } from '../fixtures/test.ts'

test('edits the line with linenoise keys', async ({ terminal }) => {
  await terminal.open()
  const line = () => terminal.input()

  await terminal.type('ET session:han_solo')
  await terminal.press('Home')
  await terminal.type('G')
  expect(await line()).toBe('GET session:han_solo')
  await terminal.press('Control+E')
  await terminal.press('Backspace')
  await terminal.press('Backspace')
  await terminal.type('lo')
  expect(await line()).toBe('GET session:han_solo')
  await terminal.press('Control+A')
  await terminal.press('Delete')
  await terminal.press('ArrowRight')
  await terminal.press('ArrowRight')
  await terminal.press('Control+K')
  expect(await line()).toBe('ET')
  await terminal.press('Control+B')
  await terminal.press('Control+T') // swaps E and T
  expect(await line()).toBe('TE')
  await terminal.press('Control+U')
  expect(await line()).toBe('')
  await terminal.type('HSET h f v extra')
  await terminal.press('Control+W')
  expect(await line()).toBe('HSET h f v ')
  await terminal.press('Enter')
  await terminal.settle()
  expect((await terminal.text()).split('\n').slice(-2)[0]).toBe('(integer) 1')
})

test('keeps history across a reload, without sensitive lines', async ({ terminal }) => {
  await terminal.open()
  await terminal.run('SET visits 1')
  await terminal.run('AUTH default secret')
  await terminal.run('GET visits')
  await terminal.page.reload()
  await terminal.waitForPrompt()
  await terminal.press('ArrowUp')
  expect(await terminal.input()).toBe('GET visits')
  await terminal.press('ArrowUp')
  expect(await terminal.input()).toBe('SET visits 1') // AUTH was not kept
  await terminal.press('ArrowDown')
  await terminal.press('Enter')
  await terminal.settle()
  expect((await terminal.lines()).at(-2)).toBe('"1"')
})

test('a 1,000-line paste runs every line, in order, without freezing the page', async ({ terminal }) => {
  await terminal.open()
  const lines = Array.from({ length: 1000 }, () => 'INCR pasted')
  await terminal.paste(lines.join('\n') + '\n')
  await expect.poll(() => terminal.busy(), { timeout: 30_000, intervals: [100] }).toBe(false)
  const replies = (await terminal.lines()).filter((line) => line.startsWith('(integer) '))
  expect(replies).toHaveLength(1000)
  expect(replies.map((line) => Number(line.slice(10)))).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1))
  // The page still answers at once.
  expect(await terminal.run('GET pasted')).toEqual(['"1000"'])
})

test('Ctrl-C cancels a blocking command and the sandbox carries on', async ({ terminal }) => {
  await terminal.open()
  await terminal.run('SET kept yes')
  await terminal.type('BLPOP nothing 0')
  await terminal.press('Enter')
  await expect.poll(() => terminal.busy()).toBe(true)
  await terminal.press('Control+C')
  await terminal.settle()
  // valkey-cli adds "(0.61s)" under any command that took half a second or more.
  const lines = await terminal.lines()
  const after = lines.slice(lines.findLastIndex((line) => line.endsWith('> BLPOP nothing 0')) + 1, -1)
  expect(after[0]).toBe('(error) UNBLOCKED client unblocked via CLIENT UNBLOCK')
  expect(after.slice(1).every((line) => /^\(\d+\.\d\ds\)$/.test(line))).toBe(true)
  expect(await terminal.run('GET kept')).toEqual(['"yes"'])
})

test('a blocking command that times out prints (nil) and how long it took', async ({ terminal }) => {
  await terminal.open()
  const output = await terminal.run('BLPOP nothing 1')
  expect(output[0]).toBe('(nil)')
  expect(output[1]).toMatch(/^\(1\.\d\ds\)$/)
})

test('shows (TX) inside MULTI and prints EXEC with an error inside', async ({ terminal }) => {
  await terminal.open()
  await terminal.run('SET word hello')
  await terminal.run('MULTI')
  expect(await terminal.lastLine()).toMatch(/\(TX\)> $/)
  expect(await terminal.run('INCR word')).toEqual(['QUEUED'])
  await terminal.run('SET word bye')
  expect(await terminal.run('EXEC')).toEqual(['1) (error) ERR value is not an integer or out of range', '2) OK'])
  expect(await terminal.lastLine()).not.toMatch(/\(TX\)/)
})

test('subscribed mode shows messages as they arrive, and Ctrl-C leaves it', async ({ terminal, context }) => {
  await terminal.open()
  await terminal.type('SUBSCRIBE news')
  await terminal.press('Enter')
  await expect.poll(() => terminal.text()).toContain('Reading messages... (press Ctrl-C to quit or any key to type command)')
  // The confirmation is Valkey's reply on the subscriber connection; it may be drawn a moment
  // after the prompt line changes (above it, where valkey-cli has it).
  await expect.poll(() => terminal.text()).toContain('1) "subscribe"\n2) "news"\n3) (integer) 1')

  // Another tab of the same browser shares the sandbox, so its PUBLISH reaches us.
  const other = new TerminalPanel(await context.newPage())
  await other.open()
  expect(await other.run('PUBLISH news "hello there"')).toEqual(['(integer) 1'])
  await expect.poll(() => terminal.text()).toContain('1) "message"\n2) "news"\n3) "hello there"')

  await terminal.focus()
  await terminal.press('Control+C')
  await expect.poll(() => terminal.text()).toContain('Closing current connection. Ready to reconnect to Valkey server...')
  await terminal.settle()
  expect(await terminal.lastLine()).not.toMatch(/subscribed mode/)
  expect(await terminal.run('PING')).toEqual(['PONG'])
  expect(await other.run('PUBLISH news again')).toEqual(['(integer) 0'])
})

test('HELLO 3 is refused with a clear message and the terminal keeps working; quit does not end the session', async ({ terminal }) => {
  await terminal.open()
  expect((await terminal.run('HELLO 3'))[0]).toMatch(/^\(error\) NOPROTO .*RESP2/)
  expect((await terminal.run('quit'))[0]).toMatch(/keeps this session open/)
  expect(await terminal.run('PING')).toEqual(['PONG'])
})

test('clear empties the screen', async ({ terminal }) => {
  await terminal.open()
  await terminal.run('SET something visible')
  await terminal.run('clear')
  expect((await terminal.text()).includes('SET something visible')).toBe(false)
})

test('the test API waits for the reply to its own line: replies counts, run() and lastReply() give that reply', async ({
  page,
  terminal,
}) => {
  await terminal.open()
  expect(await page.evaluate(() => performance.getEntriesByName('playground:prompt').length)).toBe(1)
  await expect(terminal.root).toHaveAttribute('data-state', 'idle')
  const before = await terminal.replies()
  await expect(terminal.root).toHaveAttribute('data-replies', String(before))

  // A reply that contains the expected text ((integer) 10) on screen already must not satisfy a wait for (integer) 1.
  expect(await terminal.reply('RPUSH counted 1 2 3 4 5 6 7 8 9 10')).toBe('(integer) 10')
  expect(await terminal.reply('DEL counted')).toBe('(integer) 1')
  await expect(terminal.root).toHaveAttribute('data-replies', String(before + 2))

  // run() queues behind a pending line and resolves with its own reply, not the one before it;
  // the root says busy from the moment a line is entered (read in the same task: no timing involved).
  const queued = await page.evaluate(async () => {
    const api = window.valkeyPlayground.terminal!
    const root = document.querySelector<HTMLElement>('[data-testid="terminal"]')!
    const blocking = api.run('BLPOP nothing 0.2')
    const stateThen = root.dataset.state
    const mine = await api.run('HSET run:h f "caf\u00e9"')
    return { stateThen, blocking: await blocking, mine }
  })
  expect(queued).toEqual({ stateThen: 'busy', blocking: '(nil)', mine: '(integer) 1' })
  await expect(terminal.root).toHaveAttribute('data-replies', String(before + 4))
  expect(await page.evaluate(() => window.valkeyPlayground.terminal!.run('HGETALL run:h'))).toBe('1) "f"\n2) "caf\\xc3\\xa9"')
  await terminal.settle()
  expect(await terminal.lastReply()).toBe('1) "f"\n2) "caf\\xc3\\xa9"')
})
