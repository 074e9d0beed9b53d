import { describe, expect, it } from 'vitest'
import { stripNames, stripPubSubReply } from './channels.ts'

const bulk = (s: string) => ({ t: 'bulk' as const, s })
const P = 'playground:4:'

describe('channel prefixes', () => {
  it('strips the prefix from confirmations and messages', () => {
    expect(stripPubSubReply({ t: 'arr', a: [bulk('subscribe'), bulk(`${P}news`), { t: 'int', n: '1' }] }, P)).toEqual({
      t: 'arr',
      a: [bulk('subscribe'), bulk('news'), { t: 'int', n: '1' }],
    })
    expect(stripPubSubReply({ t: 'arr', a: [bulk('pmessage'), bulk(`${P}n*`), bulk(`${P}news`), bulk(`${P}payload`)] }, P)).toEqual({
      t: 'arr',
      a: [bulk('pmessage'), bulk('n*'), bulk('news'), bulk(`${P}payload`)],
    })
  })

  it('keeps only names inside the sandbox', () => {
    expect(stripNames([`${P}a`, 'playground:5:b', `${P}c`], P)).toEqual(['a', 'c'])
  })
})
