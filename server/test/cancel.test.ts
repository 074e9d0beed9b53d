/**
 * Ctrl-C (a `cancel` frame) unblocks a blocking command, also when it comes
 * right behind the command, before Valkey has blocked the client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playground } from '../src/app.ts'
import type { ServerMessage } from '../../common/protocol/index.ts'
import { bulk, eventually, startTestPlayground, TestClient } from './helpers.ts'

describe('Ctrl-C on a blocking command', () => {
  let playground: Playground

  beforeAll(async () => {
    playground = await startTestPlayground()
  })
  afterAll(async () => {
    await playground?.close()
  })

  /** Polls an async check until it gives something other than undefined (bounded: 10 s). */
  const until = async <T>(check: () => Promise<T | undefined>, what: string): Promise<T> => {
    const deadline = Date.now() + 10_000
    for (;;) {
      const value = await check()
      if (value !== undefined) return value
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  const replyTo = (client: TestClient, id: number) =>
    eventually(
      () => client.messages.find((m): m is Extract<ServerMessage, { type: 'reply' }> => m.type === 'reply' && m.id === id),
      `reply ${id}`,
      5000
    )

  it('unblocks it when the cancel arrives in the same breath as the command', async () => {
    const client = await TestClient.connect(playground.port)
    // Ids far from the ones TestClient.run picks (1, 2, ...).
    for (let id = 101; id <= 105; id++) {
      client.sendJson({ type: 'command', id, args: ['BLPOP', 'nothing', '0'] })
      client.sendJson({ type: 'cancel' })
      const reply = await replyTo(client, id)
      expect(reply.replies).toEqual([{ t: 'err', s: 'UNBLOCKED client unblocked via CLIENT UNBLOCK' }])
    }
    expect(await client.one('ECHO', 'still here')).toEqual(bulk('still here'))
    client.close()
  })

  it('unblocks it once it is blocked', async () => {
    const client = await TestClient.connect(playground.port)
    client.sendJson({ type: 'command', id: 101, args: ['BLPOP', 'nothing', '0'] })
    // Blocked for real: Valkey lists a client blocked in BLPOP (flag b).
    await until(async () => {
      const clients = String(await playground.admin.call('client', 'list'))
      return clients.split('\n').some((line) => /\bflags=\w*b/.test(line) && /\bcmd=blpop\b/.test(line)) ? true : undefined
    }, 'the BLPOP to block')
    client.sendJson({ type: 'cancel' })
    expect((await replyTo(client, 101)).replies[0]).toMatchObject({ t: 'err' })
    client.close()
  })
})
