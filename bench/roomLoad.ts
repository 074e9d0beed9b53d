/**
 * @module The instructor page benchmark's room, as a process of its own: the page's figures must
 * not include a client parsing hundreds of sockets' replies on the machine's busiest event loop.
 *
 * Usage (by instructorPageSection.ts): node --import tsx bench/roomLoad.ts PORT ATTENDEES SECONDS
 * Opens ATTENDEES page connections from loopback (100 per source address, 127.0.0.2 up, as a room
 * behind a few NATs), names them and opens mission 01 on each, prints "ready", waits for "go" on
 * stdin, then runs one command a second per attendee (spread over the second) for SECONDS seconds:
 * the mission's steps, with a wrong command between some of them, and a mission reset after the
 * last step, so every command changes the attendee's row (a step done, an error counted, or the
 * mission started over). Prints one JSON line `{ commands, failed }` and exits. Bounded:
 * ATTENDEES x SECONDS commands, and a watchdog ends it after ten minutes whatever happens.
 */
import WebSocket from 'ws'
import { ProxyConnection } from '../common/connection/ProxyConnection.ts'
import { memoryStore } from '../common/connection/stores.ts'
import { paceRoom, sleep } from './roomPacing.ts'

const PER_ADDRESS = 100
const MISSION = 'cantina-sessions'
const KEY = 'session:han_solo'
/** `null`: reset the mission (the next command starts it over). */
const SCRIPT: (string[] | null)[] = [
  `HSET ${KEY} username hsolo species human credits 10000 table booth_7 drinks_ordered 2 last_activity 2025-08-28T13:30:00`,
  `HGET ${KEY}`, // an error reply
  `EXPIRE ${KEY} 3600`,
  `HGET ${KEY} username`,
  `HGET ${KEY} credits`,
  `HGET ${KEY} table`,
  `HSET ${KEY}`, // an error reply
  `HSET ${KEY} credits 9500 last_activity 2025-08-28T13:45:00`,
  `HGETALL ${KEY}`,
  `HEXISTS ${KEY} bounty_on_head`,
  `HMGET ${KEY} username credits species`,
  `PTTL ${KEY}`,
  null,
].map((line) => (line === null ? null : line.split(' ')))

/** A WebSocket bound to one loopback source address: the playground counts sandboxes per address. */
function socketFrom(address: string): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string | URL) {
      super(url, { localAddress: address, perMessageDeflate: false })
    }
  } as typeof WebSocket
}

async function open(port: number, address: string, name: string): Promise<ProxyConnection> {
  const names = memoryStore()
  names.set(name)
  const connection = new ProxyConnection({ url: `ws://127.0.0.1:${port}/ws`, WebSocket: socketFrom(address), tokens: memoryStore(), names })
  connection.start()
  const deadline = Date.now() + 60_000
  while (connection.status.state !== 'open') {
    if (Date.now() > deadline) throw new Error(`could not connect from ${address}`)
    await sleep(20)
  }
  return connection
}

async function main(): Promise<void> {
  const [port, attendees, seconds] = [2, 3, 4].map((index) => Number(process.argv[index]))
  if (!port || !attendees || !seconds || attendees > 2000 || seconds > 300) {
    throw new Error('usage: roomLoad.ts PORT ATTENDEES(≤2000) SECONDS(≤300)')
  }
  const room: ProxyConnection[] = []
  for (let start = 0; start < attendees; start += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, attendees - start) }, (_, i) => {
        const index = start + i
        return open(port, `127.0.0.${2 + Math.floor(index / PER_ADDRESS)}`, `Bench ${index + 1}`)
      })
    )
    room.push(...batch)
  }
  for (const attendee of room) attendee.mission({ type: 'missionOpen', id: MISSION })
  await sleep(1000)
  console.log('ready')
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()))

  let commands = 0
  let failed = 0
  await paceRoom(room, seconds, async (attendee, second) => {
    const args = SCRIPT[second % SCRIPT.length]!
    if (args === null) {
      attendee.mission({ type: 'missionReset', id: MISSION })
      return
    }
    try {
      await attendee.run(args)
      commands++
    } catch {
      failed++
    }
  })
  console.log(JSON.stringify({ commands, failed }))
  for (const attendee of room) attendee.stop()
  setTimeout(() => process.exit(0), 5_000).unref()
}

const watchdog = setTimeout(() => {
  console.error('roomLoad: gave up after 10 minutes')
  process.exit(1)
}, 600_000)
watchdog.unref()
await main()
