/**
 * @module An opened hash's fields: filter by name (glob or plain text, on the server with HSCAN
 * MATCH), by value text and by "has a TTL" (on the loaded fields), sort by any column, the
 * virtualized table, the selected field in full, and a form to add a field.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { FieldDetail } from './FieldDetail.tsx'
import { applyFieldQuery, defaultQuery, fieldPattern, nextSort, type FieldQuery, type SortColumn } from './fieldQuery.ts'
import { FieldTable } from './FieldTable.tsx'
import { commandLine, editCommands, parseSeconds, typed } from './editCommands.ts'
import type { KeyView } from './inspectorStore.ts'

export type HashFieldsProps = {
  view: KeyView
  match: string
  fieldTtl: boolean
  clockOffset: number
  run: (line: string) => void
  onMatch: (match: string) => void
  onMore: () => void
}

const COLUMNS: { column: SortColumn; label: string }[] = [
  { column: 'name', label: 'field' },
  { column: 'value', label: 'value' },
  { column: 'ttl', label: 'TTL' },
]

export function HashFields({ view, match, fieldTtl, clockOffset, run, onMatch, onMore }: HashFieldsProps) {
  const [selectedField, setSelectedField] = useState<string | null>(null)
  const [filter, setFilter] = useState(match === '*' ? '' : match)
  const [query, setQuery] = useState<FieldQuery>(defaultQuery)
  const requested = useRef<string | null>(null)
  const { key } = view

  useEffect(() => {
    const timer = setTimeout(() => {
      const wanted = fieldPattern(filter)
      if (wanted !== match) onMatch(wanted)
    }, 250)
    return () => clearTimeout(timer)
  }, [filter, match, onMatch])

  const needMore = useCallback(() => {
    if (requested.current === view.cursor) return
    requested.current = view.cursor
    onMore()
  }, [view.cursor, onMore])

  const rows = useMemo(() => applyFieldQuery(view.fields, query), [view.fields, query])
  const row = view.fields.find((field) => field.field === selectedField) ?? null
  const narrowed = rows.length !== view.fields.length
  const partial = view.cursor !== '0'

  return (
    <>
      <div className="field-tools">
        <input
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          placeholder="Field name: text or glob"
          aria-label="Filter fields by name"
          data-testid="field-filter"
        />
        <input
          value={query.valueSearch}
          onChange={(event) => setQuery({ ...query, valueSearch: event.target.value })}
          placeholder="Value contains"
          aria-label="Search in values"
          data-testid="value-search"
        />
        {fieldTtl && (
          <label className="check-label">
            <input
              type="checkbox"
              checked={query.ttlOnly}
              onChange={(event) => setQuery({ ...query, ttlOnly: event.target.checked })}
              data-testid="ttl-only"
            />
            with a TTL
          </label>
        )}
        <span className="muted" data-testid="field-count">
          {narrowed ? `${rows.length} of ` : ''}
          {view.fields.length}
          {partial ? '+' : ''} {narrowed && partial ? 'loaded' : 'shown'}
        </span>
      </div>
      <div className="field-header" role="row">
        {COLUMNS.filter(({ column }) => column !== 'ttl' || fieldTtl).map(({ column, label }) => (
          <button
            key={column}
            type="button"
            role="columnheader"
            className="sort-header"
            data-testid={`sort-${column}`}
            aria-sort={query.sort !== column ? 'none' : query.descending ? 'descending' : 'ascending'}
            onClick={() => setQuery(nextSort(query, column))}
          >
            {label}
            {query.sort === column ? (query.descending ? ' ▼' : ' ▲') : ''}
          </button>
        ))}
      </div>
      <FieldTable
        fields={rows}
        complete={!partial}
        selectedField={selectedField}
        clockOffset={clockOffset}
        onSelect={setSelectedField}
        onNeedMore={needMore}
      />
      {row && <FieldDetail key={row.field} hashKey={key} row={row} fieldTtl={fieldTtl} clockOffset={clockOffset} run={run} />}
      <AddField hashKey={key} fieldTtl={fieldTtl} run={run} />
    </>
  )
}

function AddField({ hashKey, fieldTtl, run }: { hashKey: string; fieldTtl: boolean; run: (line: string) => void }) {
  const [field, setField] = useState('')
  const [value, setValue] = useState('')
  const [ttl, setTtl] = useState('')
  const add = () => {
    const seconds = parseSeconds(ttl)
    const args =
      fieldTtl && seconds !== null
        ? editCommands.addFieldWithTtl(hashKey, typed(field), typed(value), seconds)
        : editCommands.setField(hashKey, typed(field), typed(value), false)
    run(commandLine(args))
    setField('')
    setValue('')
    setTtl('')
  }
  return (
    <form
      className="add-field"
      onSubmit={(event) => {
        event.preventDefault()
        if (field !== '') add()
      }}
    >
      <input
        value={field}
        onChange={(event) => setField(event.target.value)}
        placeholder="field"
        aria-label="New field"
        data-testid="new-field"
      />
      <input
        value={value}
        onChange={(event) => setValue(event.target.value)}
        placeholder="value"
        aria-label="New value"
        data-testid="new-value"
      />
      {fieldTtl && (
        <input
          value={ttl}
          onChange={(event) => setTtl(event.target.value)}
          placeholder="TTL s (optional)"
          size={9}
          aria-label="New field TTL"
          data-testid="new-ttl"
        />
      )}
      <button type="submit" data-testid="add-field" disabled={field === ''}>
        Add field
      </button>
    </form>
  )
}
