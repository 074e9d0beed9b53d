/**
 * Two playground processes sharing one Valkey (the same VALKEY_URL and INSTRUCTOR_KEY), behind a real
 * nginx running deploy/nginx/valkey-playground.conf. Attendees are the page's own connection code
 * (ProxyConnection, which reconnects by itself) over wss://. One process is killed with SIGKILL
 * mid-session: its attendees come back through nginx to the other, in the same sandbox with its
 * data; the other's attendees notice nothing.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import WebSocket from 'ws'
import { ProxyConnection, type ConnectionStatus } from '../../../common/connection/ProxyConnection.ts'
import type { SocketFactory } from '../../../common/connection/ReconnectingSocket.ts'
import { memoryStore } from '../../../common/connection/stores.ts'
import type { Reply } from '../../../common/protocol/index.ts'
import { EmbeddedValkey } from '../../src/valkey/EmbeddedValkey.ts'
import { bulk, eventually, int, TEST_INSTRUCTOR_KEY } from '../helpers.ts'
import { startNginx, type Nginx } from './nginx.ts'
import { startPlaygroundProcess, type PlaygroundProcess } from './playgroundProcess.ts'

const ATTENDEES = 6

/** The ws package's WebSocket trusting `ca`, in the shape the page's connection takes. */
function trusting(ca: Buffer): SocketFactory {
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { ca })
    }
  }
}

type Attendee = { name: string; connection: ProxyConnection; statuses: ConnectionStatus[] }

/** Each attendee's hash is named after it: a sandbox two attendees were given would list both. */
const keyOf = (attendee: Attendee) => `session:${attendee.name}`

/** A command's replies, or a failure, within `ms` (a connection's commands wait while it is down). */
async function run(attendee: Attendee, args: string[], ms = 20_000): Promise<Reply[]> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${attendee.name}: no answer to ${args.join(' ')} within ${ms} ms`)), ms)
  })
  try {
    return (await Promise.race([attendee.connection.run(args), late])).replies
  } finally {
    clearTimeout(timer)
  }
}

describe('two playground processes behind nginx', () => {
  let valkey: EmbeddedValkey | null = null
  const processes: PlaygroundProcess[] = []
  let nginx: Nginx | null = null
  const attendees: Attendee[] = []

  beforeAll(async () => {
    valkey = await EmbeddedValkey.start({ binary: inject('valkeyServer'), databases: 33 })
    const env = {
      VALKEY_URL: `redis://:${valkey.password}@127.0.0.1:${valkey.port}/0`,
      INSTRUCTOR_KEY: TEST_INSTRUCTOR_KEY,
      TRUSTED_PROXIES: '127.0.0.1',
      SANDBOX_MAX: '32',
    }
    processes.push(...(await Promise.all([startPlaygroundProcess(env), startPlaygroundProcess(env)])))
    nginx = await startNginx(processes.map((p) => p.port))
  }, 150_000)
  afterAll(async () => {
    for (const attendee of attendees) attendee.connection.stop()
    await nginx?.stop()
    await Promise.all(processes.map((p) => p.stop()))
    await valkey?.stop()
  })

  it('resumes the attendees of a killed process on the other one, same sandbox and data', async () => {
    const WebSocketWithCa = trusting(nginx!.ca)
    for (let i = 0; i < ATTENDEES; i++) {
      const attendee: Attendee = {
        name: `attendee-${i}`,
        connection: new ProxyConnection({
          url: `wss://127.0.0.1:${nginx!.port}/ws`,
          WebSocket: WebSocketWithCa,
          tokens: memoryStore(),
          names: memoryStore(),
        }),
        statuses: [],
      }
      attendee.connection.on('status', (status) => attendee.statuses.push(status))
      attendees.push(attendee)
      attendee.connection.start()
      await eventually(() => (attendee.connection.status.state === 'open' ? true : undefined), `${attendee.name} welcomed`)
      expect(await run(attendee, ['HSET', keyOf(attendee), 'owner', attendee.name, 'step', '1'])).toEqual([int(2)])
    }
    // Every sandbox is its own, though two processes handed them out.
    for (const attendee of attendees) expect(await run(attendee, ['KEYS', '*'])).toEqual([{ t: 'arr', a: [bulk(keyOf(attendee))] }])

    const killed = processes[0]!
    const seen = attendees.map((attendee) => attendee.statuses.length)
    await killed.kill()
    const killedAt = Date.now()

    // A command on each: answered at once on the live process; on the dead one's sockets it fails
    // (or waits) until the page has reconnected, through nginx, to the live one.
    for (const attendee of attendees) {
      let answered = false
      for (let attempt = 0; attempt < 3 && !answered; attempt++) {
        answered = await run(attendee, ['PING']).then(
          () => true,
          (error: Error) => {
            if (/no answer/.test(error.message)) throw error
            return false
          }
        )
      }
      expect(answered, `${attendee.name} answered after the kill`).toBe(true)
    }
    // The bound for attendees of a killed process to be back.
    expect(Date.now() - killedAt).toBeLessThan(5_000)
    const dropped = attendees.filter((attendee, i) => attendee.statuses.slice(seen[i]).some((status) => status.state === 'closed'))
    // nginx spread them over both processes: some were on the killed one, some were not.
    expect(dropped.length).toBeGreaterThan(0)
    expect(dropped.length).toBeLessThan(ATTENDEES)

    for (const attendee of attendees) {
      const status = attendee.connection.status
      expect(status.state, attendee.name).toBe('open')
      if (dropped.includes(attendee))
        expect(status, `${attendee.name} is back in its own sandbox`).toMatchObject({ resumed: true, fresh: false })
      expect(await run(attendee, ['HGET', keyOf(attendee), 'owner'])).toEqual([bulk(attendee.name)])
      expect(await run(attendee, ['KEYS', '*'])).toEqual([{ t: 'arr', a: [bulk(keyOf(attendee))] }])
      // And it keeps working there.
      expect(await run(attendee, ['HINCRBY', keyOf(attendee), 'step', '1'])).toEqual([int(2)])
    }
  }, 120_000)
})
