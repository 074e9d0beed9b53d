/**
 * @module One field in full: its whole value as text (escaped where unprintable), pretty JSON or
 * a hex dump; a copy button; and the edits, which run in the terminal as their commands.
 */
import { useState } from 'react'
import { copyText } from '../../shared/copyText.ts'
import { ConfirmButton } from '../../shared/ConfirmButton.tsx'
import { Countdown } from './Countdown.tsx'
import { kindLabel, showName, showValue } from './displayValue.ts'
import { commandLine, editCommands, parseSeconds } from './editCommands.ts'
import type { FieldRow } from './inspectorStore.ts'
import { ValueEditor } from './ValueEditor.tsx'
import { editForm } from './valueForms.ts'
import { useValueMode, ValueModeButtons, ValueText } from './ValueModes.tsx'

export type FieldDetailProps = {
  hashKey: string
  row: FieldRow
  fieldTtl: boolean
  clockOffset: number
  /** Runs an edit's command line in the terminal; null: read-only (the instructor's watch), no edit controls. */
  run: ((line: string) => void) | null
}

export function FieldDetail({ hashKey, row, fieldTtl, clockOffset, run }: FieldDetailProps) {
  const shown = showValue(row.value)
  const [mode, setMode] = useValueMode()
  const [editing, setEditing] = useState(false)
  const [copied, setCopied] = useState<string | null>(null)
  const [ttl, setTtl] = useState('')

  const copy = () => {
    // Text as it reads; binary in the escaped form that can be pasted into a command.
    const form = editForm(row.value)
    void copyText(form.text).then((ok) => {
      setCopied(ok ? 'Copied' : 'Copy failed')
      setTimeout(() => setCopied(null), 1500)
    })
  }

  return (
    <div className="field-detail" data-testid="field-detail">
      <div className="detail-head">
        <strong>{showName(row.field)}</strong>
        <span className="muted">
          {shown.bytes} byte{shown.bytes === 1 ? '' : 's'}
          {kindLabel(shown)}
        </span>
        {row.expiresAt !== null && <Countdown expiresAt={row.expiresAt} clockOffset={clockOffset} />}
        <ValueModeButtons bytes={row.value} mode={mode} onMode={setMode} />
        <button type="button" data-testid="copy-value" onClick={copy}>
          {copied ?? 'Copy'}
        </button>
      </div>
      {editing && run ? (
        <ValueEditor
          initial={editForm(row.value)}
          onSave={(bytes) => {
            run(commandLine(editCommands.setField(hashKey, row.field, bytes, fieldTtl && row.expiresAt !== null)))
            setEditing(false)
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <ValueText bytes={row.value} mode={mode} testId="field-value-full" />
      )}
      {run && (
        <div className="actions">
          {!editing && (
            <button type="button" data-testid="edit-value" onClick={() => setEditing(true)}>
              Edit value
            </button>
          )}
          <ConfirmButton
            label="Delete field"
            question={`Delete field ${showName(row.field)}?`}
            testId="delete-field"
            onConfirm={() => run(commandLine(editCommands.deleteField(hashKey, row.field)))}
          />
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
      )}
    </div>
  )
}
