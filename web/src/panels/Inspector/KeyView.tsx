/**
 * @module The selected key: its header (type, live TTL, length, encoding, memory, key edits) and
 * its contents: a hash's fields in full, a string's value, a note for other types.
 */
import { showName, showValue } from './displayValue.ts'
import { HashFields, type HashFieldsProps } from './HashFields.tsx'
import { KeyHeader } from './KeyHeader.tsx'

/** The same inputs as the hash view it shows: a key view is a header plus its contents. */
export type KeyViewProps = HashFieldsProps

export function KeyView({ view, match, fieldTtl, clockOffset, run, onMatch, onMore }: KeyViewProps) {
  const { meta, key } = view
  if (!meta) {
    return (
      <div className="key-view" data-testid="key-view" data-exists="false">
        <h2>{showName(key)}</h2>
        <p className="muted">This key does not exist (any more). It reappears here if it is created again.</p>
      </div>
    )
  }
  return (
    <div className="key-view" data-testid="key-view" data-exists="true">
      <KeyHeader keyName={key} meta={meta} clockOffset={clockOffset} run={run} />
      {meta.type === 'hash' && (
        <HashFields view={view} match={match} fieldTtl={fieldTtl} clockOffset={clockOffset} run={run} onMatch={onMatch} onMore={onMore} />
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
