/**
 * @module An opened hash's fields: filter by name (glob or plain text, on the server with HSCAN
 * MATCH), by value text and by "has a TTL" (on the loaded fields), sort by any column, the
 * virtualized table, the selected field in full, and a form to add a field.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react'
import { showName } from './displayValue.ts'
import { STACKED_QUERY } from '../../shared/layoutQueries.ts'
import { Splitter } from '../../shared/Splitter.tsx'
import { useStoredNumber } from '../../shared/storedNumber.ts'
import { useMediaQuery } from '../../shared/useMediaQuery.ts'
import { FieldDetail } from './FieldDetail.tsx'
import { applyFieldQuery, defaultQuery, fieldPattern, nextSort, type FieldQuery, type SortColumn } from './fieldQuery.ts'
import { FieldTable } from './FieldTable.tsx'
import { commandLine, editCommands, parseSeconds, typed } from './editCommands.ts'
import type { KeyView } from './inspectorStore.ts'
import { boundText, fieldCountText, keepLoading, loadAllLabel, loadingText, sortScope, type LoadedFields } from './loadedFields.ts'

export type HashFieldsProps = {
  view: KeyView
  match: string
  fieldTtl: boolean
  clockOffset: number
  /** Runs an edit's command line in the terminal; null: read-only (the instructor's watch), no edit controls. */
  run: ((line: string) => void) | null
  onMatch: (match: string) => void
  onMore: () => void
  /** Loads every page of the hash, up to a bound (loadedFields.ts); onStopLoadAll stops it. */
  onLoadAll: () => void
  onStopLoadAll: () => void
  /** Searches the whole hash on the server for values containing the text (for a hash not loaded in full). */
  onSearchValues: (text: string) => void
}

const COLUMNS: { column: SortColumn; label: string }[] = [
  { column: 'name', label: 'field' },
  { column: 'value', label: 'value' },
  { column: 'ttl', label: 'TTL' },
]

export function HashFields(props: HashFieldsProps) {
  const { view, match, fieldTtl, clockOffset, run, onMatch, onMore, onSearchValues } = props
  const [selectedField, setSelectedField] = useState<string | null>(null)
  const [filter, setFilter] = useState(match === '*' ? '' : match)
  const [query, setQuery] = useState<FieldQuery>(defaultQuery)
  // How much of the height the table keeps while a field is open below it; remembered.
  const [tableShare, setTableShare] = useStoredNumber('field-table-share', 0.55, 0.15, 0.85)
  const stacked = useMediaQuery(STACKED_QUERY)
  const requested = useRef<string | null>(null)
  const { key } = view

  useEffect(() => {
    const timer = setTimeout(() => {
      const wanted = fieldPattern(filter)
      if (wanted !== match) onMatch(wanted)
    }, 250)
    return () => clearTimeout(timer)
  }, [filter, match, onMatch])

  // Loaded in part, the table knows only some values: the server searches the rest of the hash.
  const partial = view.cursor !== '0'
  const wanted = query.valueSearch.trim()
  useEffect(() => {
    if (!partial || wanted === '') return
    const timer = setTimeout(() => onSearchValues(wanted), 300)
    return () => clearTimeout(timer)
  }, [partial, wanted, onSearchValues])

  const needMore = useCallback(() => {
    if (requested.current === view.cursor) return
    requested.current = view.cursor
    onMore()
  }, [view.cursor, onMore])

  const rows = useMemo(() => applyFieldQuery(view.fields, query), [view.fields, query])
  const columns = useMemo(() => fieldColumns(view.fields, fieldTtl), [view.fields, fieldTtl])
  const row = view.fields.find((field) => field.field === selectedField) ?? null
  const loaded: LoadedFields = {
    loaded: view.fields.length,
    total: view.meta?.length ?? view.fields.length,
    partial,
    filtered: view.match !== '*',
  }
  const search = view.search !== null && view.search.text === wanted ? view.search : null

  return (
    <div className="hash-fields" style={{ '--field-columns': columns } as CSSProperties}>
      <div className="field-tools">
        <input
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          placeholder="Filter fields"
          title="Text the names contain, or a glob such as user:*"
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
        <span
          className="muted"
          data-testid="field-count"
          data-loaded={loaded.loaded}
          data-total={loaded.total}
          data-complete={partial ? 'false' : 'true'}
        >
          {fieldCountText(loaded, rows.length)}
        </span>
        {search && (
          <span
            className="muted"
            role="status"
            data-testid="value-search-status"
            data-done={search.done ? 'true' : 'false'}
            data-found={search.found}
          >
            {search.capped
              ? `stopped at the first ${search.found} matches of the whole hash`
              : search.done
                ? `whole hash searched: ${search.found} match${search.found === 1 ? '' : 'es'} in ${search.scanned} fields`
                : `searching the whole hash… ${search.found} found in ${search.scanned} fields`}
          </span>
        )}
      </div>
      <LoadScope
        loaded={loaded}
        sorted={query.sort !== null}
        loadingAll={view.loadingAll}
        fields={view.fields}
        onLoadAll={props.onLoadAll}
        onStopLoadAll={props.onStopLoadAll}
      />
      {/* Table and detail share this box, so the handle's position is the table's share of it. */}
      <div className="field-split">
        {/* One ARIA table: the header row and the field rows (the scroller is their row group). */}
        <div
          className="field-table-area"
          role="table"
          aria-label={`Fields of ${showName(key)}`}
          aria-rowcount={rows.length + 1}
          style={row && !stacked ? { flex: `0 0 ${(tableShare * 100).toFixed(1)}%` } : undefined}
        >
          <div className="field-header" role="row" aria-rowindex={1}>
            {COLUMNS.filter(({ column }) => column !== 'ttl' || fieldTtl).map(({ column, label }) => (
              <div
                key={column}
                role="columnheader"
                aria-sort={query.sort !== column ? 'none' : query.descending ? 'descending' : 'ascending'}
              >
                <button
                  type="button"
                  className="sort-header"
                  data-testid={`sort-${column}`}
                  onClick={() => setQuery(nextSort(query, column))}
                >
                  {label}
                  {query.sort === column ? (query.descending ? ' ▼' : ' ▲') : ''}
                </button>
              </div>
            ))}
          </div>
          <FieldTable
            fields={rows}
            // While a value search runs, the server brings every match: no paging through the whole hash meanwhile.
            complete={!partial || wanted !== ''}
            selectedField={selectedField}
            clockOffset={clockOffset}
            onSelect={setSelectedField}
            onNeedMore={needMore}
          />
        </div>
        {row && !stacked && (
          <Splitter
            orientation="horizontal"
            label="Resize the field table and the field detail"
            testId="split-field-detail"
            share={tableShare}
            min={0.15}
            max={0.85}
            onShare={setTableShare}
          />
        )}
        {row && <FieldDetail key={row.field} hashKey={key} row={row} fieldTtl={fieldTtl} clockOffset={clockOffset} run={run} />}
      </div>
      {run && <AddField hashKey={key} fieldTtl={fieldTtl} run={run} />}
    </div>
  )
}

