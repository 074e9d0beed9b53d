/**
 * @module The opened hash's fields as a virtualized table: only the rows in
 * view are in the DOM, so 100,000 fields scroll as smoothly as ten. Scrolling
 * near the end asks for the next HSCAN page.
 *
 * From the keyboard the table is one tab stop: arrows, Page Up/Down, Home and End move the
 * selection (which opens the field's detail) and scroll it into view.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { COARSE_QUERY } from '../../shared/layoutQueries.ts'
import { useMediaQuery } from '../../shared/useMediaQuery.ts'
import { Countdown } from './Countdown.tsx'
import { showName, showValue } from './displayValue.ts'
import type { FieldRow } from './inspectorStore.ts'
import { MiddleName } from './MiddleName.tsx'
import { useFlash } from './useFlash.ts'

/** Row height in px: 28 for a mouse, 44 for a finger (the smallest comfortable tap target). */
const ROW_HEIGHT = { fine: 28, coarse: 44 }
const OVERSCAN = 8
/** Values are cut to this many characters in the table; the detail pane shows all. */
const CELL_CHARS = 120

export type FieldTableProps = {
  fields: FieldRow[]
  complete: boolean
  selectedField: string | null
  clockOffset: number
  onSelect: (field: string) => void
  onNeedMore: () => void
}

export function FieldTable({ fields, complete, selectedField, clockOffset, onSelect, onNeedMore }: FieldTableProps) {
  const scroller = useRef<HTMLDivElement>(null)
  const rowHeight = useMediaQuery(COARSE_QUERY) ? ROW_HEIGHT.coarse : ROW_HEIGHT.fine
  const [scrollTop, setScrollTop] = useState(0)
  const [height, setHeight] = useState(400)

  useEffect(() => {
    const element = scroller.current
    if (!element) return
    const observer = new ResizeObserver(() => setHeight(element.clientHeight))
    observer.observe(element)
    return () => observer.disconnect()
  }, [])

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN)
  const last = Math.min(fields.length, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN)
  const nearEnd = last >= fields.length - OVERSCAN

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor(height / rowHeight) - 1)
    const current = fields.findIndex((field) => field.field === selectedField)
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      PageDown: current + page,
      PageUp: current - page,
      Home: 0,
      End: fields.length - 1,
    }
    const target = moves[event.key]
    if (target === undefined || fields.length === 0) return
    event.preventDefault()
    const index = Math.min(fields.length - 1, Math.max(0, current === -1 && event.key !== 'End' ? 0 : target))
    onSelect(fields[index]!.field)
    const element = scroller.current
    if (!element) return
    if (index * rowHeight < element.scrollTop) element.scrollTop = index * rowHeight
    else if ((index + 1) * rowHeight > element.scrollTop + element.clientHeight)
      element.scrollTop = (index + 1) * rowHeight - element.clientHeight
  }

  useEffect(() => {
    if (nearEnd && !complete) onNeedMore()
  }, [nearEnd, complete, fields.length, onNeedMore])

  return (
    <div
      className="field-table"
      role="rowgroup"
      tabIndex={0}
      aria-label="Fields: arrow keys choose one"
      onKeyDown={onKeyDown}
      ref={scroller}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      data-testid="field-table"
    >
      {/* Only the rows in view exist; aria-rowindex tells assistive technology where they are. */}
      <div role="none" style={{ height: fields.length * rowHeight, position: 'relative' }}>
        {fields.slice(first, last).map((row, i) => (
          <FieldTableRow
            key={row.field}
            index={first + i + 2}
            row={row}
            top={(first + i) * rowHeight}
            height={rowHeight}
            selected={row.field === selectedField}
            clockOffset={clockOffset}
            onSelect={onSelect}
          />
        ))}
      </div>
      {!complete && (
        <div className="loading-more" role="row">
          <span role="cell">Loading more fields…</span>
        </div>
      )}
    </div>
  )
}

type RowProps = {
  /** The row's position in the whole table, header 1 (aria-rowindex). */
  index: number
  row: FieldRow
  top: number
  height: number
  selected: boolean
  clockOffset: number
  onSelect: (field: string) => void
}

function FieldTableRow({ index, row, top, height, selected, clockOffset, onSelect }: RowProps) {
  const shown = showValue(row.value)
  const flash = useFlash<HTMLDivElement>(row.changedAt)
  return (
    <div
      ref={flash}
      className={`field-row${selected ? ' selected' : ''}`}
      style={{ top, height }}
      data-testid="field-row"
      data-field={row.field}
      onClick={() => onSelect(row.field)}
      role="row"
      aria-rowindex={index}
      aria-selected={selected}
    >
      <span className="field-name-cell" role="cell">
        <MiddleName name={showName(row.field)} className="field-name" />
      </span>
      <span className={`field-value kind-${shown.kind}`} role="cell" data-testid="field-value">
        {shown.text.length > CELL_CHARS ? `${shown.text.slice(0, CELL_CHARS)}…` : shown.text}
        {shown.date && (
          <span className="value-date" data-testid="value-date">
            {' '}
            {shown.date}
          </span>
        )}
      </span>
      <span className="field-ttl" role="cell">
        {row.expiresAt !== null && <Countdown expiresAt={row.expiresAt} clockOffset={clockOffset} testId="field-ttl" />}
      </span>
    </div>
  )
}
