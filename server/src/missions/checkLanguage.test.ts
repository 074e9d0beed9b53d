import { describe, expect, it } from 'vitest'
import { commandMatches, meets, parseCheck, type Probe } from './checkLanguage.ts'

const ran = (line: string) => parseCheck(line).probe as Extract<Probe, { kind: 'ran' }>

describe('check language', () => {
  it('reads probes, operators and labels', () => {
    expect(parseCheck('Han has 9500 :: hget session:han_solo credits = "9500"')).toEqual({
      label: 'Han has 9500',
      source: 'hget session:han_solo credits = "9500"',
      probe: { kind: 'hget', key: 'session:han_solo', field: 'credits' },
      expect: { op: '=', value: '9500' },
    })
    expect(parseCheck('ttl k between 1 3600').expect).toEqual({ op: 'between', min: 1, max: 3600 })
    expect(parseCheck('keys session:* hash = 0').probe).toEqual({ kind: 'keys', pattern: 'session:*', type: 'hash' })
    expect(parseCheck('hget k f = nil').expect).toEqual({ op: '=', value: null })
    expect(parseCheck('type k = hash').expect).toEqual({ op: '=', value: 'hash' })
    expect(parseCheck('dbsize >= 2').expect).toEqual({ op: '>=', value: 2 })
    expect(parseCheck('ran TTL|pttl k').probe).toEqual({ kind: 'ran', names: ['TTL', 'PTTL'], args: [{ literal: 'k' }] })
    expect(parseCheck('ran SCAN ... contains "a" "b"').expect).toEqual({ op: 'contains', values: ['a', 'b'] })
    // Without a label, the check's text is its label.
    expect(parseCheck('dbsize = 0').label).toBe('dbsize = 0')
  })

  it('says what is wrong with a bad check', () => {
    expect(() => parseCheck('hget onlykey = 1')).toThrow(/usage: hget KEY FIELD/)
    expect(() => parseCheck('hlen k')).toThrow(/needs an operator/)
    expect(() => parseCheck('frobnicate k = 1')).toThrow(/unknown check/)
    expect(() => parseCheck('ttl k between 10 1')).toThrow(/lower bound/)
    expect(() => parseCheck('ttl k > soon')).toThrow(/must be a number/)
    expect(() => parseCheck('hget k "unterminated = 1')).toThrow(/unterminated/)
    expect(() => parseCheck('ran X ... y')).toThrow(/may only end/)
    expect(() => parseCheck('')).toThrow(/empty/)
  })

  it('matches commands by name (any case), literal arguments, * and a final ...', () => {
    expect(commandMatches(ran('ran HGET k f'), ['hget', 'k', 'f'])).toBe(true)
    expect(commandMatches(ran('ran HGET k f'), ['HGET', 'k', 'g'])).toBe(false)
    expect(commandMatches(ran('ran HGET k f'), ['HGET', 'k', 'f', 'extra'])).toBe(false)
    expect(commandMatches(ran('ran HGET k *'), ['HGET', 'k', 'anything'])).toBe(true)
    expect(commandMatches(ran('ran HGET k *'), ['HGET', 'k'])).toBe(false)
    expect(commandMatches(ran('ran HMGET k ...'), ['HMGET', 'k', 'a', 'b'])).toBe(true)
    expect(commandMatches(ran('ran HMGET k ...'), ['HMGET', 'k'])).toBe(true)
    expect(commandMatches(ran('ran DBSIZE'), ['DBSIZE'])).toBe(true)
    expect(commandMatches(ran('ran DBSIZE'), ['DBSIZE', 'x'])).toBe(false)
    expect(commandMatches(ran('ran TTL|PTTL k'), ['pttl', 'k'])).toBe(true)
    // A quoted star is a literal argument.
    expect(commandMatches(ran('ran KEYS "*"'), ['KEYS', 'session:*'])).toBe(false)
    expect(commandMatches(ran('ran KEYS "*"'), ['KEYS', '*'])).toBe(true)
  })

  it('compares values as the reply types suggest', () => {
    expect(meets('9500', { op: '=', value: 9500 })).toBe(true)
    expect(meets('9500', { op: '=', value: '9500' })).toBe(true)
    expect(meets('9500.0', { op: '=', value: '9500' })).toBe(false)
    expect(meets(null, { op: '=', value: null })).toBe(true)
    expect(meets('', { op: '=', value: null })).toBe(false)
    expect(meets(3599, { op: 'between', min: 1, max: 3600 })).toBe(true)
    expect(meets(-2, { op: 'between', min: 1, max: 3600 })).toBe(false)
    expect(meets(['a', 'b', 'c'], { op: 'contains', values: ['c', 'a'] })).toBe(true)
    expect(meets(['a'], { op: 'contains', values: ['a', 'b'] })).toBe(false)
    expect(meets('abc', { op: 'contains', values: ['a'] })).toBe(false)
    expect(meets(undefined, null)).toBe(false)
    expect(meets(0, null)).toBe(true)
    expect(meets('x', { op: '>', value: 0 })).toBe(false)
  })
})