type ScopeProps = {
  loaded: LoadedFields
  sorted: boolean
  loadingAll: boolean
  fields: KeyView['fields']
  onLoadAll: () => void
  onStopLoadAll: () => void
}

/** For a hash loaded in part: what a sort covers, and loading the rest (or why it stopped). */
function LoadScope({ loaded, sorted, loadingAll, fields, onLoadAll, onStopLoadAll }: ScopeProps) {
  if (!loaded.partial) return null
  const scope = sorted ? sortScope(loaded) : null
  return (
    <div className="load-scope">
      {scope && (
        <span className="sort-scope" role="status" data-testid="sort-scope">
          {scope}
        </span>
      )}
      {loadingAll ? (
        <>
          <span className="muted" role="status" data-testid="load-all-progress">
            {loadingText(loaded)}
          </span>
          <button type="button" data-testid="stop-load-all" onClick={onStopLoadAll}>
            Stop
          </button>
        </>
      ) : keepLoading(loaded.partial, fields) ? (
        <button type="button" data-testid="load-all-fields" onClick={onLoadAll}>
          {loadAllLabel(loaded)}
        </button>
      ) : (
        <span className="muted" data-testid="load-all-bound">
          {boundText()}
        </span>
      )}
    </div>
  )
}

/**
 * The table's columns: names as wide as the longest loaded one (up to 45 %), values the rest, and
 * the TTL column only as wide as it needs (narrow while no field has a TTL).
 */
function fieldColumns(fields: KeyView['fields'], fieldTtl: boolean): string {
  let longest = 5
  let anyTtl = false
  // The first thousand rows are a fair sample; a 100,000-field hash is not walked on every change.
  for (const row of fields.slice(0, 1000)) {
    longest = Math.max(longest, Math.min(48, showName(row.field).length))
    anyTtl ||= row.expiresAt !== null
  }
  const ttl = !fieldTtl ? '0' : anyTtl ? '6.5rem' : '2.5rem'
  return `minmax(4rem, min(45%, ${longest + 1}ch)) minmax(0, 1fr) ${ttl}`
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
          placeholder="TTL (s)"
          title="Seconds until the field expires (optional)"
          size={7}
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
