/**
 * @module One load generator of the fleet benchmark, as a process of its own: the playground's
 * figures must not include a client parsing thousands of sockets' replies in its event loop.
 *
 * Usage (by fleet.ts): node --import tsx bench/fleetLoad.ts PORT ATTENDEES PREFIX SECONDS
 * Opens ATTENDEES page connections (100 per loopback source address, from PREFIX.2 up, e.g.
 * 127.1.0.2, 127.1.0.3 …, as a room behind a few NATs would), opens the inspector and a mission on each, prints
 * "ready", waits for "go" on stdin, then runs one command a second per attendee (alternately an
 * HSET the inspector shows and an HGET) for SECONDS seconds, and prints one JSON line with every
 * command's round trip in ms. Bounded: ATTENDEES x SECONDS commands, and it exits by itself.
 */
import WebSocket from 'ws'
import type { ProxyConnection as Connection } from '../common/connection/ProxyConnection.ts'
import { ProxyConnection } from '../common/connection/ProxyConnection.ts'
import { memoryStore } from '../common/connection/stores.ts'
import { paceRoom, sleep } from './roomPacing.ts'

const PER_ADDRESS = 100

/** A WebSocket bound to one loopback source address: the playground counts sandboxes per address. */
function socketFrom(address: string): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string | URL) {
      super(url, { localAddress: address, perMessageDeflate: false })
    }
  } as typeof WebSocket
}

async function open(port: number, address: string): Promise<Connection> {
  const connection = new ProxyConnection({
    url: `ws://127.0.0.1:${port}/ws`,
    WebSocket: socketFrom(address),
    tokens: memoryStore(),
    names: memoryStore(),
  })
  connection.start()
  const deadline = Date.now() + 60_000
  while (connection.status.state !== 'open') {
    if (Date.now() > deadline) throw new Error(`could not connect from ${address}`)
    await sleep(20)
  }
  return connection
}

async function main(): Promise<void> {
  const [port, attendees, seconds] = [2, 3, 5].map((index) => Number(process.argv[index]))
  const prefix = process.argv[4]
  if (!port || !attendees || !seconds || !prefix || !/^127\.\d+\.\d+$/.test(prefix)) {
    throw new Error('usage: fleetLoad.ts PORT ATTENDEES PREFIX(127.a.b) SECONDS')
  }
  const room: Connection[] = []
  for (let start = 0; start < attendees; start += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, attendees - start) }, (_, i) => {
        const index = start + i
        return open(port, `${prefix}.${2 + Math.floor(index / PER_ADDRESS)}`)
      })
    )
    room.push(...batch)
  }
  await Promise.all(
    room.map(async (attendee) => {
      attendee.mission({ type: 'missionOpen', id: 'cantina-sessions' })
      attendee.inspect({ type: 'watchKeys', pattern: '*' })
      await attendee.run(['HSET', 'session:me', 'username', 'me', 'credits', '0'])
      attendee.inspect({ type: 'openKey', key: 'session:me', match: '*' })
    })
  )
  console.log('ready')
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()))

  const commandMs: number[] = []
  let failed = 0
  await paceRoom(room, seconds, async (attendee, second, tick) => {
    const args = second % 2 === 0 ? ['HSET', 'session:me', 'credits', String(second)] : ['HGET', 'session:me', 'username']
    try {
      const reply = await attendee.run(args)
      if (reply.replies[0]?.t === 'err') failed++
      commandMs.push(performance.now() - tick)
    } catch {
      failed++
    }
  })
  // Printed before the clean-up, so the playground's CPU for the level does not include it.
  console.log(JSON.stringify({ commandMs, failed }))
  for (const attendee of room) attendee.stop()
  // The parent stops this process once it has read the line; this is the bound if it does not.
  setTimeout(() => process.exit(0), 30_000).unref()
}

const watchdog = setTimeout(() => {
  console.error('fleetLoad: gave up after 10 minutes')
  process.exit(1)
}, 600_000)
watchdog.unref()
await main()
