/**
 * @module The instructor's page (`#/teach`): the room's grid live, per-step bars for the room's
 * mission, stuck rules, broadcast, CSV export, and the read-only watch of one attendee.
 *
 * Everything arrives pushed on the instructor socket (no polling); the page only ticks once a
 * second to move the "on step" times. Without the key (or with a wrong one) it shows nothing of
 * the room and asks for the instructor URL.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react'
import type { MissionSummary } from '../../../../common/protocol/index.ts'
import { useNow } from '../../shared/useNow.ts'
import { AttendeeGrid } from './AttendeeGrid.tsx'
import { rememberInstructorKey, takeInstructorKey } from './instructorKey.ts'
import { BroadcastForm, StuckRulesForm } from './RoomControls.tsx'
import { roomCounts, roomMission, visibleRows, type FilterKey, type SortKey } from './roomStore.ts'
import { StepBars } from './StepBars.tsx'
import { InstructorConnectionContext } from './InstructorConnectionContext.tsx'
import { useInstructorSocket } from './useInstructorSocket.ts'
import { WatchPane } from './WatchPane.tsx'
import { downloadProgressCsv } from './downloadCsv.ts'
import { matchesSearch, searchWords } from './rowSearch.ts'
import { DEFAULT_SHARE, WatchResize } from './WatchResize.tsx'
import './instructor.css'

function useMissionList(): MissionSummary[] {
  const [missions, setMissions] = useState<MissionSummary[]>([])
  useEffect(() => {
    fetch('/api/missions')
      .then((response) => response.json() as Promise<{ missions: MissionSummary[] }>)
      .then((body) => setMissions(body.missions))
      .catch(() => setMissions([]))
  }, [])
  return missions
}

export function InstructorPage() {
  const [key, setKey] = useState(() => takeInstructorKey(window.location, window.history))
  const { connection, status, room } = useInstructorSocket(key)
  const missions = useMissionList()
  const [sort, setSort] = useState<SortKey>('joined')
  const [filter, setFilter] = useState<FilterKey>('all')
  const [search, setSearch] = useState('')
  const [watching, setWatching] = useState<string | null>(null)
  const [watchShare, setWatchShare] = useState(DEFAULT_SHARE)
  const split = useRef<HTMLDivElement>(null)
  const [chosenMission, setChosenMission] = useState<string | null>(null)
  const [resetNote, setResetNote] = useState<string | null>(null)
  const [exportNote, setExportNote] = useState<string | null>(null)
  const now = useNow(1000) + room.clockOffset

  useEffect(
    () =>
      connection?.on('room', (message) => {
        if (message.type === 'instructorDone' && message.action === 'resetSandbox')
          setResetNote(message.ok ? `Reset: ${message.text}.` : message.text)
      }),
    [connection]
  )

  const steps = useMemo(() => new Map(missions.map((mission) => [mission.id, mission.steps])), [missions])
  const titles = useMemo(() => new Map(missions.map((mission) => [mission.id, mission.title])), [missions])
  const allRows = useMemo(() => [...room.rows.values()], [room.rows])
  // The clock moves the order only when sorting by time: otherwise the grid gets the same array
  // every second and does not render at all.
  const sortNow = sort === 'time' ? now : 0
  const rows = useMemo(() => {
    const words = searchWords(search)
    return visibleRows(allRows, sort, filter, sortNow).filter((row) => matchesSearch(row, words))
  }, [allRows, sort, filter, search, sortNow])
  const mission =
    chosenMission ??
    roomMission(
      allRows,
      missions.map((each) => each.id)
    ) ??
    missions[0]?.id ??
    null
  // Watch on another row switches the pane to them; on the watched row it closes the pane.
  const onWatch = useCallback((id: string) => setWatching((current) => (current === id ? null : id)), [])
  const onReset = useCallback((id: string) => connection?.resetSandbox(id), [connection])
  const onClearHelp = useCallback((id: string) => connection?.clearHelp(id), [connection])
  const counts = useMemo(() => roomCounts(allRows), [allRows])

  // Rendered again only when the room or the missions change, not at every tick of the clock.
  const stepBars = useMemo(
    () => <StepBars rows={rows} missions={missions} mission={mission} onMission={setChosenMission} />,
    [rows, missions, mission]
  )

  if (key === null || status.state === 'refused') {
    return (
      <KeyPrompt
        refused={status.state === 'refused' && key !== null}
        onKey={(next) => {
          rememberInstructorKey(next)
          setKey(next)
        }}
      />
    )
  }

  return (
    <InstructorConnectionContext value={connection}>
      <div className="app teach" data-testid="instructor" data-state={status.state}>
        <header className="app-header">
          <h1>
            <span className="logo">Valkey</span> Hash Playground · Instructor
          </h1>
          <div className="header-tools">
            <button
              type="button"
              data-testid="export-csv"
              onClick={() => void downloadProgressCsv(key).then(setExportNote)}
              title="The progress table as CSV"
            >
              Export CSV
            </button>
            {exportNote && <span className="error">{exportNote}</span>}
            <span
              className={`badge badge-${status.state === 'open' ? 'ok' : 'wait'}`}
              data-testid="connection-status"
              data-state={status.state}
              data-connected={counts.connected}
              data-seen={counts.seen}
              data-help={counts.help}
              title="Connected: a tab open now. Seen: everyone who joined this room, including those who left."
            >
              <span className="dot" aria-hidden="true" />
              {status.state === 'open'
                ? `${counts.connected} connected · ${counts.seen} seen${counts.help > 0 ? ` · ${counts.help} asking for help` : ''}`
                : status.state === 'closed'
                  ? 'Reconnecting…'
                  : 'Connecting…'}
            </span>
          </div>
        </header>
        <main className="teach-main">
          {connection && (
            <section className="room-controls" aria-label="Room controls">
              <StuckRulesForm rules={room.rules} />
              <BroadcastForm missions={missions} current={room.announcement} />
            </section>
          )}
          {stepBars}
          {resetNote && (
            <p className="muted" role="status" data-testid="reset-result">
              {resetNote}
            </p>
          )}
          <div
            ref={split}
            className={`teach-split${watching ? ' with-watch' : ''}`}
            data-testid="teach-split"
            style={{ '--watch-width': `${watchShare * 100}%` } as CSSProperties}
          >
            <AttendeeGrid
              rows={rows}
              total={allRows.length}
              missions={steps}
              titles={titles}
              clockOffset={room.clockOffset}
              sort={sort}
              filter={filter}
              search={search}
              watching={watching}
              onSort={setSort}
              onFilter={setFilter}
              onSearch={setSearch}
              onWatch={onWatch}
              onReset={onReset}
              onClearHelp={onClearHelp}
            />
            {watching && connection && <WatchResize split={split} share={watchShare} onShare={setWatchShare} />}
            {watching && connection && (
              <WatchPane
                key={watching}
                attendee={watching}
                row={room.rows.get(watching)}
                fieldTtl={room.server?.features.hashFieldExpiration ?? false}
                onClose={() => setWatching(null)}
              />
            )}
          </div>
        </main>
      </div>
    </InstructorConnectionContext>
  )
}

function KeyPrompt({ refused, onKey }: { refused: boolean; onKey(key: string): void }) {
  const [text, setText] = useState('')
  return (
    <div className="app teach" data-testid="instructor" data-state={refused ? 'refused' : 'no-key'}>
      <header className="app-header">
        <h1>
          <span className="logo">Valkey</span> Hash Playground · Instructor
        </h1>
      </header>
      <main className="teach-key">
        <p data-testid="instructor-refused">
          {refused ? 'That key was not accepted.' : 'This page is for the instructor.'} Open the instructor URL that <code>npm start</code>{' '}
          printed, or paste its key here.
        </p>
        <form
          onSubmit={(event) => {
            event.preventDefault()
            if (text.trim()) onKey(text.trim())
          }}
        >
          <input
            type="password"
            value={text}
            aria-label="Instructor key"
            data-testid="instructor-key-input"
            autoComplete="off"
            onChange={(event) => setText(event.target.value)}
          />
          <button type="submit">Open</button>
        </form>
        <p>
          <a href="#/missions">Back to the playground</a>
        </p>
      </main>
    </div>
  )
}
