/**
 * @module An attendee for the fault tests: the page's own connection (ProxyConnection, which
 * reconnects by itself) from a loopback source address of its own, recording every status, notice,
 * mission progress and room number it gets, each with the time it came. Like the page, it tells the
 * server again which mission it shows whenever the connection (re)opens.
 */
import WebSocket from 'ws'
import { ProxyConnection, type ConnectionStatus } from '../../../common/connection/ProxyConnection.ts'
import type { SocketFactory } from '../../../common/connection/ReconnectingSocket.ts'
import { memoryStore } from '../../../common/connection/stores.ts'
import type { MissionProgressMessage, Reply } from '../../../common/protocol/index.ts'
import { eventually } from '../helpers.ts'

export type Stamped<T> = { at: number; value: T }

export type FaultAttendee = {
  name: string
  /** The loopback address its sockets come from. */
  from: string
  connection: ProxyConnection
  statuses: Stamped<ConnectionStatus>[]
  notices: Stamped<{ text: string; level: string }>[]
  progress: Stamped<MissionProgressMessage>[]
  /** Its sandbox number from each welcome (server * 100000 + db): the same number after every reconnect means the same sandbox. */
  numbers: Stamped<number>[]
  /** The mission its page shows (sent again on every open). */
  mission: string | null
}

/** The ws package's WebSocket bound to `address`, in the shape the page's connection takes. */
function fromAddress(address: string): SocketFactory {
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { localAddress: address })
    }
  }
}

/** Starts an attendee on the playground at `port` and waits for its first welcome. */
export async function startAttendee(port: number, name: string, from: string): Promise<FaultAttendee> {
  const attendee = connectAttendee(port, name, from)
  await eventually(() => (attendee.connection.status.state === 'open' ? true : undefined), `${name} welcomed`, 30_000)
  await eventually(() => (attendee.numbers.length > 0 ? true : undefined), `${name}'s sandbox number`, 10_000)
  return attendee
}

/** Starts an attendee's connection on the playground at `port`, without waiting for anything. */
export function connectAttendee(port: number, name: string, from: string): FaultAttendee {
  const connection = new ProxyConnection({
    url: `ws://127.0.0.1:${port}/ws`,
    WebSocket: fromAddress(from),
    tokens: memoryStore(),
    names: memoryStore(),
  })
  const attendee: FaultAttendee = { name, from, connection, statuses: [], notices: [], progress: [], numbers: [], mission: null }
  connection.on('status', (status) => {
    attendee.statuses.push({ at: Date.now(), value: status })
    if (status.state === 'open' && status.sandbox !== undefined) attendee.numbers.push({ at: Date.now(), value: status.sandbox })
    if (status.state === 'open' && attendee.mission !== null) connection.mission({ type: 'missionOpen', id: attendee.mission })
  })
  connection.on('notice', (text, level) => attendee.notices.push({ at: Date.now(), value: { text, level } }))
  connection.on('missions', (message) => attendee.progress.push({ at: Date.now(), value: message }))
  connection.start()
  return attendee
}

/** The sandbox number the last welcome named. */
export const numberOf = (attendee: FaultAttendee): number => attendee.numbers.at(-1)!.value

/** A command's replies within `ms`, or a failure (a connection's commands wait while it is down). */
export async function run(attendee: FaultAttendee, args: string[], ms = 20_000): Promise<Reply[]> {
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

/**
 * Runs `args` until it is answered: a command in flight when the socket dropped fails (it may or
 * may not have run), so it is sent again, at most `tries` times. Only for commands that may run twice.
 */
export async function runUntilAnswered(attendee: FaultAttendee, args: string[], tries = 5): Promise<Reply[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attendee, args)
    } catch (error) {
      if (attempt >= tries || /no answer/.test((error as Error).message)) throw error
    }
  }
}

/** Opens `mission` as the page does, and waits for its first progress report. */
export async function openMission(attendee: FaultAttendee, mission: string): Promise<void> {
  attendee.mission = mission
  const seen = attendee.progress.length
  attendee.connection.mission({ type: 'missionOpen', id: mission })
  await eventually(
    () => (attendee.progress.slice(seen).some((p) => p.value.open?.id === mission) ? true : undefined),
    `${attendee.name}: ${mission} open`
  )
}

/** The first progress report after `since` that satisfies `test`. */
export function progressAfter(
  attendee: FaultAttendee,
  since: number,
  test: (message: MissionProgressMessage) => boolean,
  what: string,
  ms = 20_000
): Promise<MissionProgressMessage> {
  return eventually(() => attendee.progress.find((p) => p.at >= since && test(p.value))?.value, `${attendee.name}: ${what}`, ms)
}

/** Statuses since `since`. */
export const statusesSince = (attendee: FaultAttendee, since: number): Stamped<ConnectionStatus>[] =>
  attendee.statuses.filter((status) => status.at >= since)

/** Whether the connection dropped (a closed status) since `since`. */
export const droppedSince = (attendee: FaultAttendee, since: number): boolean =>
  statusesSince(attendee, since).some((status) => status.value.state === 'closed')

/** Milliseconds from its first drop since `since` to the next welcome, or null if it has not come back. */
export function dropToOpenMs(attendee: FaultAttendee, since: number): number | null {
  const after = statusesSince(attendee, since)
  const drop = after.find((status) => status.value.state === 'closed')
  const back = drop && after.find((status) => status.at >= drop.at && status.value.state === 'open')
  return drop && back ? back.at - drop.at : null
}

/** The mission each attendee works on: its first step is one HSET, and a later block captures a session id. */
export const MISSION = 'session-manager'

/**
 * Work worth keeping, in the attendee's sandbox: a key naming it (`owner`: a sandbox two attendees
 * shared would name the later one), the mission's first step done, and the session id that
 * `SESSION.CREATE` captured. Resolves with that id.
 */
export async function doSomeWork(attendee: FaultAttendee): Promise<string> {
  await openMission(attendee, MISSION)
  const since = Date.now()
  await expectReplies(attendee, ['SET', 'owner', attendee.name], [{ t: 'str', s: 'OK' }])
  await expectReplies(
    attendee,
    [
      'HSET',
      'session:demo-1',
      'id',
      'demo-1',
      'user_key',
      'alice',
      'created_at',
      '2026-01-01T10:00:00Z',
      'last_accessed',
      '2026-01-01T10:00:00Z',
    ],
    [{ t: 'int', n: '4' }]
  )
  await progressAfter(attendee, since, (p) => p.done[MISSION]?.includes('record') ?? false, 'the first step done')
  await run(attendee, ['SESSION.CREATE', 'user123'])
  const progress = await progressAfter(attendee, since, (p) => Boolean(p.open?.captures.id), 'the session id captured')
  return progress.open!.captures.id!
}

/** Runs a command and fails (naming the attendee) unless it answers `expected`. */
export async function expectReplies(attendee: FaultAttendee, args: string[], expected: Reply[]): Promise<void> {
  const replies = await run(attendee, args)
  if (JSON.stringify(replies) !== JSON.stringify(expected)) {
    throw new Error(`${attendee.name}: ${args.join(' ')} answered ${JSON.stringify(replies)}, not ${JSON.stringify(expected)}`)
  }
}

/** `eventually` for checks that need to wait on something themselves (reading /proc, a file). */
export async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
