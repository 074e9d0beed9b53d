import { describe, expect, it } from 'vitest'
import { describeArgs, displayedHint, findEntry, hintForLine } from './hints.ts'
import { CLIENT_KILL, ENTRIES, HSET, SET } from './testing/helpEntries.ts'

const hint = (line: string) => hintForLine(ENTRIES, line, 'mixed')

describe('hints', () => {
  it('describe the full syntax for help', () => {
    expect(describeArgs(HSET)).toBe('key field value [field value ...]')
    expect(describeArgs(SET)).toBe('key value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]')
  })

  it('wait for the space after a word before matching it', () => {
    expect(hint('HSET')).toBeNull()
    expect(hint('HSET ')).toBe('key field value [field value ...]')
    expect(hint('hset k')).toBe('key field value [field value ...]')
    expect(hint('hset k ')).toBe('field value [field value ...]')
    expect(hint('HSET k f v ')).toBe('[field value ...]')
  })

  it('show only the optional arguments not yet given, the started one first', () => {
    expect(hint('SET k v ')).toBe('[NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]')
    // The trailing space is valkey-cli's too (invisible on screen).
    expect(hint('SET k v ex ')).toBe('seconds [NX|XX] [GET] ')
    expect(hint('SET k v EX 10 ')).toBe('[NX|XX] [GET] ')
    expect(hint('SET k v GET nx ')).toBe('[EX seconds|PX milliseconds|KEEPTTL]')
  })

  it('match integers only where C would scan one, and go blank when words do not fit', () => {
    expect(hint('HRANDFIELD h 2 ')).toBe('[WITHVALUES]')
    expect(hint('HRANDFIELD h x ')).toBe('')
    expect(hint('SET k v EX x ')).toBe('')
  })

  it('find subcommands by their two words and give containers an empty hint', () => {
    expect(findEntry(ENTRIES, ['client', 'kill', 'x'])).toBe(CLIENT_KILL)
    expect(hint('CLIENT ')).toBe('')
    expect(hint('CLIENT KILL ')).toBe('ip:port')
  })

  it('give nothing for unknown commands, repeat counts or broken quoting', () => {
    expect(hint('nosuch ')).toBeNull()
    expect(hint('3 HSET ')).toBeNull()
    expect(hint('HSET "open ')).toBeNull()
    expect(hint('')).toBeNull()
  })

  it('start with a space unless the line ends in one', () => {
    expect(displayedHint(ENTRIES, 'hset k', 'mixed')).toBe(' key field value [field value ...]')
    expect(displayedHint(ENTRIES, 'hset k ', 'mixed')).toBe('field value [field value ...]')
    expect(displayedHint(ENTRIES, 'HSET', 'mixed')).toBe('')
  })
})
