/**
 * @module The grid's window of rendered rows (rowWindow.ts) kept in step with its scroll box: the
 * box's scroll position and height from its own events, and each rendered row's height from a
 * ResizeObserver (no layout is read during a render or a commit, so a change to the room never
 * forces one). A row not rendered yet counts as its last measured height, or else as the last
 * measured row of its kind (one line; stuck or asking for help, two lines in the narrow layout).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type UIEvent } from 'react'
import type { AttendeeRow } from '../../../../common/protocol/index.ts'
import { rowOffsets, windowFor } from './rowWindow.ts'

/** A one-line row before any was measured (the stylesheet's 1.125rem at 16 px). */
const ONE_LINE_PX = 18

type Measured = { height: number; flagged: boolean }
/** Heights measured by row id, and the estimates for rows never measured (null: none measured yet). */
type Sizes = { byId: ReadonlyMap<string, Measured>; plain: number | null; flagged: number | null }

/** Rows that may take a second line in the narrow layout (their reason or flag goes under them). */
const isFlagged = (row: AttendeeRow) => row.stuck !== null || row.help !== null

export type RowWindowView = {
  start: number
  end: number
  /** Heights of the rows above and below the window, as padding of the row group. */
  padTop: number
  padBottom: number
  /** Ref for the scroll box. */
  scroller(element: HTMLElement | null): (() => void) | undefined
  onScroll(event: UIEvent<HTMLElement>): void
  /** Ref for each rendered row (its `data-attendee`, `data-stuck` and `data-help` are read). */
  observeRow(element: HTMLElement | null): (() => void) | undefined
}

function measuredSizes(previous: Sizes, entries: readonly ResizeObserverEntry[]): Sizes {
  let byId: Map<string, Measured> | null = null
  let { plain, flagged } = previous
  for (const entry of entries) {
    const element = entry.target as HTMLElement
    const id = element.dataset.attendee
    const height = entry.borderBoxSize[0]?.blockSize ?? element.offsetHeight
    // Not laid out (the grid hidden): nothing to learn.
    if (!id || height === 0) continue
    const rowFlagged = element.dataset.stuck === 'true' || element.dataset.help === 'true'
    // A plain row's estimate is the shortest seen (one line: most rows); a flagged one's the latest.
    if (rowFlagged) flagged = height
    else plain = plain === null ? height : Math.min(plain, height)
    const known = (byId ?? previous.byId).get(id)
    if (known?.height === height && known.flagged === rowFlagged) continue
    byId ??= new Map(previous.byId)
    byId.set(id, { height, flagged: rowFlagged })
  }
  if (byId === null && plain === previous.plain && flagged === previous.flagged) return previous
  return { byId: byId ?? previous.byId, plain, flagged }
}

export function useRowWindow(rows: readonly AttendeeRow[]): RowWindowView {
  const [sizes, setSizes] = useState<Sizes>(() => ({ byId: new Map(), plain: null, flagged: null }))
  // Until the box reports its height, the window's: never fewer rows than fit on the screen.
  const [view, setView] = useState(() => ({ top: 0, height: window.innerHeight }))
  const rowObserver = useRef<ResizeObserver | null>(null)

  const offsets = useMemo(() => {
    const plain = sizes.plain ?? ONE_LINE_PX
    const flaggedEstimate = sizes.flagged ?? plain
    return rowOffsets(
      rows.map((row) => {
        const flagged = isFlagged(row)
        const known = sizes.byId.get(row.id)
        return known && known.flagged === flagged ? known.height : flagged ? flaggedEstimate : plain
      })
    )
  }, [rows, sizes])
  const { start, end } = windowFor(offsets, view.top, view.height)

  const scroller = useCallback((element: HTMLElement | null) => {
    if (!element) return undefined
    let width = element.clientWidth
    const observer = new ResizeObserver(() => {
      // Another width re-flows every row: what was measured before no longer holds.
      if (element.clientWidth !== width) {
        width = element.clientWidth
        setSizes((previous) => ({ ...previous, byId: new Map() }))
      }
      setView((previous) =>
        previous.height === element.clientHeight && previous.top === element.scrollTop
          ? previous
          : { top: element.scrollTop, height: element.clientHeight }
      )
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [])

  const onScroll = useCallback((event: UIEvent<HTMLElement>) => {
    const element = event.currentTarget
    setView((previous) =>
      previous.top === element.scrollTop && previous.height === element.clientHeight
        ? previous
        : { top: element.scrollTop, height: element.clientHeight }
    )
  }, [])

  const observeRow = useCallback((element: HTMLElement | null) => {
    if (!element) return undefined
    rowObserver.current ??= new ResizeObserver((entries) => setSizes((previous) => measuredSizes(previous, entries)))
    const observer = rowObserver.current
    observer.observe(element)
    return () => observer.unobserve(element)
  }, [])
  useEffect(() => () => rowObserver.current?.disconnect(), [])

  const count = rows.length
  return {
    start,
    end,
    padTop: offsets[start] ?? 0,
    padBottom: (offsets[count] ?? 0) - (offsets[end] ?? 0),
    scroller,
    onScroll,
    observeRow,
  }
}
