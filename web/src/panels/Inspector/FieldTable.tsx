/**
 * @module The opened hash's fields as a virtualized table: only the rows in
 * view are in the DOM, so 100,000 fields scroll as smoothly as ten. Scrolling
 * near the end asks for the next HSCAN page.
 */
import { useEffect, useRef, useState } from 'react'
import { COARSE_QUERY } from '../../shared/layoutQueries.ts'
import { useMediaQuery } from '../../shared/useMediaQuery.ts'
import { Countdown } from './Countdown.tsx'
import { showName, showValue } from './displayValue.ts'
import type { FieldRow } from './inspectorStore.ts'
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

  useEffect(() => {
    if (nearEnd && !complete) onNeedMore()
  }, [nearEnd, complete, fields.length, onNeedMore])

  return (
    <div className="field-table" ref={scroller} onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)} data-testid="field-table">
      <div style={{ height: fields.length * rowHeight, position: 'relative' }}>
        {fields.slice(first, last).map((row, i) => (
          <FieldTableRow
            key={row.field}
            row={row}
            top={(first + i) * rowHeight}
            height={rowHeight}
            selected={row.field === selectedField}
            clockOffset={clockOffset}
            onSelect={onSelect}
          />
        ))}
      </div>
      {!complete && <div className="loading-more">Loading more fields…</div>}
    </div>
  )
}

type RowProps = { row: FieldRow; top: number; height: number; selected: boolean; clockOffset: number; onSelect: (field: string) => void }

function FieldTableRow({ row, top, height, selected, clockOffset, onSelect }: RowProps) {
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
    >
      <span className="field-name" role="cell">
        {showName(row.field)}
      </span>
      <span className={`field-value kind-${shown.kind}`} role="cell" data-testid="field-value">
        {shown.text.length > CELL_CHARS ? `${shown.text.slice(0, CELL_CHARS)}…` : shown.text}
      </span>
      <span className="field-ttl" role="cell">
        {row.expiresAt !== null && <Countdown expiresAt={row.expiresAt} clockOffset={clockOffset} testId="field-ttl" />}
      </span>
    </div>
  )
}
