import { describe, expect, it } from 'vitest'
import { initialState, reduce, remainingMs, select, startLoadAll, stopLoadAll, switchDb } from './inspectorStore.ts'

const meta = { type: 'hash', expiresAt: null, length: 2, encoding: 'listpack', memory: 80, memoryExact: true }

describe('inspectorStore', () => {
  it('keeps the key list sorted and live, with the server clock offset', () => {
    let state = reduce(
      initialState,
      { type: 'keys', pattern: '*', keys: [{ key: 'b', type: 'hash', expiresAt: null }], cursor: '0', now: 1_500 },
      1_000
    )
    expect(state.clockOffset).toBe(500)
    state = reduce(state, { type: 'keyChanged', key: 'a', info: { key: 'a', type: 'string', expiresAt: 9_000 }, now: 2_500 }, 2_000)
    expect(state.keys.map((k) => k.key)).toEqual(['a', 'b'])
    expect(state.keyChangedAt.get('a')).toBe(2_000)
    state = reduce(state, { type: 'keyChanged', key: 'b', info: null, now: 2_500 }, 2_000)
    expect(state.keys.map((k) => k.key)).toEqual(['a'])
    // A list for a pattern the page no longer shows is ignored.
    expect(reduce(state, { type: 'keys', pattern: 'old*', keys: [], cursor: '0', now: 0 }, 0)).toBe(state)
  })

  it('names the fields of a hexpired event when the open hash lost fields whose TTL had run out', () => {
    let state = select(initialState, 'otp')
    const fields = [
      { field: 'code', value: '1234', expiresAt: 10_000 },
      { field: 'note', value: 'x', expiresAt: null },
      { field: 'later', value: 'y', expiresAt: 90_000 },
    ]
    state = reduce(state, { type: 'keyView', key: 'otp', meta, match: '*', fields, items: [], cursor: '0', value: null, now: 0 }, 0)
    state = reduce(state, { type: 'keyEvents', list: [{ key: 'otp', event: 'hexpired', at: 10_001 }] }, 10_001)
    // HDEL of a field with a TTL still far away is not an expiry.
    state = reduce(state, { type: 'fieldsChanged', key: 'otp', meta, upsert: [], removed: ['code', 'later'], now: 10_050 }, 10_050)
    expect(state.events[0]).toMatchObject({ event: 'hexpired', key: 'otp', fields: ['code'] })
    // Without such a field nothing is named.
    const before = state.events
    state = reduce(state, { type: 'fieldsChanged', key: 'otp', meta, upsert: [], removed: ['note'], now: 20_000 }, 20_000)
    expect(state.events).toBe(before)
  })

  it('applies field changes in place, appends new fields and drops removed ones', () => {
    let state = select(initialState, 'h')
    state = reduce(
      state,
      {
        type: 'keyView',
        key: 'h',
        meta,
        match: '*',
        fields: [
          { field: 'a', value: '1', expiresAt: null },
          { field: 'b', value: '2', expiresAt: null },
        ],
        items: [],
        cursor: '0',
        value: null,
        now: 0,
      },
      0
    )
    state = reduce(
      state,
      {
        type: 'fieldsChanged',
        key: 'h',
        upsert: [
          { field: 'c', value: '3', expiresAt: 5_000 },
          { field: 'a', value: '10', expiresAt: null },
        ],
        removed: ['b'],
        meta,
        now: 0,
      },
      100
    )
    expect(state.view!.fields.map((f) => [f.field, f.value, f.changedAt])).toEqual([
      ['a', '10', 100],
      ['c', '3', 100],
    ])
  })

  it('ignores views of a key that is no longer selected, and keeps the newest events first', () => {
    const state = select(initialState, 'x')
    expect(
      reduce(state, { type: 'keyView', key: 'y', meta: null, match: '*', fields: [], items: [], cursor: '0', value: null, now: 0 }, 0)
    ).toBe(state)
    const logged = reduce(
      state,
      {
        type: 'keyEvents',
        list: [
          { key: 'k', event: 'hset', at: 1 },
          { key: 'k', event: 'expire', at: 2 },
        ],
      },
      0
    )
    expect(logged.events.map((e) => e.event)).toEqual(['expire', 'hset'])
  })

  it('counts down from the absolute expiry, corrected for the page clock', () => {
    expect(remainingMs(10_000, 500, 7_000)).toBe(2_500)
  })

  it('adds later pages of keys without repeats, and keeps the cursor', () => {
    const info = (key: string) => ({ key, type: 'string', expiresAt: null })
    let state = reduce(initialState, { type: 'keys', pattern: '*', keys: [info('b'), info('d')], cursor: '17', now: 0 }, 0)
    state = reduce(state, { type: 'keysPage', pattern: '*', keys: [info('a'), info('d')], cursor: '0', now: 0 }, 0)
    expect(state.keys.map((k) => k.key)).toEqual(['a', 'b', 'd'])
    expect(state.keysCursor).toBe('0')
    expect(reduce(state, { type: 'keysPage', pattern: 'x*', keys: [info('x')], cursor: '0', now: 0 }, 0)).toBe(state)
  })

  it('appends pages of elements, and merges a search by value into the loaded fields with its progress', () => {
    const listMeta = { ...meta, type: 'list', length: 3 }
    let state = select(initialState, 'l')
    state = reduce(
      state,
      {
        type: 'keyView',
        key: 'l',
        meta: listMeta,
        match: '*',
        fields: [],
        items: [{ kind: 'list', index: 0, value: 'a' }],
        cursor: '1',
        value: null,
        now: 0,
      },
      0
    )
    state = reduce(state, { type: 'itemsPage', key: 'l', items: [{ kind: 'list', index: 1, value: 'b' }], cursor: '0', now: 0 }, 0)
    expect(state.view?.items.map((item) => (item.kind === 'list' ? item.value : ''))).toEqual(['a', 'b'])
    expect(state.view?.cursor).toBe('0')

    state = select(state, 'h')
    const field = (name: string) => ({ field: name, value: `v ${name}`, expiresAt: null })
    state = reduce(
      state,
      { type: 'keyView', key: 'h', meta, match: '*', fields: [field('f1')], items: [], cursor: '9', value: null, now: 0 },
      0
    )
    const found = (fields: string[], scanned: number, done: boolean) =>
      reduce(state, { type: 'valueMatches', key: 'h', text: 'v', fields: fields.map(field), scanned, done, capped: false, now: 0 }, 0)
    state = found(['f1', 'f7'], 1000, false)
    state = found(['f9'], 2000, true)
    expect(state.view?.fields.map((f) => f.field)).toEqual(['f1', 'f7', 'f9'])
    expect(state.view?.search).toEqual({ text: 'v', found: 3, scanned: 2000, done: true, capped: false })
  })

  it('after another database is asked for, ignores what arrives until the server confirms the switch', () => {
    const info = { key: 'old', type: 'string', expiresAt: null }
    let state = reduce(initialState, { type: 'keys', pattern: '*', keys: [info], cursor: '0', now: 0 }, 0)
    state = switchDb(state, 3)
    expect(state.keys).toEqual([])
    const waiting = state
    expect(reduce(waiting, { type: 'keyChanged', key: 'old', info, now: 0 }, 0)).toBe(waiting)
    expect(reduce(waiting, { type: 'inspectorDb', db: 2 }, 0)).toBe(waiting)
    state = reduce(waiting, { type: 'inspectorDb', db: 3 }, 0)
    expect(state.awaitingDb).toBeNull()
    state = reduce(state, { type: 'keys', pattern: '*', keys: [{ ...info, key: 'new' }], cursor: '0', now: 0 }, 0)
    expect(state.keys.map((k) => k.key)).toEqual(['new'])
  })

  it('"Load all" runs page after page until the hash is done, and stops when asked or when the key is read afresh', () => {
    const big = { ...meta, length: 3000, encoding: 'hashtable' }
    const page = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ field: `f${from + i}`, value: 'v', expiresAt: null }))
    let state = select(initialState, 'big')
    state = reduce(
      state,
      { type: 'keyView', key: 'big', meta: big, match: '*', fields: page(0, 1000), items: [], cursor: '7', value: null, now: 0 },
      0
    )
    expect(state.view?.loadingAll).toBe(false)
    state = startLoadAll(state)
    expect(state.view?.loadingAll).toBe(true)
    state = reduce(state, { type: 'fieldsPage', key: 'big', fields: page(1000, 1000), cursor: '9', now: 0 }, 0)
    expect(state.view?.loadingAll).toBe(true)
    // Stopped: what is loaded stays, nothing more is asked for.
    const stopped = stopLoadAll(state)
    expect(stopped.view?.loadingAll).toBe(false)
    expect(stopped.view?.fields).toHaveLength(2000)
    state = reduce(state, { type: 'fieldsPage', key: 'big', fields: page(2000, 1000), cursor: '0', now: 0 }, 0)
    expect(state.view?.loadingAll).toBe(false)
    expect(state.view?.fields).toHaveLength(3000)
    // Nothing left to load: nothing starts.
    expect(startLoadAll(state)).toBe(state)
    // Read afresh (the hash changed in a way that names no fields): back to the first page, not loading.
    state = startLoadAll(
      reduce(
        state,
        { type: 'keyView', key: 'big', meta: big, match: '*', fields: page(0, 1000), items: [], cursor: '7', value: null, now: 0 },
        0
      )
    )
    expect(state.view?.loadingAll).toBe(true)
    state = reduce(
      state,
      { type: 'keyView', key: 'big', meta: big, match: '*', fields: page(0, 1000), items: [], cursor: '7', value: null, now: 0 },
      0
    )
    expect(state.view?.loadingAll).toBe(false)
  })
})
