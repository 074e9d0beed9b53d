import { describe, expect, it } from 'vitest'
import type { Reply, ServerMessage } from '../../../common/protocol/index.ts'
import { encodeFrames } from './encodeFrames.ts'

/** A reply JSON.stringify cannot encode: nested far past the stack. */
function tooDeep(): Reply {
  const root: Reply = { t: 'arr', a: [] }
  let current = root
  for (let i = 0; i < 200_000; i++) {
    const next: Reply = { t: 'arr', a: [] }
    ;(current as { a: Reply[] }).a.push(next)
    current = next
  }
  return root
}

describe('encodeFrames', () => {
  it('sends ordinary messages as one frame', () => {
    const message: ServerMessage = { type: 'notice', level: 'info', text: 'hi' }
    expect(encodeFrames(message, () => {})).toEqual([JSON.stringify(message)])
  })

  it('replaces only the reply that cannot be encoded with an error, and keeps the others of its batch', () => {
    const logged: string[] = []
    const frames = encodeFrames(
      {
        type: 'replies',
        list: [
          { id: 1, replies: [{ t: 'str', s: 'OK' }], ms: 1 },
          { id: 2, replies: [tooDeep()], ms: 2 },
        ],
      },
      (text) => logged.push(text)
    )
    expect(frames.map((frame) => JSON.parse(frame) as unknown)).toEqual([
      { type: 'replies', list: [{ id: 1, replies: [{ t: 'str', s: 'OK' }], ms: 1 }] },
      { type: 'replies', list: [{ id: 2, replies: [{ t: 'err', s: expect.stringContaining('could not send this reply') }], ms: 2 }] },
    ])
    expect(logged).toHaveLength(1)
  })

  it('drops (and logs) any other message that cannot be encoded', () => {
    const logged: string[] = []
    expect(encodeFrames({ type: 'push', reply: tooDeep() }, (text) => logged.push(text))).toEqual([])
    expect(logged[0]).toContain('push message could not be encoded')
  })
})
