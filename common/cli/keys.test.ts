import { describe, expect, it } from 'vitest'
import { parseInput } from './keys.ts'

describe('parseInput', () => {
  it('separates text from keys and escape sequences', () => {
    expect(parseInput('ab\x1b[Dc\r')).toEqual([
      { type: 'text', text: 'ab' },
      { type: 'key', name: 'left' },
      { type: 'text', text: 'c' },
      { type: 'key', name: 'enter' },
    ])
    expect(parseInput('\x1b[3~\x1bOH\x1b[F\x01\x17')).toEqual([
      { type: 'key', name: 'delete' },
      { type: 'key', name: 'home' },
      { type: 'key', name: 'end' },
      { type: 'key', name: 'ctrl-a' },
      { type: 'key', name: 'ctrl-w' },
    ])
  })

  it('treats a pasted CRLF as one Enter and drops bracketed-paste markers', () => {
    expect(parseInput('\x1b[200~a\r\nb\x1b[201~')).toEqual([
      { type: 'text', text: 'a' },
      { type: 'key', name: 'enter' },
      { type: 'text', text: 'b' },
    ])
  })

  it('reports a lone Escape', () => {
    expect(parseInput('\x1b')).toEqual([{ type: 'key', name: 'escape' }])
  })
})
