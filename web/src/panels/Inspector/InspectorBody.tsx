/**
 * @module The inspector's two columns, keys and the selected key, as the playground's inspector
 * and the instructor's read-only watch both show them. `run` null: no edit controls.
 *
 * The key list keeps the width the user gave it (a share of the inspector, dragged or set from the
 * keyboard on its handle, remembered in this browser), whatever the names in it: long names are cut
 * in the middle instead of widening it.
 */
import type { CSSProperties } from 'react'
import { STACKED_QUERY } from '../../shared/layoutQueries.ts'
import { Splitter } from '../../shared/Splitter.tsx'
import { useStoredNumber } from '../../shared/storedNumber.ts'
import { useMediaQuery } from '../../shared/useMediaQuery.ts'
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

/** The key list's share of the inspector's width: at first, and the limits of its handle. */
const KEY_LIST = { initial: 0.4, min: 0.15, max: 0.7 }

export function InspectorBody({ inspector, fieldTtl, run, emptyText }: Props) {
  const { state } = inspector
  const [listShare, setListShare] = useStoredNumber('key-list-share', KEY_LIST.initial, KEY_LIST.min, KEY_LIST.max)
  const stacked = useMediaQuery(STACKED_QUERY)
  const width = { '--key-list-width': `${(listShare * 100).toFixed(1)}%` } as CSSProperties
  return (
    <div className="inspector-body" style={width}>
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
      {!stacked && (
        <Splitter
          orientation="vertical"
          label="Resize the key list"
          testId="split-key-list"
          className="split-key-list"
          share={listShare}
          min={KEY_LIST.min}
          max={KEY_LIST.max}
          onShare={setListShare}
        />
      )}
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
          onLoadAll={inspector.loadAll}
          onStopLoadAll={inspector.stopLoadAll}
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
