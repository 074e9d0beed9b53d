/**
 * @module The selected key: type, live TTL, length, encoding and memory, and
 * for a hash its fields (filterable, paged, live) with their TTLs.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { Countdown } from './Countdown.tsx'
import { FieldDetail } from './FieldDetail.tsx'
import { FieldTable } from './FieldTable.tsx'
import { showName, showValue } from './displayValue.ts'
import { commandLine, editCommands, parseSeconds, typed } from './editCommands.ts'
import type { KeyView as View } from './inspectorStore.ts'

export type KeyViewProps = {
  view: View
  match: string
  fieldTtl: boolean
  clockOffset: number
  run: (line: string) => void
  onMatch: (match: string) => void
  onMore: () => void
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

export function KeyView({ view, match, fieldTtl, clockOffset, run, onMatch, onMore }: KeyViewProps) {
  const [selectedField, setSelectedField] = useState<string | null>(null)
  const [filter, setFilter] = useState(match === '*' ? '' : match)
  const [newField, setNewField] = useState('')
  const [newValue, setNewValue] = useState('')
  const [newTtl, setNewTtl] = useState('')
  const [keyTtl, setKeyTtl] = useState('')
  const requested = useRef<string | null>(null)
  const { meta, key } = view

  useEffect(() => {
    const timer = setTimeout(() => {
      const wanted = filter.trim() === '' ? '*' : filter
      if (wanted !== match) onMatch(wanted)
    }, 250)
    return () => clearTimeout(timer)
  }, [filter, match, onMatch])

  const needMore = useCallback(() => {
    if (requested.current === view.cursor) return
    requested.current = view.cursor
    onMore()
  }, [view.cursor, onMore])

  if (!meta) {
    return (
      <div className="key-view" data-testid="key-view" data-exists="false">
        <h2>{showName(key)}</h2>
        <p className="muted">This key does not exist (any more). It reappears here if it is created again.</p>
      </div>
    )
  }
  const row = view.fields.find((field) => field.field === selectedField) ?? null
  const addField = () => {
    const seconds = parseSeconds(newTtl)
    const args =
      fieldTtl && seconds !== null
        ? editCommands.addFieldWithTtl(key, typed(newField), typed(newValue), seconds)
        : editCommands.setField(key, typed(newField), typed(newValue), false)
    run(commandLine(args))
    setNewField('')
    setNewValue('')
    setNewTtl('')
  }

  return (
    <div className="key-view" data-testid="key-view" data-exists="true">
      <div className="key-head">
        <h2 title={showName(key)}>{showName(key)}</h2>
        <div className="key-meta" data-testid="key-meta">
          <span className={`type type-${meta.type}`}>{meta.type}</span>
          <span data-testid="key-length">
            {meta.type === 'hash' ? `${meta.length} field${meta.length === 1 ? '' : 's'}` : `length ${meta.length}`}
          </span>
          <span data-testid="key-encoding" title="OBJECT ENCODING">
            {meta.encoding}
          </span>
          <span
            data-testid="key-memory"
            data-exact={meta.memoryExact ? 'true' : 'false'}
            title={
              meta.memoryExact
                ? 'MEMORY USAGE … SAMPLES 0: every element counted'
                : 'MEMORY USAGE … SAMPLES 5: estimated from five elements (counting all of a key this large would hold up the server)'
            }
          >
            {meta.memoryExact ? formatBytes(meta.memory) : `≈ ${formatBytes(meta.memory)} (estimate)`}
          </span>
          {meta.expiresAt !== null ? (
            <Countdown expiresAt={meta.expiresAt} clockOffset={clockOffset} testId="key-view-ttl" />
          ) : (
            <span className="muted" data-testid="key-view-ttl" data-ttl="none">
              no TTL
            </span>
          )}
        </div>
        <div className="actions">
          <input
            value={keyTtl}
            onChange={(event) => setKeyTtl(event.target.value)}
            placeholder="seconds"
            size={7}
            aria-label="Key TTL in seconds"
            data-testid="key-ttl-input"
          />
          <button
            type="button"
            data-testid="set-key-ttl"
            disabled={parseSeconds(keyTtl) === null}
            onClick={() => run(commandLine(editCommands.keyTtl(key, parseSeconds(keyTtl)!)))}
          >
            Set TTL
          </button>
          {meta.expiresAt !== null && (
            <button type="button" data-testid="persist-key" onClick={() => run(commandLine(editCommands.persistKey(key)))}>
              Persist
            </button>
          )}
          <button type="button" className="danger" data-testid="delete-key" onClick={() => run(commandLine(editCommands.deleteKey(key)))}>
            Delete key
          </button>
        </div>
      </div>

      {meta.type === 'hash' && (
        <>
          <div className="field-tools">
            <input
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
              placeholder="Filter fields (glob)"
              aria-label="Filter fields"
              data-testid="field-filter"
            />
            <span className="muted">
              {view.fields.length}
              {view.cursor !== '0' ? '+' : ''} shown
            </span>
          </div>
          <div className="field-header" role="row">
            <span>field</span>
            <span>value</span>
            <span>TTL</span>
          </div>
          <FieldTable
            fields={view.fields}
            complete={view.cursor === '0'}
            selectedField={selectedField}
            clockOffset={clockOffset}
            onSelect={setSelectedField}
            onNeedMore={needMore}
          />
          {row && <FieldDetail key={row.field} hashKey={key} row={row} fieldTtl={fieldTtl} clockOffset={clockOffset} run={run} />}
          <form
            className="add-field"
            onSubmit={(event) => {
              event.preventDefault()
              if (newField !== '') addField()
            }}
          >
            <input
              value={newField}
              onChange={(event) => setNewField(event.target.value)}
              placeholder="field"
              aria-label="New field"
              data-testid="new-field"
            />
            <input
              value={newValue}
              onChange={(event) => setNewValue(event.target.value)}
              placeholder="value"
              aria-label="New value"
              data-testid="new-value"
            />
            {fieldTtl && (
              <input
                value={newTtl}
                onChange={(event) => setNewTtl(event.target.value)}
                placeholder="TTL s (optional)"
                size={9}
                aria-label="New field TTL"
                data-testid="new-ttl"
              />
            )}
            <button type="submit" data-testid="add-field" disabled={newField === ''}>
              Add field
            </button>
          </form>
        </>
      )}
      {meta.type === 'string' && view.value !== null && (
        <pre className="value" data-testid="string-value">
          {showValue(view.value).text}
        </pre>
      )}
      {meta.type !== 'hash' && meta.type !== 'string' && (
        <p className="muted">The inspector shows hashes in full; use the terminal to look inside a {meta.type}.</p>
      )}
    </div>
  )
}
