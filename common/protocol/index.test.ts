import { describe, expect, it } from 'vitest'
import { isMissionProgress, LIMITS, parseClientMessage, plainLine } from './index.ts'

describe('parseClientMessage', () => {
  it('accepts well-formed messages', () => {
    expect(parseClientMessage('{"type":"hello","v":1,"token":null}')).toEqual({
      ok: true,
      message: { type: 'hello', v: 1, token: null, name: null },
    })
    expect(parseClientMessage('{"type":"command","id":3,"args":["GET","k\\u00ff"]}')).toEqual({
      ok: true,
      message: { type: 'command', id: 3, args: ['GET', 'k\xff'] },
    })
    expect(parseClientMessage('{"type":"cancel"}')).toEqual({ ok: true, message: { type: 'cancel' } })
  })

  it.each([
    ['not json', 'bad_json'],
    ['[1,2]', 'bad_frame'],
    ['{"type":"nope"}', 'unknown_type'],
    ['{}', 'unknown_type'],
    ['{"type":"hello","v":"1","token":null}', 'bad_frame'],
    ['{"type":"hello","v":1,"token":5}', 'bad_frame'],
    ['{"type":"command","id":"1","args":["PING"]}', 'bad_frame'],
    ['{"type":"command","id":1,"args":[]}', 'bad_frame'],
    ['{"type":"command","id":1,"args":["\\u0100"]}', 'bad_frame'],
  ])('refuses %s as %s', (text, code) => {
    const result = parseClientMessage(text)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.code).toBe(code)
  })

  it("checks inspect mode's developer tools' requests", () => {
    const search = { type: 'searchKeys', id: 4, pattern: 'spring:*', text: 'Ada', maxMatches: 100, maxKeys: 10_000 }
    expect(parseClientMessage(JSON.stringify(search))).toEqual({ ok: true, message: search })
    for (const bad of [
      { ...search, text: ' ' },
      { ...search, text: 'x'.repeat(257) },
      { ...search, pattern: '' },
      { ...search, maxMatches: 0 },
      { ...search, maxKeys: 100_001 },
      { ...search, id: -1 },
    ]) {
      expect(parseClientMessage(JSON.stringify(bad))).toMatchObject({ ok: false, code: 'bad_frame' })
    }
    expect(parseClientMessage('{"type":"stopKeySearch","id":4}')).toEqual({ ok: true, message: { type: 'stopKeySearch', id: 4 } })
    expect(parseClientMessage('{"type":"stopKeySearch"}')).toMatchObject({ ok: false, code: 'bad_frame' })
    expect(parseClientMessage('{"type":"serverView"}')).toEqual({ ok: true, message: { type: 'serverView' } })
    expect(parseClientMessage('{"type":"databasesNow"}')).toEqual({ ok: true, message: { type: 'databasesNow' } })
  })

  it('enforces the size limits', () => {
    const big = JSON.stringify({ type: 'command', id: 1, args: ['SET', 'k', 'x'.repeat(LIMITS.maxCommandBytes)] })
    expect(parseClientMessage(big)).toMatchObject({ ok: false, code: 'too_large' })
    const many = JSON.stringify({ type: 'command', id: 1, args: Array(LIMITS.maxArgs + 1).fill('a') })
    expect(parseClientMessage(many)).toMatchObject({ ok: false, code: 'too_large' })
  })
})

