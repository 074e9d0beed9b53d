import { describe, expect, it } from 'vitest'
import { utf8Bytes } from '../../../../common/cli/bytes.ts'
import { plainReply, ReplyTracker, type ReplyState } from './replyTracker.ts'

describe('plainReply', () => {
  it('decodes UTF-8, drops colours and carriage returns, and the last line end', () => {
    expect(plainReply(utf8Bytes('\x1b[2mran\x1b[22m\r\n1) "caf\u00e9"\r\n2) "x"\n'))).toBe('ran\n1) "caf\u00e9"\n2) "x"')
    expect(plainReply('')).toBe('')
  })
})

describe('ReplyTracker', () => {
  it('counts a reply only once every write before it is drawn, and is idle only then', () => {
    let busy = true
    const states: ReplyState[] = []
    const tracker = new ReplyTracker(
      () => busy,
      (state) => states.push(state)
    )
    const echo = tracker.wrote()
    const output = tracker.wrote()
    tracker.replied('(integer) 1\n')
    busy = false
    const prompt = tracker.wrote()
    expect(tracker.state).toEqual({ replies: 0, lastReply: null, idle: false })
    echo()
    expect(tracker.state.replies).toBe(0)
    output()
    expect(tracker.state).toEqual({ replies: 1, lastReply: '(integer) 1', idle: false })
    prompt()
    expect(tracker.state).toEqual({ replies: 1, lastReply: '(integer) 1', idle: true })
    expect(states.at(-1)).toEqual(tracker.state)
  })

  it('counts an empty reply at once when everything is drawn, and runs whenDrawn in order', () => {
    const tracker = new ReplyTracker(
      () => false,
      () => undefined
    )
    const order: string[] = []
    tracker.replied('')
    expect(tracker.state).toEqual({ replies: 1, lastReply: '', idle: true })
    const drawn = tracker.wrote()
    tracker.whenDrawn(() => order.push('first'))
    tracker.whenDrawn(() => order.push('second'))
    expect(order).toEqual([])
    drawn()
    expect(order).toEqual(['first', 'second'])
  })
})
