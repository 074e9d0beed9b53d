/**
 * The fair share paces a flooding terminal (a burst, then half the time; a rest after each heavy
 * command that took long) but changes nothing it sees: every command runs, each reply is the one
 * Valkey gave, and they come back in the order the commands were sent. A neighbour in another
 * sandbox is answered meanwhile. No timing is asserted: the machine is shared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playground } from '../src/app.ts'
import type { Reply, ServerMessage } from '../../common/protocol/index.ts'
import { bulk, eventually, int, startTestPlayground, TestClient } from './helpers.ts'

const LINES = 3000
/** 1 KB values: the paste keeps the terminal busy well past its burst. */
const value = (i: number) => `${i}:`.padEnd(1024, 'v')
/** The page's own framing: 128 commands a frame. */
const FRAME = 128

type Command = { id: number; args: string[]; expect: (reply: Reply) => void }

/** HGETALL's flat field, value, ... array (RESP2) as sorted `field=value` texts. */
const pairs = (reply: Reply): string[] => {
  expect(reply.t).toBe('arr')
  const texts = reply.t === 'arr' ? reply.a.map((item) => (item as { s: string }).s) : []
  const list: string[] = []
  for (let i = 0; i + 1 < texts.length; i += 2) list.push(`${texts[i]}=${texts[i + 1]}`)
  return list.sort()
}

describe('fair share: the flooding terminal still gets every reply, in order', () => {
  let playground: Playground

  beforeAll(async () => {
    playground = await startTestPlayground()
  })
  afterAll(async () => {
    await playground?.close()
  })

  it('answers a paste of 1 KB HSETs with KEYS and HGETALL among them, whole and in order', async () => {
    const attacker = await TestClient.connect(playground.port)
    const victim = await TestClient.connect(playground.port)
    expect(await victim.one('HSET', 'session:leia', 'username', 'leia')).toEqual(int(1))
    // A hash big enough that HGETALL is a heavy command that takes a while.
    const big: string[] = []
    for (let i = 0; i < 5000; i++) big.push(`field${i}`, `value${i}`)
    expect(await attacker.one('HSET', 'big', ...big)).toEqual(int(5000))
    const bigPairs = Array.from({ length: 5000 }, (_, i) => `field${i}=value${i}`).sort()

    const commands: Command[] = []
    let id = 1000
    for (let i = 0; i < LINES; i++) {
      commands.push({ id: id++, args: ['HSET', 'paste', `f${i}`, value(i)], expect: (r) => expect(r).toEqual(int(1)) })
      if (i % 500 === 499) {
        const count = i + 1
        commands.push({ id: id++, args: ['HLEN', 'paste'], expect: (r) => expect(r).toEqual(int(count)) })
        commands.push({ id: id++, args: ['HGETALL', 'big'], expect: (r) => expect(pairs(r)).toEqual(bigPairs) })
        commands.push({
          id: id++,
          args: ['KEYS', '*'],
          expect: (r) => expect(r.t === 'arr' ? r.a.map((k) => (k as { s: string }).s).sort() : r).toEqual(['big', 'paste']),
        })
        commands.push({ id: id++, args: ['HGET', 'paste', `f${i}`], expect: (r) => expect(r).toEqual(bulk(value(i))) })
      }
    }
    for (let start = 0; start < commands.length; start += FRAME) {
      attacker.sendJson({ type: 'commands', list: commands.slice(start, start + FRAME).map(({ id, args }) => ({ id, args })) })
    }

    // The neighbour is answered while the paste is paced.
    for (let i = 0; i < 5; i++) expect(await victim.one('HGET', 'session:leia', 'username')).toEqual(bulk('leia'))

    const last = commands.at(-1)!.id
    await eventually(() => attacker.replyTo(last), 'the last reply of the paste', 120_000)
    const replies = attacker.of('reply').filter((m) => m.id >= 1000)
    // Exactly one reply per command, in the order sent.
    expect(replies.map((m) => m.id)).toEqual(commands.map((c) => c.id))
    replies.forEach((message: Extract<ServerMessage, { type: 'reply' }>, i) => {
      expect(message.replies).toHaveLength(1)
      commands[i]!.expect(message.replies[0]!)
    })
    expect(await attacker.one('HLEN', 'paste')).toEqual(int(LINES))
    attacker.close()
    victim.close()
  }, 180_000)
})
