/**
 * @module The lesson follows the learner: when a step turns done (by Run or by typing), the next
 * unfinished step (or the "mission complete" note) is brought into view, unless the learner
 * scrolled the lesson themselves in the last few seconds: then they are reading something, and
 * yanking the page away would lose their place. The current step is marked either way.
 *
 * Nor does it move on while the learner is still clicking Run through the step that just turned
 * done: a step's checks often hold before its last block (a TTL or HGETALL block that only shows
 * the result), and jumping away would hide the block they are about to run. It moves on once they
 * run that step's last block. Typed commands are not matched against blocks: a learner who types
 * is followed when the step turns done.
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

/** The Run button a learner pressed last: its step, and whether it was that step's last Run block. */
export type LastRun = { step: string; last: boolean }

/**
 * Whether moving on waits for the learner: the step they last pressed Run in has just turned done,
 * and it was not that step's last block (they are running its blocks one by one).
 */
export function waitsForLastBlock(before: ReadonlySet<string> | null, now: ReadonlySet<string>, lastRun: LastRun | null): boolean {
  return before !== null && lastRun !== null && !lastRun.last && now.has(lastRun.step) && !before.has(lastRun.step)
}

/** Whether the learner scrolled the lesson themselves recently enough that it must stay where they put it. */
export const scrolledRecently = (now: number, ownScrollAt: number): boolean => now - ownScrollAt < OWN_SCROLL_QUIET_MS

/** Keys that scroll what has the focus. */
const SCROLL_KEYS = new Set(['PageUp', 'PageDown', 'Home', 'End', 'ArrowUp', 'ArrowDown', ' '])

/** Whether the element scrolls its own content (rather than being laid out in the page's one scroll). */
function ownScrollBox(element: HTMLElement): boolean {
  const overflow = getComputedStyle(element).overflowY
  return overflow === 'auto' || overflow === 'scroll'
}

/**
 * Brings a step (or the complete note) of the lesson `root` into view, unless the learner scrolled
 * the lesson lately, or the lesson has no scroll box of its own: in the one-column phone layout,
 * bringing a step into view would scroll the whole page away from the terminal the learner is
 * reading or typing in; there the step is only marked, and "Back to the lesson" takes them up again.
 */
function bringIntoView(root: HTMLElement | null, element: HTMLElement | null, ownScrollAt: number): void {
  if (!element || scrolledRecently(performance.now(), ownScrollAt)) return
  const scroller = root?.closest<HTMLElement>('.missions') ?? root
  if (scroller && !ownScrollBox(scroller)) return
  const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches
  element.scrollIntoView({ block: 'start', behavior: reduced ? 'auto' : 'smooth' })
}

/**
 * Scrolls `find(target)` into view whenever `followTarget` names one, unless the learner scrolled
 * the element `root` (the lesson) in the last OWN_SCROLL_QUIET_MS, or is still pressing Run through
 * the step that turned done (`waitsForLastBlock`: then it moves once they run its last block). Only
 * what a person does counts as their scrolling (wheel, touch, scroll keys, the scrollbar), never the
 * scrolling this does.
 */
export function useFollowLearner(
  root: React.RefObject<HTMLElement | null>,
  stepIds: readonly string[],
  done: ReadonlySet<string>,
  ready: boolean,
  find: (target: string) => HTMLElement | null
): void {
  const ownScrollAt = useRef(-Infinity)
  const before = useRef<ReadonlySet<string> | null>(null)
  const lastRun = useRef<LastRun | null>(null)
  /** The step whose last block the lesson waits for before moving on (see waitsForLastBlock). */
  const waitingFor = useRef<string | null>(null)
  /** Where the learner is now (the current step, or 'complete'): where a move that waited goes. */
  const latest = useRef('complete')

  useEffect(() => {
    const scroller = root.current?.closest<HTMLElement>('.missions') ?? root.current
    if (!scroller) return
    const own = () => (ownScrollAt.current = performance.now())
    const key = (event: KeyboardEvent) => {
      // Keys typed into the terminal or a field are not scrolling the lesson, nor is Space pressing a button.
      const target = event.target as HTMLElement | null
      if (!SCROLL_KEYS.has(event.key) || target?.closest('input, textarea, .xterm')) return
      if (event.key === ' ' && target?.closest('button')) return
      own()
    }
    // A press on the scroller itself (not on its content) is its scrollbar.
    const press = (event: MouseEvent) => event.target === scroller && own()
    // Which Run the learner pressed (a click, or Enter or Space on the button), before the command runs.
    const run = (event: MouseEvent) => {
      const button = (event.target as HTMLElement | null)?.closest('[data-testid="run-block"]')
      const step = button?.closest<HTMLElement>('[data-testid="mission-step"]')
      const id = step?.dataset.stepId
      if (!button || !step || !id) return
      const runs = step.querySelectorAll('[data-testid="run-block"]')
      const last = runs[runs.length - 1] === button
      lastRun.current = { step: id, last }
      if (last && waitingFor.current === id) {
        waitingFor.current = null
        bringIntoView(root.current, find(latest.current), ownScrollAt.current)
      }
    }
    scroller.addEventListener('wheel', own, { passive: true })
    scroller.addEventListener('touchmove', own, { passive: true })
    scroller.addEventListener('keydown', key)
    scroller.addEventListener('mousedown', press)
    scroller.addEventListener('click', run, { capture: true })
    return () => {
      scroller.removeEventListener('wheel', own)
      scroller.removeEventListener('touchmove', own)
      scroller.removeEventListener('keydown', key)
      scroller.removeEventListener('mousedown', press)
      scroller.removeEventListener('click', run, { capture: true })
    }
  }, [root, find])

  useEffect(() => {
    latest.current = currentStep(stepIds, done) ?? 'complete'
    if (!ready) return
    const target = followTarget(stepIds, before.current, done)
    const wait = waitsForLastBlock(before.current, done, lastRun.current)
    before.current = done
    if (target === null) return
    if (wait) {
      waitingFor.current = lastRun.current!.step
      return
    }
    waitingFor.current = null
    bringIntoView(root.current, find(target), ownScrollAt.current)
  }, [root, ready, stepIds, done, find])
}
