/**
 * @module The value edit box. Readable text is edited as text (Shift+Enter for a new line);
 * anything else in valkey-cli's escaped form ("\x00\xff"), checked to be exactly one argument.
 * The box has the focus with the cursor at the end; Enter or Ctrl+Enter saves, Escape cancels.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { fromEditForm, type EditForm } from './valueForms.ts'

export type ValueEditorProps = { initial: EditForm; onSave: (bytes: string) => void; onCancel: () => void }

export function ValueEditor({ initial, onSave, onCancel }: ValueEditorProps) {
  const [text, setText] = useState(initial.text)
  const [error, setError] = useState<string | null>(null)
  const box = useRef<HTMLTextAreaElement>(null)
  useEffect(() => {
    const element = box.current
    if (!element) return
    element.focus()
    element.setSelectionRange(element.value.length, element.value.length)
  }, [])

  const save = () => {
    const result = fromEditForm({ mode: initial.mode, text })
    if ('error' in result) setError(result.error)
    else onSave(result.bytes)
  }
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault()
      onCancel()
    } else if (event.key === 'Enter' && (!event.shiftKey || event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      save()
    }
  }

  return (
    <div className="value-editor">
      <textarea
        ref={box}
        className="value-edit"
        data-testid="value-edit"
        data-mode={initial.mode}
        value={text}
        onChange={(event) => {
          setText(event.target.value)
          setError(null)
        }}
        onKeyDown={onKeyDown}
        rows={Math.min(8, Math.max(2, text.split('\n').length))}
        spellCheck={false}
        aria-label={initial.mode === 'text' ? 'Value' : 'Value in valkey-cli escaped form'}
      />
      <p className="muted edit-help">
        {initial.mode === 'escaped' ? 'Escaped as in valkey-cli: \\xHH for a byte, \\n, \\t, \\" and \\\\. ' : 'Shift+Enter: new line. '}
        Enter saves, Esc cancels.
      </p>
      {error && (
        <p className="edit-error" role="alert" data-testid="value-edit-error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" data-testid="save-value" onClick={save}>
          Save
        </button>
        <button type="button" data-testid="cancel-edit" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  )
}
