import { describe, expect, it } from 'vitest'
import { displayUnits, ELLIPSIS, middleTruncate, textColumns, unitColumns } from './middleTruncate.ts'

describe('middleTruncate', () => {
  it('leaves a name that fits as it is', () => {
    expect(middleTruncate('session:han_solo', 16)).toBe('session:han_solo')
    expect(middleTruncate('session:han_solo', 80)).toBe('session:han_solo')
  })

  it('keeps the distinguishing end of names that share a long start', () => {
    const a = middleTruncate('tsession:9371405842118764203', 24)
    const b = middleTruncate('tsession:9371405842118764203:data', 24)
    expect(a).not.toBe(b)
    expect(textColumns(a)).toBeLessThanOrEqual(24)
    expect(textColumns(b)).toBeLessThanOrEqual(24)
    expect(a.startsWith('tsession:')).toBe(true)
    expect(b.endsWith(':data')).toBe(true)
    expect(b).toBe(`tsession:937${ELLIPSIS}764203:data`)
    expect(a.endsWith('18764203')).toBe(true)
  })

  it('cuts to exactly the room given, ellipsis included', () => {
    const name = 'spring:session:index:org.springframework.session.FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME:alice'
    for (const columns of [5, 10, 17, 30, 64]) {
      const cut = middleTruncate(name, columns)
      expect(textColumns(cut)).toBe(columns)
      expect(cut).toContain(ELLIPSIS)
    }
    expect(middleTruncate(name, 40).endsWith(':alice')).toBe(true)
  })

  it('never splits an escape of a binary name', () => {
    const name = '\\xac\\xed\\x00\\x05t\\x00\\x05linus\\x00\\xff'
    for (let columns = 2; columns < textColumns(name); columns++) {
      const [head, tail] = middleTruncate(name, columns).split(ELLIPSIS) as [string, string]
      expect(displayUnits(head).join('')).toBe(head)
      expect(head).toMatch(/^(?:\\x[0-9a-f]{2}|[^\\])*$/)
      expect(tail).toMatch(/^(?:\\x[0-9a-f]{2}|[^\\])*$/)
      expect(textColumns(head + ELLIPSIS + tail)).toBeLessThanOrEqual(columns)
    }
  })

  it('counts wide characters and emoji as two columns and never splits a cluster', () => {
    expect(unitColumns('会')).toBe(2)
    expect(unitColumns('a')).toBe(1)
    expect(unitColumns('👩‍💻')).toBe(2)
    expect(unitColumns('🇫🇷')).toBe(2)
    expect(unitColumns('é')).toBe(1) // e + combining accent
    expect(displayUnits('e\u0301x')).toEqual(['e\u0301', 'x'])
    const name = 'user:会话:👩‍💻👨‍👩‍👧:🇫🇷:données:终'
    const units = new Set(displayUnits(name))
    for (let columns = 1; columns < textColumns(name); columns++) {
      const cut = middleTruncate(name, columns)
      expect(textColumns(cut)).toBeLessThanOrEqual(columns)
      for (const unit of displayUnits(cut)) if (unit !== ELLIPSIS) expect(units.has(unit)).toBe(true)
    }
  })

  it('gives an ellipsis alone, or nothing, when there is no room', () => {
    expect(middleTruncate('abcdef', 1)).toBe(ELLIPSIS)
    expect(middleTruncate('abcdef', 0)).toBe('')
  })
})
