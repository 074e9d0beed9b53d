/**
 * @module The room, a row per attendee (GridRow.tsx): name, connected, mission and step, steps
 * done, time on the step, recent errors, stuck, and Watch and Reset in a column of their own. Sort,
 * filter and a name search above it.
 *
 * A grid of rows rather than a table, each row laying itself out alone (`contain`), and only the
 * rows in the scroll box's view and a few dozen around it are rendered (useRowWindow.ts): padding
 * above and below stands for the others, so the scroll bar is the whole room's. A room of 500
 * whose rows change every second then costs about a hundred rows' layout and paint. The table's
 * roles stay whole for assistive technology (`aria-rowcount`, each row's `aria-rowindex`), and the
 * scroll box says how many rows there are and how many are rendered (`data-rows-total`,
 * `data-rows-rendered`); the name search brings anyone into the window (Ctrl+F goes to it first:
 * findKey.ts). Below a width (the watch pane open, a small window) a row shows its step before its
 * mission and puts its stuck reason on a second line, so nothing that matters is cut.
 */
import { memo, useRef } from 'react'
import type { AttendeeRow } from '../../../../common/protocol/index.ts'
import { useFindKeyFocuses } from './findKey.ts'
import { GridRow } from './GridRow.tsx'
import type { FilterKey, MissionSteps, SortKey } from './roomStore.ts'
import { useRowWindow } from './useRowWindow.ts'

type GridProps = {
  rows: AttendeeRow[]
  total: number
  missions: MissionSteps
  titles: ReadonlyMap<string, string>
  /** Server clock minus page clock. */
  clockOffset: number
  sort: SortKey
  filter: FilterKey
  search: string
  watching: string | null
  onSort(sort: SortKey): void
  onFilter(filter: FilterKey): void
  onSearch(search: string): void
  onWatch(id: string): void
  onReset(id: string): void
  onClearHelp(id: string): void
}

export const AttendeeGrid = memo(function AttendeeGrid({
  rows,
  total,
  missions,
  titles,
  clockOffset,
  sort,
  filter,
  search,
  watching,
  onSort,
  onFilter,
  onSearch,
  onWatch,
  onReset,
  onClearHelp,
}: GridProps) {
  const view = useRowWindow(rows)
  // Ctrl+F goes to the name search first: the browser's find sees only the rendered rows.
  const searchInput = useRef<HTMLInputElement>(null)
  useFindKeyFocuses(searchInput)
  return (
    <section className="attendee-grid" data-testid="attendee-grid" aria-label="Attendees">
      <div className="grid-tools">
        <input
          ref={searchInput}
          type="search"
          value={search}
          placeholder="Find by name"
          aria-label="Find attendees by name"
          aria-keyshortcuts="Control+F Meta+F"
          data-testid="room-search"
          onChange={(event) => onSearch(event.target.value)}
        />
        <label>
          Sort{' '}
          <select value={sort} data-testid="grid-sort" onChange={(event) => onSort(event.target.value as SortKey)}>
            <option value="joined">as they joined</option>
            <option value="stuck">stuck first</option>
            <option value="time">longest on a step</option>
            <option value="progress">least progress</option>
            <option value="name">name</option>
          </select>
        </label>
        <label>
          Show{' '}
          <select value={filter} data-testid="grid-filter" onChange={(event) => onFilter(event.target.value as FilterKey)}>
            <option value="all">everyone</option>
            <option value="stuck">stuck only</option>
            <option value="connected">connected only</option>
          </select>
        </label>
        <span className="muted" data-testid="grid-count" aria-live="polite">
          {rows.length} of {total} attendee{total === 1 ? '' : 's'}
        </span>
      </div>
      {total === 0 ? (
        <p className="muted">Nobody has joined yet. Attendees appear here as soon as they open the playground.</p>
      ) : (
        <div
          ref={view.scroller}
          className="grid-scroll"
          data-testid="grid-scroll"
          data-rows-total={rows.length}
          data-rows-rendered={view.end - view.start}
          role="table"
          aria-label="Attendees"
          aria-rowcount={rows.length + 1}
          onScroll={view.onScroll}
        >
          <div role="rowgroup" className="grid-head">
            <div role="row" className="grid-row" aria-rowindex={1}>
              <span role="columnheader" className="c-name">
                Attendee
              </span>
              <span role="columnheader" className="c-where">
                <span className="wide-only">Mission · step</span>
                <span className="narrow-only">Step · mission</span>
              </span>
              <span role="columnheader" className="c-done">
                Done
              </span>
              <span role="columnheader" className="c-time">
                On step
              </span>
              <span role="columnheader" className="c-errors" title="Error replies in the last 5 minutes">
                Errors
              </span>
              <span role="columnheader" className="c-stuck">
                Stuck
              </span>
              <span role="columnheader" className="c-actions">
                <span className="sr-only">Actions</span>
              </span>
            </div>
          </div>
          <div role="rowgroup" style={{ paddingTop: view.padTop, paddingBottom: view.padBottom }}>
            {rows.length === 0 && (
              <p className="muted grid-none" data-testid="grid-none">
                {search.trim() ? `Nobody's name matches “${search.trim()}”.` : 'Nobody matches this filter.'}
              </p>
            )}
            {rows.slice(view.start, view.end).map((row, index) => (
              <GridRow
                key={row.id}
                row={row}
                rowIndex={view.start + index + 2}
                observe={view.observeRow}
                steps={row.mission ? missions.get(row.mission) : undefined}
                missionTitle={row.mission ? (titles.get(row.mission) ?? row.mission) : null}
                clockOffset={clockOffset}
                watched={watching === row.id}
                onWatch={onWatch}
                onReset={onReset}
                onClearHelp={onClearHelp}
              />
            ))}
          </div>
        </div>
      )}
    </section>
  )
})
