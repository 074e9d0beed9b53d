import { describe, expect, it } from 'vitest'
import { globMatch } from './glob.ts'

describe('globMatch (Valkey stringmatchlen rules)', () => {
  it('matches stars, question marks and literal text', () => {
    expect(globMatch('*', '')).toBe(true)
    expect(globMatch('session:*', 'session:han_solo')).toBe(true)
    expect(globMatch('session:*', 'sessions')).toBe(false)
    expect(globMatch('h?llo', 'hello')).toBe(true)
    expect(globMatch('h?llo', 'hllo')).toBe(false)
    expect(globMatch('a*b*c', 'axxbyyc')).toBe(true)
    expect(globMatch('a*b*c', 'axxbyy')).toBe(false)
  })

  it('matches classes, negation, ranges and escapes', () => {
    expect(globMatch('h[ae]llo', 'hallo')).toBe(true)
    expect(globMatch('h[^e]llo', 'hello')).toBe(false)
    expect(globMatch('h[a-b]llo', 'hbllo')).toBe(true)
    expect(globMatch('h[z-a]llo', 'hmllo')).toBe(true) // reversed ranges are swapped
    expect(globMatch('a\\*', 'a*')).toBe(true)
    expect(globMatch('a\\*', 'ab')).toBe(false)
  })

  it('works on byte strings', () => {
    expect(globMatch('bin:*', 'bin:\x00\xff')).toBe(true)
  })
})
