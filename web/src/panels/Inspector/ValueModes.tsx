/**
 * @module A value shown several ways: as text (escaped where unprintable), as pretty JSON when it
 * is JSON, decoded when it is Java-serialized (the raw bytes still one click away), or as a hex
 * dump. The buttons and the shown value are separate pieces, so a field's detail can put the
 * buttons in its header and swap the value for an editor. A number that reads as a Unix time
 * shows its date beside it.
 */
import { useState } from 'react'
import { valueText } from '../../../../common/cli/valueText.ts'
import { kindLabel, prettyJson, showValue } from './displayValue.ts'
import { javaText, parseJava } from './javaSerialized.ts'
import { hexDump } from './valueForms.ts'

export type ValueMode = 'text' | 'json' | 'java' | 'hex'

const LABELS: Record<ValueMode, string> = { text: 'Text', json: 'Pretty JSON', java: 'Java', hex: 'Hex' }

/** The modes a value offers, the one it opens in first (Java decoded for a Java-serialized value). */
export function modesOf(bytes: string): ValueMode[] {
  const kind = showValue(bytes).kind
  return kind === 'json' ? ['text', 'json', 'hex'] : kind === 'java' ? ['java', 'text', 'hex'] : ['text', 'hex']
}

/** The mode chosen; null until the user chooses, meaning the value's first mode. */
export function useValueMode(): [ValueMode | null, (mode: ValueMode) => void] {
  return useState<ValueMode | null>(null)
}

const shownMode = (bytes: string, mode: ValueMode | null): ValueMode => {
  const modes = modesOf(bytes)
  // A mode the value does not offer (the value changed from JSON to text) falls back to its first.
  return mode !== null && modes.includes(mode) ? mode : modes[0]!
}

export function ValueModeButtons({ bytes, mode, onMode }: { bytes: string; mode: ValueMode | null; onMode: (mode: ValueMode) => void }) {
  const current = shownMode(bytes, mode)
  return (
    <span className="view-modes" role="group" aria-label="Show the value as">
      {modesOf(bytes).map((each) => (
        <button key={each} type="button" aria-pressed={current === each} data-testid={`value-mode-${each}`} onClick={() => onMode(each)}>
          {LABELS[each]}
        </button>
      ))}
    </span>
  )
}

function modeText(bytes: string, mode: ValueMode): string {
  switch (mode) {
    case 'hex':
      return hexDump(bytes).join('\n')
    case 'json':
      return prettyJson(bytes)
    case 'java': {
      const java = parseJava(bytes)
      return java.ok ? javaText(java.value) : valueText(bytes).text
    }
    case 'text':
      return valueText(bytes).text
  }
}

export function ValueText({ bytes, mode, testId }: { bytes: string; mode: ValueMode | null; testId: string }) {
  const shown = shownMode(bytes, mode)
  const date = shown === 'hex' ? undefined : showValue(bytes).date
  return (
    <>
      <pre className={`value${shown === 'hex' ? ' hex' : ''}`} data-testid={testId} data-mode={shown}>
        {modeText(bytes, shown)}
      </pre>
      {date && (
        <p className="value-date muted" data-testid="value-date" title="The number read as a Unix time (seconds or milliseconds)">
          {date}
        </p>
      )}
    </>
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
          {kindLabel(shown)}
        </span>
        <ValueModeButtons bytes={bytes} mode={mode} onMode={setMode} />
      </div>
      <ValueText bytes={bytes} mode={mode} testId={testId} />
    </div>
  )
}
