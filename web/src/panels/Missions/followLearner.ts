/**
 * @module The lesson follows the learner: when a step turns done (by Run or by typing), the next
 * unfinished step (or the "mission complete" note) is brought into view, unless the learner
 * scrolled the lesson themselves in the last few seconds: then they are reading something, and
 * yanking the page away would lose their place. The current step is marked either way.
 */
import { useEffect, useRef } from 'react'

/** How long after the learner's own scrolling the lesson stays where they put it. */
export const OWN_SCROLL_QUIET_MS = 4000

/** The step a learner is on: the first one not done (null when every step is done). */
export function currentStep(stepIds: readonly string[], done: ReadonlySet<string>): string | null {
  return stepIds.find((id) => !done.has(id)) ?? null
}

/**
 * What to bring into view after a progress report: the current step, or 'complete' when the last
 * step just turned done; null when no step turned done since the report before (`before` null:
 * the first report, which never scrolls: a reload keeps the reader where the URL put them).
 */
export function followTarget(stepIds: readonly string[], before: ReadonlySet<string> | null, now: ReadonlySet<string>): string | null {
  if (before === null) return null
  const turnedDone = stepIds.some((id) => now.has(id) && !before.has(id))
  if (!turnedDone) return null
  return currentStep(stepIds, now) ?? 'complete'
}

/** Whether the learner scrolled the lesson themselves recently enough that it must stay where they put it. */
export const scrolledRecently = (now: number, ownScrollAt: number): boolean => now - ownScrollAt < OWN_SCROLL_QUIET_MS

/** Keys that scroll what has the focus. */
const SCROLL_KEYS = new Set(['PageUp', 'PageDown', 'Home', 'End', 'ArrowUp', 'ArrowDown', ' '])

/**
 * Scrolls `find(target)` into view whenever `followTarget` names one, unless the learner scrolled
 * the element `root` (the lesson) in the last OWN_SCROLL_QUIET_MS. Only what a person does counts
 * as their scrolling (wheel, touch, scroll keys, the scrollbar), never the scrolling this does.
 */
/** Whether the element scrolls its own content (rather than being laid out in the page's one scroll). */
function ownScrollBox(element: HTMLElement): boolean {
  const overflow = getComputedStyle(element).overflowY
  return overflow === 'auto' || overflow === 'scroll'
}

export function useFollowLearner(
  root: React.RefObject<HTMLElement | null>,
  stepIds: readonly string[],
  done: ReadonlySet<string>,
  ready: boolean,
  find: (target: string) => HTMLElement | null
): void {
  const ownScrollAt = useRef(-Infinity)
  const before = useRef<ReadonlySet<string> | null>(null)

  useEffect(() => {
    const scroller = root.current?.closest<HTMLElement>('.missions') ?? root.current
    if (!scroller) return
    const own = () => (ownScrollAt.current = performance.now())
    const key = (event: KeyboardEvent) => {
      // Keys typed into the terminal or a field are not scrolling the lesson.
      const target = event.target as HTMLElement | null
      if (SCROLL_KEYS.has(event.key) && !target?.closest('input, textarea, .xterm')) own()
    }
    // A press on the scroller itself (not on its content) is its scrollbar.
    const press = (event: MouseEvent) => event.target === scroller && own()
    scroller.addEventListener('wheel', own, { passive: true })
    scroller.addEventListener('touchmove', own, { passive: true })
    scroller.addEventListener('keydown', key)
    scroller.addEventListener('mousedown', press)
    return () => {
      scroller.removeEventListener('wheel', own)
      scroller.removeEventListener('touchmove', own)
      scroller.removeEventListener('keydown', key)
      scroller.removeEventListener('mousedown', press)
    }
  }, [root])

  useEffect(() => {
    if (!ready) return
    const target = followTarget(stepIds, before.current, done)
    before.current = done
    if (target === null || scrolledRecently(performance.now(), ownScrollAt.current)) return
    // Where the lesson is not a scroll box of its own (the one-column phone layout), bringing a step
    // into view would scroll the whole page away from the terminal the learner is reading or typing
    // in; there the step is only marked, and "Back to the lesson" takes them up again.
    const scroller = root.current?.closest<HTMLElement>('.missions') ?? root.current
    if (scroller && !ownScrollBox(scroller)) return
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches
    find(target)?.scrollIntoView({ block: 'start', behavior: reduced ? 'auto' : 'smooth' })
  }, [root, ready, stepIds, done, find])
}
