import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { clientAddress } from './clientAddress.ts'

const request = (peer: string, forwarded?: string | string[]) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  }) as unknown as IncomingMessage

describe('clientAddress', () => {
  it('is the TCP peer when no proxy is trusted, whatever the header says', () => {
    expect(clientAddress(request('::ffff:10.0.0.7', '1.2.3.4'), [])).toBe('10.0.0.7')
  })
  it('believes X-Forwarded-For only from a trusted proxy, taking the right-most untrusted hop', () => {
    const trusted = ['127.0.0.1', '10.0.0.2']
    expect(clientAddress(request('127.0.0.1', '203.0.113.9'), trusted)).toBe('203.0.113.9')
    // A visitor's own forged entry stays on the left; the one our proxy appended wins.
    expect(clientAddress(request('127.0.0.1', '6.6.6.6, 203.0.113.9'), trusted)).toBe('203.0.113.9')
    // Two proxies we trust in a row.
    expect(clientAddress(request('::ffff:127.0.0.1', ['203.0.113.9, 10.0.0.2']), trusted)).toBe('203.0.113.9')
    // An untrusted peer's header is ignored.
    expect(clientAddress(request('198.51.100.1', '203.0.113.9'), trusted)).toBe('198.51.100.1')
    // No header from a trusted proxy: the proxy itself.
    expect(clientAddress(request('127.0.0.1'), trusted)).toBe('127.0.0.1')
  })

  it('copes with a hostile header from a trusted proxy: empty entries, junk, thousands of hops', () => {
    const trusted = ['127.0.0.1']
    expect(clientAddress(request('127.0.0.1', ' , ,, '), trusted)).toBe('127.0.0.1')
    expect(clientAddress(request('127.0.0.1', 'not-an-address'), trusted)).toBe('not-an-address')
    const many = Array.from({ length: 5000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`).join(',')
    expect(clientAddress(request('127.0.0.1', many), trusted)).toBe('10.0.19.135')
  })
})
