/**
 * The core loop in a real browser: type in the terminal, the command runs on
 * Valkey, the reply is printed; each browser has its own sandbox; a reload
 * returns to it; commands that would leave it are refused.
 */
import { TerminalPanel } from '../fixtures/TerminalPanel.ts'
import { expect, test } from '../fixtures/test.ts'

test('HSET and HGET print valkey-cli replies', async ({ terminal }) => {
  await terminal.open()
  expect(await terminal.run('HSET session:han_solo username "hsolo" species "human"')).toEqual(['(integer) 2'])
  expect(await terminal.run('HGET session:han_solo username')).toEqual(['"hsolo"'])
  expect(await terminal.run('HGET session:han_solo nothing')).toEqual(['(nil)'])
})

test('each browser has its own sandbox, and a reload returns to it', async ({ terminal, browser }) => {
  await terminal.open()
  await terminal.run('HSET session:han_solo username "hsolo" species "human"')

  const otherContext = await browser.newContext()
  const other = new TerminalPanel(await otherContext.newPage())
  await other.open()
  expect(await other.run('EXISTS session:han_solo')).toEqual(['(integer) 0'])
  expect(await other.run('DBSIZE')).toEqual(['(integer) 0'])

  await terminal.page.reload()
  await terminal.waitForPrompt()
  expect(await terminal.run('HGET session:han_solo username')).toEqual(['"hsolo"'])
  await otherContext.close()
})

test('SELECT 0 and FLUSHALL show an error and change nothing', async ({ terminal, browser }) => {
  await terminal.open()
  await terminal.run('HSET session:han_solo username "hsolo"')
  const neighbourContext = await browser.newContext()
  const neighbour = new TerminalPanel(await neighbourContext.newPage())
  await neighbour.open()
  await neighbour.run('SET neighbour:key "still here"')

  const select = await terminal.run('SELECT 0')
  expect(select).toHaveLength(1)
  expect(select[0]).toMatch(/^\(error\) NOPERM SELECT is not available/)
  const flushall = await terminal.run('FLUSHALL')
  expect(flushall[0]).toMatch(/^\(error\) NOPERM FLUSHALL is not available/)
  expect((await terminal.run('EVAL "return server.call(\'SELECT\', 0)" 0'))[0]).toMatch(/^\(error\) /)

  expect(await terminal.run('EXISTS session:han_solo')).toEqual(['(integer) 1'])
  expect(await neighbour.run('GET neighbour:key')).toEqual(['"still here"'])
  await neighbourContext.close()
})

test('a short drop shows only in the status dot; a long one is written in the terminal; the sandbox survives both', async ({
  page,
  terminal,
}) => {
  // Route the page's WebSocket through the test so it can be cut like a wifi drop, and new
  // connections refused for a while like a network that is down.
  const cuts: (() => Promise<void>)[] = []
  let refuseUntil = 0
  await page.routeWebSocket(/\/ws$/, (socket) => {
    if (Date.now() < refuseUntil) {
      void socket.close({ code: 1011, reason: 'network down' }).catch(() => undefined)
      return
    }
    const server = socket.connectToServer()
    cuts.push(async () => {
      await socket.close({ code: 1001, reason: 'network dropped' }).catch(() => undefined)
      await server.close().catch(() => undefined)
    })
  })
  await terminal.open()
  await terminal.run('SET survivor yes')

  // Short: the page is back on a new socket at once, and the terminal has nothing to say about it.
  await cuts.at(-1)!()
  await expect.poll(() => cuts.length).toBe(2)
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open')
  expect(await terminal.run('GET survivor')).toEqual(['"yes"'])
  expect(await terminal.text()).not.toMatch(/Connection to the playground lost|Reconnected/)

  // Long: refused for 5 s, past the 3 s after which the terminal says the connection is lost.
  refuseUntil = Date.now() + 5000
  await cuts.at(-1)!()
  await expect.poll(() => terminal.text(), { timeout: 15_000 }).toMatch(/Connection to the playground lost .*reconnecting/)
  await expect.poll(() => terminal.text(), { timeout: 15_000 }).toMatch(/Reconnected: your sandbox is as you left it\./)
  await terminal.waitForPrompt()
  expect(await terminal.run('GET survivor')).toEqual(['"yes"'])
})
