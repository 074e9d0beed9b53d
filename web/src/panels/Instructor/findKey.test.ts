import { describe, expect, it } from 'vitest'
import { isFindKey } from './findKey.ts'

const key = (key: string, modifiers: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...modifiers,
})

describe('the find key', () => {
  it('is Ctrl+F or ⌘F, whatever the case of the letter', () => {
    expect(isFindKey(key('f', { ctrlKey: true }))).toBe(true)
    expect(isFindKey(key('F', { ctrlKey: true }))).toBe(true)
    expect(isFindKey(key('f', { metaKey: true }))).toBe(true)
  })

  it('is not F alone, nor with Shift or Alt, nor another letter', () => {
    expect(isFindKey(key('f'))).toBe(false)
    expect(isFindKey(key('f', { ctrlKey: true, shiftKey: true }))).toBe(false)
    expect(isFindKey(key('f', { ctrlKey: true, altKey: true }))).toBe(false)
    expect(isFindKey(key('g', { ctrlKey: true }))).toBe(false)
  })
})
