import { describe, expect, it } from 'vitest'
import { LIMITS, parseClientMessage } from './protocol.ts'

describe('parseClientMessage', () => {
  it('accepts well-formed messages', () => {
    expect(parseClientMessage('{"type":"hello","v":1,"token":null}')).toEqual({ ok: true, message: { type: 'hello', v: 1, token: null } })
    expect(parseClientMessage('{"type":"command","id":3,"args":["GET","k\\u00ff"]}')).toEqual({
      ok: true,
      message: { type: 'command', id: 3, args: ['GET', 'k\xff'] },
    })
    expect(parseClientMessage('{"type":"cancel"}')).toEqual({ ok: true, message: { type: 'cancel' } })
  })

  it.each([
    ['not json', 'bad_json'],
    ['[1,2]', 'bad_frame'],
    ['{"type":"nope"}', 'unknown_type'],
    ['{}', 'unknown_type'],
    ['{"type":"hello","v":"1","token":null}', 'bad_frame'],
    ['{"type":"hello","v":1,"token":5}', 'bad_frame'],
    ['{"type":"command","id":"1","args":["PING"]}', 'bad_frame'],
    ['{"type":"command","id":1,"args":[]}', 'bad_frame'],
    ['{"type":"command","id":1,"args":["\\u0100"]}', 'bad_frame'],
  ])('refuses %s as %s', (text, code) => {
    const result = parseClientMessage(text)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.code).toBe(code)
  })

  it('enforces the size limits', () => {
    const big = JSON.stringify({ type: 'command', id: 1, args: ['SET', 'k', 'x'.repeat(LIMITS.maxCommandBytes)] })
    expect(parseClientMessage(big)).toMatchObject({ ok: false, code: 'too_large' })
    const many = JSON.stringify({ type: 'command', id: 1, args: Array(LIMITS.maxArgs + 1).fill('a') })
    expect(parseClientMessage(many)).toMatchObject({ ok: false, code: 'too_large' })
  })
})
