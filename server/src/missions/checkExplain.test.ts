import { describe, expect, it } from 'vitest'
import { explainFailure } from './checkExplain.ts'
import { parseCheck, type CheckValue } from './checkLanguage.ts'

const why = (line: string, value: CheckValue | undefined) => {
  const check = parseCheck(line)
  return explainFailure(check, check.probe, value)
}

describe('why a check fails, in words', () => {
  it('says the TTL found and the bound missed', () => {
    expect(why('ttl session:han_solo between 1 3600', 35999)).toBe('the TTL is 35,999 s; this step wants at most 3,600')
    expect(why('ttl k between 10 3600', 5)).toBe('the TTL is 5 s; this step wants at least 10')
    expect(why('ttl k between 1 3600', -1)).toBe('k has no TTL; this step wants 1 to 3,600')
    expect(why('ttl k between 1 3600', -2)).toBe('k does not exist; this step wants 1 to 3,600')
    expect(why('pttl k > 0', -1)).toBe('k has no TTL; this step wants more than 0 ms')
    expect(why('pttl k between 1 5000', 90000)).toBe('the TTL is 90,000 ms; this step wants at most 5,000 ms')
    expect(why('httl k f between 1 120', -1)).toBe('the field f has no expiry; this step wants 1 to 120')
    expect(why('httl k f between 1 120', -2)).toBe('the field f does not exist; this step wants 1 to 120')
    expect(why('httl k f between 1 120', 300)).toBe("the field's TTL is 300 s; this step wants at most 120")
  })

  it('says what a hash holds', () => {
    expect(why('hget session:han_solo credits = "9500"', '10000')).toBe('the field credits is "10000"; this step wants "9500"')
    expect(why('hget k credits = "9500"', null)).toBe('the field credits does not exist; this step wants "9500"')
    expect(why('hget k credits = nil', '3')).toBe('the field credits is "3"; this step wants it gone')
    expect(why('hexists k volume = 0', 1)).toBe('the field volume exists; this step wants it gone')
    expect(why('hexists k volume = 1', 0)).toBe('the field volume does not exist; this step wants it to exist')
    expect(why('hlen k = 6', 4)).toBe('the hash has 4 fields; this step wants 6')
  })

  it('says what the keys are', () => {
    expect(why('exists k = 0', 1)).toBe('k exists; this step wants it gone')
    expect(why('exists k = 1', 0)).toBe('k does not exist; this step wants it to exist')
    expect(why('type k = hash', 'string')).toBe('k is a string; this step wants a hash')
    expect(why('type k = hash', 'none')).toBe('k does not exist; this step wants a hash')
    expect(why('keys session:* hash = 0', 3)).toBe('3 keys match session:* (type hash); this step wants 0')
    expect(why('keys x:* = 2', 1)).toBe('1 key matches x:*; this step wants 2')
    expect(why('dbsize >= 2', 1)).toBe('the sandbox has 1 key; this step wants at least 2')
    expect(why('dbsize != 0', 0)).toBe('the sandbox has 0 keys; this step wants anything but 0')
    expect(why('dbsize < 3', 5)).toBe('the sandbox has 5 keys; this step wants less than 3')
  })

  it('says which command is still to run, or what it answered', () => {
    expect(why('ran TTL|PTTL k', undefined)).toBe('you have not run TTL or PTTL here yet')
    expect(why('ran HDEL k volume = 1', 0)).toBe('HDEL last answered 0; this step wants 1')
    expect(why('ran HGET k f = "9500"', null)).toBe('HGET last answered (nil); this step wants "9500"')
    expect(why('ran SCAN ... contains "a" "b"', ['a'])).toBe('SCAN last answered a list of 1; this step wants a list holding "a", "b"')
    expect(why('hlen k = 6', undefined)).toBe('could not be read just now')
  })
})
