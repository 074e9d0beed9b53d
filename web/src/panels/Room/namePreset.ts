/**
 * @module `?name=Ada` in the page's URL presets the attendee's display name (an instructor can
 * hand out personal links). Read once at start, before the socket says hello.
 */
import { LIMITS } from '../../../../common/protocol/index.ts'
import type { NameStore } from '../../../../common/connection/stores.ts'

export function applyNamePreset(search: string, names: NameStore): void {
  const given = new URLSearchParams(search).get('name')?.trim()
  if (!given || /[\u0000-\u001f\u007f-\u009f]/.test(given)) return
  names.set([...given].slice(0, LIMITS.maxName).join(''))
}
