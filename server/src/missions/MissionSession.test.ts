/**
 * The mission session's rules, with the sandbox faked by a map (the real
 * thing is exercised by server/test/missions.test.ts).
 */
import { describe, expect, it } from 'vitest'
import type { MissionProgressMessage, Reply, ServerInfo } from '../../../common/protocol/index.ts'
import type { MissionCatalog } from './MissionCatalog.ts'
import { MissionSession, replyValue } from './MissionSession.ts'
import { parseMission } from './parseMission.ts'
import type { ProgressStore } from './ProgressStore.ts'

const server: ServerInfo = { address: '', valkeyVersion: '9.1.2', embedded: true, features: { hashFieldExpiration: true } }
const mission = parseMission(
  '---\nid: demo\ntitle: Demo\nminutes: 1\n---\n' +
    '## Set it {#set}\n\n```check\nhget h f = "1"\n```\n\n' +
    '## Read it {#read}\n\n```check\nran HGET h f = 2\n```\n'
)
const catalog = { get: (id: string) => (id === 'demo' ? mission : null) } as unknown as MissionCatalog

function setup() {
  const data = new Map<string, string>()
  const calls: string[] = []
  const saved: Record<string, string[]> = {}
  const store = {
    load: async () => ({ progress: {}, captures: {} }),
    saveCaptures: async () => undefined,
    save: async (_db: number, id: string, done: string[]) => void (saved[id] = done),
    clear: async (_db: number, id?: string) => {
      calls.push(`clear ${id}`)
      if (id) delete saved[id]
    },
  } as unknown as ProgressStore
  const sent: MissionProgressMessage[] = []
  const query = async (args: string[]): Promise<Reply> => {
    calls.push(args[0]!)
    if (args[0] === 'FLUSHDB') {
      data.clear()
      return { t: 'str', s: 'OK' }
    }
    const value = data.get(args[2]!)
    return value === undefined ? { t: 'nil' } : { t: 'bulk', s: value }
  }
  const session = new MissionSession({
    catalog,
    store,
    db: 3,
    server,
    query,
    send: (message) => sent.push(message as MissionProgressMessage),
  })
  const last = () => sent.at(-1)!
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20))
  return { data, calls, saved, sent, session, last, settle }
}

describe('mission session', () => {
  it('marks a step done when its checks hold, and keeps it done when the data changes later', async () => {
    const { data, saved, session, last, settle } = setup()
    session.open('demo')
    await settle()
    expect(last().open).toEqual({
      id: 'demo',
      checks: { set: [false], read: [false] },
      // The first step says why it is not done; the second is not reached yet.
      lines: {
        set: [{ state: 'failing', why: 'the field f does not exist; this step wants "1"' }],
        read: [{ state: 'waiting', why: null }],
      },
      captures: {},
    })
    data.set('f', '1')
    session.event()
    await settle()
    expect(last().done).toEqual({ demo: ['set'] })
    expect(saved.demo).toEqual(['set'])
    data.set('f', '2')
    session.event()
    await settle()
    expect(last().done).toEqual({ demo: ['set'] })
    expect(last().open!.checks.set).toEqual([true])
  })

  it('counts replies to matching commands only when they are real answers', async () => {
    const { session, last, settle } = setup()
    session.open('demo')
    session.commandReplied(['HGET', 'h', 'f'], [{ t: 'err', s: 'WRONGTYPE' }])
    session.commandReplied(['HGET', 'h', 'f'], [{ t: 'str', s: 'QUEUED' }])
    session.commandReplied(['HGET', 'h', 'g'], [{ t: 'bulk', s: '2' }])
    await settle()
    expect(last().open!.checks.read).toEqual([false])
    session.commandReplied(['hget', 'h', 'f'], [{ t: 'bulk', s: '2' }])
    await settle()
    expect(last().done.demo).toEqual(['read'])
  })

  it('checks nothing for a mission it does not know or cannot run', async () => {
    const { calls, session, last, settle } = setup()
    session.open('nope')
    await settle()
    expect(last().open).toBeNull()
    session.event()
    await settle()
    expect(calls).toEqual([])
  })

  it('empties the sandbox before forgetting progress, so no step passes again on the old data', async () => {
    const { data, calls, session, last, settle } = setup()
    data.set('f', '1')
    session.open('demo')
    await settle()
    expect(last().done.demo).toEqual(['set'])
    calls.length = 0
    session.reset('demo')
    await settle()
    expect(calls.slice(0, 2)).toEqual(['FLUSHDB', 'clear demo'])
    expect(last().done.demo).toBeUndefined()
    expect(last().open!.checks.set).toEqual([false])
  })

  it('turns replies into comparable values', () => {
    expect(replyValue({ t: 'int', n: '-2' })).toBe(-2)
    expect(replyValue({ t: 'bulk', s: 'caf\xc3\xa9' })).toBe('café')
    expect(replyValue({ t: 'nil' })).toBeNull()
    expect(replyValue({ t: 'err', s: 'ERR' })).toBeUndefined()
    expect(
      replyValue({
        t: 'arr',
        a: [
          { t: 'bulk', s: '0' },
          {
            t: 'arr',
            a: [
              { t: 'bulk', s: 'k1' },
              { t: 'int', n: '5' },
            ],
          },
        ],
      })
    ).toEqual(['0', 'k1', '5'])
  })
})

