/**
 * @module Ctrl+F (⌘F) on the instructor page goes to the name search first. The grid renders only
 * the rows near its view (useRowWindow.ts), so the browser's own find cannot see most of a big room;
 * the name search finds anyone. A second press, with the search already focused, is left to the
 * browser: its find still works for the rest of the page.
 */
import { useEffect, type RefObject } from 'react'

/** Ctrl+F, or ⌘F on a Mac: the browser's "find in page" (not with Shift or Alt, which mean other things). */
export function isFindKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
  return event.key.toLowerCase() === 'f' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey
}

/** While mounted, the find key focuses (and selects) `search`, unless it has the focus already. */
export function useFindKeyFocuses(search: RefObject<HTMLInputElement | null>): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const input = search.current
      if (!input || !isFindKey(event) || document.activeElement === input) return
      event.preventDefault()
      input.focus()
      input.select()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [search])
}
