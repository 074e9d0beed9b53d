/**
 * @module On the one-column layout (phones), the terminal is far below the lesson, so a Run's reply
 * would land out of sight. After a Run in the lesson the page scrolls just enough to show the whole
 * terminal, and remembers the block, so "Back to the lesson" can return the learner to it.
 */
import { useCallback, useState, type MouseEvent, type RefObject } from 'react'

const RUN_BUTTON = '[data-testid="run-block"]'

export type RevealAfterRun = {
  /** The lesson's click handler (it listens for Run buttons, whose clicks bubble to it). */
  onLessonClick: (event: MouseEvent) => void
  /** The command block last run from the lesson, while the page shows the terminal for it. */
  returnTo: Element | null
  /** Scrolls back to that block. */
  goBack: () => void
}

const scrollBehavior = (): ScrollBehavior => (window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth')

export function useRevealAfterRun(terminal: RefObject<HTMLElement | null>, enabled: boolean): RevealAfterRun {
  const [returnTo, setReturnTo] = useState<Element | null>(null)
  const onLessonClick = useCallback(
    (event: MouseEvent) => {
      if (!enabled || !(event.target instanceof Element)) return
      const button = event.target.closest(RUN_BUTTON)
      const panel = terminal.current
      if (!button || !panel) return
      setReturnTo(button.closest('[data-testid="command-block"]') ?? button)
      // 'nearest': the least scrolling that shows the whole terminal (it is shorter than the screen).
      requestAnimationFrame(() => panel.scrollIntoView({ block: 'nearest', behavior: scrollBehavior() }))
    },
    [enabled, terminal]
  )
  const goBack = useCallback(() => {
    returnTo?.scrollIntoView({ block: 'center', behavior: scrollBehavior() })
    setReturnTo(null)
  }, [returnTo])
  return { onLessonClick, returnTo: enabled && returnTo?.isConnected ? returnTo : null, goBack }
}
