/**
 * @module The inspector's two columns, keys and the selected key, as the playground's inspector
 * and the instructor's read-only watch both show them. `run` null: no edit controls.
 */
import { KeyList } from './KeyList.tsx'
import { KeyView } from './KeyView.tsx'
import type { InspectorControls } from './useInspector.ts'

type Props = {
  inspector: InspectorControls
  fieldTtl: boolean
  run: ((line: string) => void) | null
  /** Shown while no key is selected. */
  emptyText: string
}

export function InspectorBody({ inspector, fieldTtl, run, emptyText }: Props) {
  const { state } = inspector
  return (
    <div className="inspector-body">
      <KeyList
        keys={state.keys}
        keysCursor={state.keysCursor}
        selected={state.selected}
        keyChangedAt={state.keyChangedAt}
        clockOffset={state.clockOffset}
        onSelect={inspector.select}
        onPattern={inspector.setPattern}
        onMoreKeys={inspector.loadMoreKeys}
      />
      {state.view ? (
        <KeyView
          key={state.view.key}
          view={state.view}
          match={inspector.match}
          fieldTtl={fieldTtl}
          clockOffset={state.clockOffset}
          run={run}
          onMatch={inspector.setMatch}
          onMore={inspector.loadMore}
          onSearchValues={inspector.searchValues}
        />
      ) : (
        <div className="key-view empty" data-testid="key-view" data-exists="none">
          <p className="muted">{state.selected === null ? emptyText : 'Loading…'}</p>
        </div>
      )}
    </div>
  )
}
