import { describe, expect, it } from 'vitest'
import { previewOf } from './KeySearch.ts'

describe('previewOf', () => {
  it('shows the value around the first match, case-insensitively, as the page shows values', () => {
    expect(previewOf('{"user":"Ada"}', 'ada')).toBe('{"user":"Ada"}')
    expect(previewOf('nothing here', 'ada')).toBeNull()
    const long = `${'x'.repeat(100)}Ada${'y'.repeat(100)}`
    expect(previewOf(long, 'ada')).toBe(`…${'x'.repeat(50)}Ada${'y'.repeat(50)}…`)
    // Java-serialized bytes (not UTF-8) are searched in their escaped form.
    expect(previewOf('\xac\xed\x00\x05t\x00\x03Ada', 'ada')).toBe('\\xac\\xed\\x00\\x05t\\x00\\x03Ada')
  })
})
