import { describe, expect, it } from 'vitest'
import { CompletionTopics } from './completion.ts'
import { ENTRIES } from './testing/helpEntries.ts'

describe('Tab completion candidates', () => {
  const topics = new CompletionTopics(ENTRIES)

  it('complete the whole line to upper-case command names, in strcmp order', () => {
    expect(topics.candidates('h')).toEqual(['HRANDFIELD', 'HSET'])
    expect(topics.candidates('client k')).toEqual(['CLIENT KILL'])
    expect(topics.candidates('c')).toEqual(['CLIENT', 'CLIENT KILL'])
  })

  it('offer nothing past the command', () => {
    expect(topics.candidates('hset k ')).toEqual([])
    expect(topics.candidates('zzz')).toEqual([])
  })

  it('offer groups after help, keeping what was typed', () => {
    expect(topics.candidates('help @')).toEqual(['help @connection', 'help @hash', 'help @server', 'help @string'])
    expect(topics.candidates('HELP  hs')).toEqual(['HELP  HSET'])
    expect(topics.candidates('help ').slice(0, 2)).toEqual(['help @connection', 'help @hash'])
  })
})
