/**
 * @module The selected key: its header (type, live TTL, length, encoding, memory, key edits) and
 * its contents: a hash's fields in full, a string's value, the elements of a list, set, sorted set
 * or stream, page by page.
 */
import { showName } from './displayValue.ts'
import { ValuePane } from './ValueModes.tsx'
import { HashFields, type HashFieldsProps } from './HashFields.tsx'
import { KeyHeader } from './KeyHeader.tsx'
import { CollectionView, isCollection } from './CollectionView.tsx'

/** The same inputs as the hash view it shows: a key view is a header plus its contents. */
export type KeyViewProps = HashFieldsProps

export function KeyView(props: KeyViewProps) {
  const { view, onMore } = props
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
      <KeyHeader keyName={key} meta={meta} clockOffset={props.clockOffset} run={props.run} />
      {meta.type === 'hash' && <HashFields {...props} />}
      {meta.type === 'string' && view.value !== null && (
        <ValuePane
          bytes={view.value}
          testId="string-value"
          label={meta.length > view.value.length ? `the first ${view.value.length} bytes` : undefined}
        />
      )}
      {isCollection(meta.type) && <CollectionView view={view} onMore={onMore} />}
      {meta.type !== 'hash' && meta.type !== 'string' && !isCollection(meta.type) && (
        <p className="muted" data-testid="type-not-shown">
          The inspector cannot show a {meta.type} (a module's type); the terminal can read it with that module's commands.
        </p>
      )}
    </div>
  )
}