describe('room messages', () => {
  const parse = (value: unknown) => parseClientMessage(JSON.stringify(value))
  const refused = (value: unknown) => {
    const result = parse(value)
    return result.ok ? 'accepted' : result.code
  }

  it('takes a display name as one trimmed plain line, or null', () => {
    expect(parse({ type: 'hello', v: 1, token: null, name: '  Ada  ' })).toEqual({
      ok: true,
      message: { type: 'hello', v: 1, token: null, name: 'Ada' },
    })
    expect(parse({ type: 'setName', name: '   ' })).toEqual({ ok: true, message: { type: 'setName', name: null } })
    expect(plainLine('名前 🙂', 40)).toBe('名前 🙂')
    for (const name of ['a\nb', 'tab\there', '\u202eevil', 'x'.repeat(41), 42, ['Ada'], { name: 'Ada' }]) {
      expect(refused({ type: 'setName', name })).toBe('bad_frame')
    }
    expect(refused({ type: 'hello', v: 1, token: null, name: '\u0000' })).toBe('bad_frame')
  })

  it('bounds terminal output and its size', () => {
    const ok = { type: 'screen', data: '\x1b[1mhi\r\n\xff', cols: 80, rows: 24, reset: false }
    expect(parse(ok)).toEqual({ ok: true, message: ok })
    expect(refused({ ...ok, data: 'x'.repeat(LIMITS.maxScreenBytes + 1) })).toBe('bad_frame')
    expect(refused({ ...ok, data: 'snow \u2603' })).toBe('bad_frame')
    for (const cols of [0, 1001, 1.5, '80', null]) expect(refused({ ...ok, cols })).toBe('bad_frame')
    expect(refused({ ...ok, reset: 'yes' })).toBe('bad_frame')
  })

  it('checks every instructor message before anyone looks at it', () => {
    expect(parse({ type: 'instructorHello', v: 1, key: 'k' })).toEqual({ ok: true, message: { type: 'instructorHello', v: 1, key: 'k' } })
    expect(refused({ type: 'instructorHello', v: 1 })).toBe('bad_frame')
    expect(refused({ type: 'instructorHello', v: 1, key: 'k'.repeat(LIMITS.maxInstructorKey + 1) })).toBe('bad_frame')
    expect(refused({ type: 'instructorHello', v: 1, key: { $ne: null } })).toBe('bad_frame')
    expect(parse({ type: 'watchAttendee', attendee: null }).ok).toBe(true)
    for (const attendee of ['0123456789ABCDEF', '0123456789abcde', '__proto__', 7]) {
      expect(refused({ type: 'watchAttendee', attendee })).toBe('bad_frame')
      expect(refused({ type: 'resetSandbox', attendee })).toBe('bad_frame')
      expect(refused({ type: 'clearHelp', attendee })).toBe('bad_frame')
    }
    expect(parse({ type: 'clearHelp', attendee: '0123456789abcdef' }).ok).toBe(true)
    expect(parse({ type: 'withdrawAnnouncement', extra: 1 })).toEqual({ ok: true, message: { type: 'withdrawAnnouncement' } })
    expect(parse({ type: 'askHelp', on: true })).toEqual({ ok: true, message: { type: 'askHelp', on: true } })
    for (const on of ['true', 1, null, undefined]) expect(refused({ type: 'askHelp', on })).toBe('bad_frame')
    expect(parse({ type: 'broadcast', text: ' Go! ', mission: 'cantina-sessions', step: 'expire' })).toEqual({
      ok: true,
      message: { type: 'broadcast', text: 'Go!', mission: 'cantina-sessions', step: 'expire' },
    })
    expect(parse({ type: 'broadcast', mission: 'cantina-sessions', step: null }).ok).toBe(true)
    expect(refused({ type: 'broadcast', text: '', mission: null, step: null })).toBe('bad_frame')
    expect(refused({ type: 'broadcast', text: 'x', mission: null, step: 'expire' })).toBe('bad_frame')
    expect(refused({ type: 'broadcast', text: 'x', mission: '../etc', step: null })).toBe('bad_frame')
    expect(refused({ type: 'broadcast', text: 'x'.repeat(LIMITS.maxAnnouncement + 1), mission: null, step: null })).toBe('bad_frame')
    expect(parse({ type: 'stuckRules', rules: { afterSeconds: 5, errors: 1 } }).ok).toBe(true)
    for (const rules of [{ afterSeconds: 4, errors: 1 }, { afterSeconds: 5, errors: 0 }, { afterSeconds: 1e9, errors: 1 }, null, [5, 1]]) {
      expect(refused({ type: 'stuckRules', rules })).toBe('bad_frame')
    }
  })
})

describe('mission progress, as the page checks it', () => {
  it('accepts a well-formed report and drops a malformed one', () => {
    const good = {
      type: 'missionProgress',
      done: { a: ['s1'] },
      open: { id: 'a', checks: { s1: [true] }, lines: { s1: [{ state: 'failing', why: 'the TTL is 5 s' }] }, captures: { id: 'x' } },
    }
    expect(isMissionProgress(good)).toBe(true)
    expect(isMissionProgress({ ...good, open: null })).toBe(true)
    expect(isMissionProgress({ ...good, open: { ...good.open, lines: { s1: [{ state: 'maybe', why: null }] } } })).toBe(false)
    expect(isMissionProgress({ ...good, open: { ...good.open, lines: { s1: [{ state: 'ok', why: 3 }] } } })).toBe(false)
    expect(isMissionProgress({ ...good, open: { ...good.open, lines: undefined } })).toBe(false)
    expect(isMissionProgress({ ...good, done: { a: [1] } })).toBe(false)
    expect(isMissionProgress(null)).toBe(false)
  })
})
