/**
 * @module One field in full: its whole value (escaped where unprintable,
 * JSON pretty-printed on request), and the edits that run in the terminal.
 */
import { useState } from 'react'
import { Countdown } from './Countdown.tsx'
import { prettyJson, showName, showValue } from './displayValue.ts'
import { commandLine, editCommands, parseSeconds, typed } from './editCommands.ts'
import type { FieldRow } from './inspectorStore.ts'

export type FieldDetailProps = {
  hashKey: string
  row: FieldRow
  fieldTtl: boolean
  clockOffset: number
  run: (line: string) => void
}

export function FieldDetail({ hashKey, row, fieldTtl, clockOffset, run }: FieldDetailProps) {
  const shown = showValue(row.value)
  const [pretty, setPretty] = useState(false)
  const [draft, setDraft] = useState<string | null>(null)
  const [ttl, setTtl] = useState('')
  const canEditAsText = shown.kind !== 'binary'

  return (
    <div className="field-detail" data-testid="field-detail">
      <div className="detail-head">
        <strong>{showName(row.field)}</strong>
        <span className="muted">
          {shown.bytes} byte{shown.bytes === 1 ? '' : 's'}
          {shown.kind === 'number' ? ' · number' : shown.kind === 'json' ? ' · JSON' : shown.kind === 'binary' ? ' · binary' : ''}
        </span>
        {row.expiresAt !== null && <Countdown expiresAt={row.expiresAt} clockOffset={clockOffset} />}
        {shown.kind === 'json' && (
          <button type="button" onClick={() => setPretty(!pretty)}>
            {pretty ? 'Raw' : 'Pretty JSON'}
          </button>
        )}
      </div>
      {draft === null ? (
        <pre className="value">{pretty ? prettyJson(row.value) : shown.text}</pre>
      ) : (
        <textarea
          className="value-edit"
          data-testid="value-edit"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          rows={4}
        />
      )}
      <div className="actions">
        {draft === null ? (
          canEditAsText && (
            <button
              type="button"
              data-testid="edit-value"
              onClick={() => setDraft(new TextDecoder().decode(Uint8Array.from(row.value, (c) => c.charCodeAt(0))))}
            >
              Edit value
            </button>
          )
        ) : (
          <>
            <button
              type="button"
              data-testid="save-value"
              onClick={() => {
                run(commandLine(editCommands.setField(hashKey, row.field, typed(draft), fieldTtl && row.expiresAt !== null)))
                setDraft(null)
              }}
            >
              Save
            </button>
            <button type="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </>
        )}
        <button type="button" data-testid="delete-field" onClick={() => run(commandLine(editCommands.deleteField(hashKey, row.field)))}>
          Delete field
        </button>
        {fieldTtl && (
          <span className="ttl-edit">
            <input
              value={ttl}
              onChange={(event) => setTtl(event.target.value)}
              placeholder="seconds"
              aria-label="Field TTL in seconds"
              data-testid="field-ttl-input"
              size={7}
            />
            <button
              type="button"
              data-testid="set-field-ttl"
              disabled={parseSeconds(ttl) === null}
              onClick={() => run(commandLine(editCommands.fieldTtl(hashKey, row.field, parseSeconds(ttl)!)))}
            >
              Set field TTL
            </button>
            {row.expiresAt !== null && (
              <button
                type="button"
                data-testid="persist-field"
                onClick={() => run(commandLine(editCommands.persistField(hashKey, row.field)))}
              >
                Remove TTL
              </button>
            )}
          </span>
        )}
      </div>
    </div>
  )
}
