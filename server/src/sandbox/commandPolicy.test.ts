import { describe, expect, it } from 'vitest'
import { decide } from './commandPolicy.ts'

const free = { subscribed: false }

describe('decide', () => {
  it('passes ordinary commands through untouched', () => {
    expect(decide(['HSET', 'h', 'f', 'v'], free)).toEqual({ kind: 'send' })
    expect(decide(['copy', 'a', 'b'], free)).toEqual({ kind: 'send' })
    expect(decide(['HELLO', '2'], free)).toEqual({ kind: 'send' })
  })

  it('refuses commands that leave the sandbox, whatever their case', () => {
    for (const args of [
      ['select', '0'],
      ['FlushAll'],
      ['CONFIG', 'GET', 'x'],
      ['client', 'kill', 'id', '1'],
      ['COPY', 'a', 'b', 'db', '0'],
    ]) {
      expect(decide(args, free)).toMatchObject({ kind: 'refuse', message: expect.stringMatching(/^NOPERM /) })
    }
    expect(decide(['CLIENT', 'INFO'], free)).toEqual({ kind: 'send' })
  })

  it('refuses HELLO 3 and HELLO with AUTH, which ACLs cannot stop', () => {
    expect(decide(['HELLO', '3'], free)).toMatchObject({ kind: 'refuse', message: expect.stringMatching(/^NOPROTO/) })
    expect(decide(['HELLO', '2', 'auth', 'u', 'p'], free)).toMatchObject({ kind: 'refuse' })
  })

  it('routes the commands the proxy answers itself', () => {
    expect(decide(['INFO'], free)).toEqual({ kind: 'info' })
    expect(decide(['PUBSUB', 'CHANNELS'], free)).toEqual({ kind: 'pubsub' })
    expect(decide(['PUBLISH', 'c', 'm'], free)).toEqual({ kind: 'publish' })
    expect(decide(['SUBSCRIBE', 'c'], free)).toEqual({ kind: 'subscribe' })
    expect(decide(['RESET'], free)).toEqual({ kind: 'reset' })
  })

  it('allows only pub/sub commands, PING, QUIT and RESET while subscribed', () => {
    const subscribed = { subscribed: true }
    expect(decide(['PSUBSCRIBE', 'x*'], subscribed)).toEqual({ kind: 'subscribe' })
    expect(decide(['UNSUBSCRIBE'], subscribed)).toEqual({ kind: 'unsubscribe' })
    expect(decide(['PING'], subscribed)).toEqual({ kind: 'unsubscribe' })
    expect(decide(['GET', 'k'], subscribed)).toEqual({
      kind: 'refuse',
      message: "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
    })
  })
})
