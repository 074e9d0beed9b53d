/**
 * @module A value shown three ways: as text (escaped where unprintable), as pretty JSON when it is
 * JSON, or as a hex dump. The buttons and the shown value are separate pieces, so a field's detail
 * can put the buttons in its header and swap the value for an editor.
 */
import { useState } from 'react'
import { prettyJson, showValue } from './displayValue.ts'
import { hexDump } from './valueForms.ts'

export type ValueMode = 'text' | 'json' | 'hex'

/** The modes a value offers (pretty JSON only for JSON). */
export function modesOf(bytes: string): ValueMode[] {
  return showValue(bytes).kind === 'json' ? ['text', 'json', 'hex'] : ['text', 'hex']
}

export function useValueMode(): [ValueMode, (mode: ValueMode) => void] {
  return useState<ValueMode>('text')
}

export function ValueModeButtons({ bytes, mode, onMode }: { bytes: string; mode: ValueMode; onMode: (mode: ValueMode) => void }) {
  return (
    <span className="view-modes" role="group" aria-label="Show the value as">
      {modesOf(bytes).map((each) => (
        <button key={each} type="button" aria-pressed={mode === each} data-testid={`value-mode-${each}`} onClick={() => onMode(each)}>
          {each === 'text' ? 'Text' : each === 'json' ? 'Pretty JSON' : 'Hex'}
        </button>
      ))}
    </span>
  )
}

export function ValueText({ bytes, mode, testId }: { bytes: string; mode: ValueMode; testId: string }) {
  // A mode the value does not offer (the value changed from JSON to text) falls back to text.
  const shown = modesOf(bytes).includes(mode) ? mode : 'text'
  return (
    <pre className={`value${shown === 'hex' ? ' hex' : ''}`} data-testid={testId} data-mode={shown}>
      {shown === 'hex' ? hexDump(bytes).join('\n') : shown === 'json' ? prettyJson(bytes) : showValue(bytes).text}
    </pre>
  )
}

/** Both together: the whole value with its mode buttons above it (a string key, a list element). */
export function ValuePane({ bytes, testId, label }: { bytes: string; testId: string; label?: string }) {
  const [mode, setMode] = useValueMode()
  const shown = showValue(bytes)
  return (
    <div className="value-pane">
      <div className="detail-head">
        {label && <strong>{label}</strong>}
        <span className="muted">
          {shown.bytes} byte{shown.bytes === 1 ? '' : 's'}
          {shown.kind === 'number' ? ' · number' : shown.kind === 'json' ? ' · JSON' : shown.kind === 'binary' ? ' · binary' : ''}
        </span>
        <ValueModeButtons bytes={bytes} mode={mode} onMode={setMode} />
      </div>
      <ValueText bytes={bytes} mode={mode} testId={testId} />
    </div>
  )
}