describe('values captured from replies', () => {
  const id = '8f0f964d-1e9b-4f25-9567-0b9b5d32a7c1'
  const withCapture = parseMission(
    '---\nid: cap\ntitle: Cap\nminutes: 1\n---\n' +
      '## Create {#create}\n\n```valkey\nSESSION.CREATE user123\n```\n\n' +
      '```response\n-> FCALL session_create 3 custom:map sessions session:{{capture id uuid}} user123 {{capture id uuid}}\nSession created: {{capture id uuid}}\n```\n\n' +
      '```check\nran SESSION.CREATE user123\n```\n\n' +
      '## Use {#use}\n\n```valkey\nSESSION.ADD_DATA {{id}} username "John Doe"\n```\n\n```response\n-> {{any}}\nOK\n```\n\n' +
      '```check\nThe data is stored :: hget session:{{id}}:data username = "John Doe"\nran SESSION.ADD_DATA {{id}} username ...\n```\n'
  )

  it('takes them from the reply to the capturing block, fills them into checks, and saves them', async () => {
    const reads: string[][] = []
    const savedCaptures: Record<string, Record<string, string>> = {}
    const sent: MissionProgressMessage[] = []
    const session = new MissionSession({
      catalog: { get: () => withCapture } as unknown as MissionCatalog,
      store: {
        load: async () => ({ progress: {}, captures: {} }),
        save: async () => undefined,
        saveCaptures: async (_db: number, mission: string, values: Record<string, string>) => void (savedCaptures[mission] = values),
        clear: async () => undefined,
      } as unknown as ProgressStore,
      db: 1,
      server,
      query: async (args) => {
        reads.push(args)
        return args[1] === `session:${id}:data` ? { t: 'bulk', s: 'John Doe' } : { t: 'nil' }
      },
      send: (message) => sent.push(message as MissionProgressMessage),
    })
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20))
    session.open('cap')
    await settle()
    expect(sent.at(-1)!.open!.captures).toEqual({})
    // A check about a value not captured yet neither holds nor reads a key with {{id}} in it.
    expect(sent.at(-1)!.open!.checks.use).toEqual([false, false])
    expect(reads.some((args) => args.some((arg) => arg.includes('{{')))).toBe(false)
    // Another command, or the right one with another reply, captures nothing.
    session.commandReplied(['SESSION.CREATE', 'other'], [{ t: 'str', s: `Session created: ${id}` }], ['FCALL'])
    session.commandReplied(['SESSION.CREATE', 'user123'], [{ t: 'str', s: `Session exists: ${id}` }], ['FCALL'])
    await settle()
    expect(sent.at(-1)!.open!.captures).toEqual({})
    const ran = ['FCALL', 'session_create', '3', 'custom:map', 'sessions', `session:${id}`, 'user123', id]
    session.commandReplied(['session.create', 'user123'], [{ t: 'str', s: `Session created: ${id}` }], ran)
    await settle()
    expect(sent.at(-1)!.open!.captures).toEqual({ id })
    expect(savedCaptures).toEqual({ cap: { id } })
    // Captured once: the same command again (a new session) does not replace the value the blocks use.
    const other = '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5'
    session.commandReplied(
      ['SESSION.CREATE', 'user123'],
      [{ t: 'str', s: `Session created: ${other}` }],
      ['FCALL', 'session_create', '3', 'custom:map', 'sessions', `session:${other}`, 'user123', other]
    )
    await settle()
    expect(sent.at(-1)!.open!.captures).toEqual({ id })
    expect(sent.at(-1)!.done.cap).toEqual(['create'])
    // The next step's checks read the captured key, and its ran check matches the filled arguments.
    session.commandReplied(['SESSION.ADD_DATA', id, 'username', 'John Doe'], [{ t: 'str', s: 'OK' }], ['FCALL'])
    await settle()
    expect(reads).toContainEqual(['HGET', `session:${id}:data`, 'username'])
    expect(sent.at(-1)!.done.cap).toEqual(['create', 'use'])
  })
})

describe('captureFrom, with hostile replies', () => {
  it('takes no value longer than MAX_CAPTURE_CHARS, and nothing from a reply of another shape', async () => {
    const { captureFrom, captureSources, MAX_CAPTURE_CHARS } = await import('./captures.ts')
    const mission = parseMission(
      '---\nid: w\ntitle: W\nminutes: 1\n---\n## Get {#get}\n\n```valkey\nGET token\n```\n\n```response\n"{{capture token}}"\n```\n\n```check\nran GET token\n```\n'
    )
    const sources = captureSources(mission)
    const reply = (s: string): Reply[] => [{ t: 'bulk', s }]
    expect(captureFrom(sources, {}, ['GET', 'token'], reply('abc'), undefined)).toEqual({ token: 'abc' })
    expect(captureFrom(sources, {}, ['GET', 'token'], reply('x'.repeat(MAX_CAPTURE_CHARS + 1)), undefined)).toBeNull()
    expect(captureFrom(sources, {}, ['GET', 'token'], reply('two words'), undefined)).toBeNull()
    expect(
      captureFrom(sources, {}, ['GET', 'token'], [{ t: 'arr', a: Array.from({ length: 1000 }, () => ({ t: 'nil' }) as Reply) }], undefined)
    ).toBeNull()
    expect(captureFrom(sources, {}, ['GET', 'other'], reply('abc'), undefined)).toBeNull()
  })
})
