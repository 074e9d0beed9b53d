import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../../common/protocol/index.ts'
import { parseRoomEvent, parseWatchEvent } from './roomMessages.ts'

describe('messages on the room channels', () => {
  it('drops anything that is not one of the room messages, without throwing', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    const hostile = [
      '',
      'not json',
      'null',
      '42',
      '"text"',
      '[]',
      deep,
      '{"t":"row"}',
      '{"from":7,"t":"alive"}',
      '{"from":"p","t":"row","row":{"id":1},"count":1}',
      '{"from":"p","t":"removed","number":"1","id":"a"}',
      '{"from":"p","t":"announcement","announcement":{"id":"x"}}',
      '{"from":"p","t":"rules","rules":{"afterSeconds":-1}}',
      '{"from":"p","t":"watch","watch":1,"attendee":"a"}',
      '{"from":"p","t":"nonsense"}',
      '{"__proto__":{"polluted":true},"from":"p","t":"unwatch"}',
    ]
    for (const text of hostile) expect(parseRoomEvent(text)).toBeNull()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    for (const text of [
      '',
      deep,
      '{"t":"screen","watch":"w","message":{"data":5}}',
      '{"t":"viewing","watch":"w","key":3}',
      '{"t":"emptied"}',
    ]) {
      expect(parseWatchEvent(text)).toBeNull()
    }
  })

  it('drops a message larger than one frame before parsing it', () => {
    const huge = JSON.stringify({ t: 'emptied', watch: 'w', pad: 'x'.repeat(LIMITS.maxFrameBytes) })
    expect(parseWatchEvent(huge)).toBeNull()
    expect(parseRoomEvent(JSON.stringify({ t: 'alive', from: 'p', pad: 'x'.repeat(LIMITS.maxFrameBytes) }))).toBeNull()
  })

  it('takes the messages it knows', () => {
    expect(parseRoomEvent('{"t":"alive","from":"p"}')).toEqual({ t: 'alive', from: 'p' })
    expect(parseRoomEvent('{"t":"unwatch","from":"p","watch":"w"}')).toEqual({ t: 'unwatch', from: 'p', watch: 'w' })
    expect(parseWatchEvent('{"t":"viewing","watch":"w","key":null}')).toEqual({ t: 'viewing', watch: 'w', key: null })
  })
})
