/**
 * @module Shows or hides the lesson column, for when the terminal and the
 * inspector need the room. The choice is remembered in this browser.
 */
import { useEffect, useState } from 'react'

const STORAGE_KEY = 'valkey-playground:lessons-hidden'

function readHidden(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === '1'
  } catch {
    return false // storage blocked (private mode, policies): just start shown
  }
}

export function useLessonsHidden(): [boolean, (hidden: boolean) => void] {
  const [hidden, setHidden] = useState(readHidden)
  useEffect(() => {
    try {
      localStorage.setItem(STORAGE_KEY, hidden ? '1' : '0')
    } catch {
      // Not remembered; it still works for this page.
    }
  }, [hidden])
  return [hidden, setHidden]
}

export function LessonToggle({ hidden, onChange }: { hidden: boolean; onChange: (hidden: boolean) => void }) {
  return (
    <button type="button" className="lesson-toggle" data-testid="lesson-toggle" aria-pressed={!hidden} onClick={() => onChange(!hidden)}>
      {hidden ? 'Show lessons' : 'Hide lessons'}
    </button>
  )
}
