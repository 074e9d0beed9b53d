/**
 * @module The pages: the instructor's (`#/teach`), the playground, and inspect mode's (`#/inspect`,
 * the playground's terminal and inspector on someone's own server, without lessons). The playground's
 * layout: header with the attendee's name and the connection state, the instructor's announcement; the lesson on the left, the terminal and
 * the live inspector beside it (stacked on most screens, three columns on very wide ones, one
 * scrolling column on phones). The boundaries between them can be dragged, and are remembered.
 * Until the terminal's is dragged, the terminal is as tall as the lessons' longest reply needs.
 */
import { lazy, Suspense, useEffect, useRef, useState, type CSSProperties } from 'react'
import { ConnectionProvider, useConnectionStatus } from './connection/ConnectionContext.tsx'
import { ConnectionBadge } from './panels/Header/ConnectionBadge.tsx'
import { LessonToggle, useLessonsHidden } from './panels/Header/LessonToggle.tsx'
import { InspectorBridge } from './panels/Inspector/InspectorBridge.ts'
import { TerminalBridge } from './panels/Terminal/TerminalBridge.ts'
import { TerminalPanel } from './panels/Terminal/TerminalPanel.tsx'
import { STACKED_QUERY, WIDE_QUERY } from './shared/layoutQueries.ts'
import { Splitter } from './shared/Splitter.tsx'
import { useMediaQuery } from './shared/useMediaQuery.ts'
import { useStoredNumber } from './shared/storedNumber.ts'
import { FALLBACK_ROW_PX, terminalShareFor } from './shared/terminalFit.ts'
import { useContentHeight, useTerminalRowHeight } from './shared/useElementSize.ts'
import { useRevealAfterRun } from './shared/useRevealAfterRun.ts'
import { AnnouncementBar } from './panels/Room/AnnouncementBar.tsx'
import { AttendeeName } from './panels/Room/AttendeeName.tsx'
import { HelpButton } from './panels/Room/HelpButton.tsx'
import { WatchedBadge } from './panels/Room/WatchedBadge.tsx'
import { isTeachRoute } from './panels/Instructor/instructorKey.ts'
import { useOwnValkeyState } from './panels/OwnValkey/useOwnValkeyState.ts'
import type { InspectInfo, ServerInfo } from '../../common/protocol/index.ts'
import { useLaterPanels, type LaterPanelsState } from './useLaterPanels.ts'

// The instructor's page is a chunk of its own: the playground's first prompt does not wait for it.
const InstructorPage = lazy(() => import('./panels/Instructor/InstructorPage.tsx').then((page) => ({ default: page.InstructorPage })))

/** The handle between the terminal and the inspector (0.75rem), which their shares do not include. */
const HANDLE_PX = 12

const isInspectRoute = (hash: string) => /^#\/inspect(\?|\/|$)/.test(hash)

export function App() {
  const [teach, setTeach] = useState(() => isTeachRoute(window.location.hash))
  useEffect(() => {
    const onHash = () => setTeach(isTeachRoute(window.location.hash))
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])
  // Separate pages: the instructor's never opens a sandbox, the playground never a room.
  return teach ? (
    <Suspense fallback={null}>
      <InstructorPage />
    </Suspense>
  ) : (
    <Playground />
  )
}

function Playground() {
  // The terminal first; the other panels once it has drawn. The connection holds what the server
  // sends until they listen (or could not be loaded: the terminal must not wait for them).
  const later = useLaterPanels()
  return (
    <ConnectionProvider release={later.panels !== null || later.failed}>
      <PlaygroundLayout later={later} />
    </ConnectionProvider>
  )
}

function PlaygroundLayout({ later }: { later: LaterPanelsState }) {
  const panels = later.panels
  const status = useConnectionStatus()
  const [bridge] = useState(() => new TerminalBridge())
  const [inspectorBridge] = useState(() => new InspectorBridge())
  const [chosenLessonsHidden, setLessonsHidden] = useLessonsHidden()
  // Inspect mode: known from the route at once (the server's link opens it), confirmed by welcome.
  const [inspectRoute] = useState(() => isInspectRoute(window.location.hash))
  const server = status.state === 'open' ? status.server : null
  const inspected = server?.inspect ? (server as ServerInfo & { inspect: InspectInfo }) : null
  const inspecting = inspectRoute || inspected !== null
  const lessonsHidden = inspecting || chosenLessonsHidden
  const ownValkeyState = useOwnValkeyState()
  // The database the terminal is on; the inspector shows the same one (inspect mode only).
  const [db, setDb] = useState<number | null>(null)
  const startDb = inspected?.inspect.db
  useEffect(() => {
    if (startDb === undefined) return
    // Each (re)connect starts on the URL's database, the terminal's prompt too.
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the connection's state, published once per connect
    setDb(startDb)
    if (!isInspectRoute(window.location.hash)) window.history.replaceState(window.history.state, '', `${window.location.pathname}#/inspect`)
  }, [startDb, status])
  const wide = useMediaQuery(WIDE_QUERY)
  const stacked = useMediaQuery(STACKED_QUERY)
  const [lessonShare, setLessonShare] = useStoredNumber('lesson-share', 0.3, 0.18, 0.6)
  const main = useRef<HTMLElement>(null)
  const terminalSection = useRef<HTMLElement>(null)
  const mainHeight = useContentHeight(main)
  const rowPx = useTerminalRowHeight(terminalSection) ?? FALLBACK_ROW_PX
  // Under each other, the terminal gets the rows a lesson's longest reply needs and the inspector the
  // rest; side by side, half each.
  const terminalDefault = wide ? 0.5 : terminalShareFor(rowPx, mainHeight - HANDLE_PX)
  const [terminalShare, setTerminalShare] = useStoredNumber(wide ? 'terminal-share-wide' : 'terminal-share', terminalDefault, 0.12, 0.85)
  const reveal = useRevealAfterRun(terminalSection, stacked)
  // Per-field TTLs exist only where the server has hash field expiration (Valkey 9).
  const fieldTtl = status.state === 'open' && status.server.features.hashFieldExpiration

  const sizes = {
    '--lesson-width': `${(lessonShare * 100).toFixed(1)}%`,
    '--terminal-fr': `${(terminalShare * 100).toFixed(1)}fr`,
    '--inspector-fr': `${((1 - terminalShare) * 100).toFixed(1)}fr`,
  } as CSSProperties
  // The terminal/inspector handle measures from the start of the space the two share.
  const terminalMin = 0.12
  const terminalMax = 0.85

  return (
    <div className="app">
      <header className="app-header">
        <h1>
          {/* On phones only "Valkey" shows, to keep the header on one line; screen readers read it all. */}
          <span className="logo">Valkey</span>
          <span className="title-rest"> {inspecting ? 'Hash Inspector' : 'Hash Playground'}</span>
        </h1>
        <div className="header-tools">
          {inspecting ? (
            inspected &&
            panels && (
              <panels.OwnValkeyTools
                state={ownValkeyState}
                server={inspected}
                db={db ?? inspected.inspect.db}
                run={(line) => bridge.run(line)}
                openKey={(key) => inspectorBridge.show(key)}
              />
            )
          ) : (
            <>
              <WatchedBadge />
              <AttendeeName />
              <HelpButton />
              <LessonToggle hidden={lessonsHidden} onChange={setLessonsHidden} />
            </>
          )}
          <ConnectionBadge />
        </div>
      </header>
      {!inspecting && <AnnouncementBar />}
      <main ref={main} className={`app-main${lessonsHidden ? ' lessons-hidden' : ''}`} style={sizes}>
        {/* Hidden, not unmounted: the mission keeps its state and the server keeps checking. */}
        {!inspecting && (
          <section
            className="panel missions-panel"
            data-testid="mission"
            aria-label="Missions"
            hidden={lessonsHidden}
            onClick={reveal.onLessonClick}
          >
            {panels ? <panels.MissionsPanel bridge={bridge} inspector={inspectorBridge} /> : <LaterPanel failed={later.failed} />}
          </section>
        )}
        {!lessonsHidden && !stacked && (
          <Splitter
            orientation="vertical"
            label="Resize the lesson"
            testId="split-lesson"
            className="split-lesson"
            share={lessonShare}
            min={0.18}
            max={0.6}
            onShare={setLessonShare}
          />
        )}
        <section ref={terminalSection} className="panel terminal-panel" data-testid="terminal" aria-label="Terminal">
          <TerminalPanel bridge={bridge} onDb={inspecting ? setDb : undefined} />
          {reveal.returnTo && (
            <button type="button" className="back-to-lesson" data-testid="back-to-lesson" onClick={reveal.goBack}>
              ↑ Back to the lesson
            </button>
          )}
        </section>
        {!stacked && (
          <SharedAxisSplitter
            wide={wide}
            lessonShare={lessonsHidden ? 0 : lessonShare}
            share={terminalShare}
            min={terminalMin}
            max={terminalMax}
            onShare={setTerminalShare}
          />
        )}
        <section className="panel inspector-panel" data-testid="inspector" aria-label="Inspector">
          {panels ? (
            <panels.InspectorPanel
              bridge={bridge}
              lessonBridge={inspectorBridge}
              fieldTtl={fieldTtl}
              readOnly={inspected?.inspect.readOnly ?? false}
              db={inspecting ? db : null}
            />
          ) : (
            <LaterPanel failed={later.failed} />
          )}
        </section>
      </main>
    </div>
  )
}

/** A later panel's place while it loads (empty: a frame or two), or why it is missing. */
function LaterPanel({ failed }: { failed: boolean }) {
  if (!failed) return null
  return (
    <p className="later-panel-error" role="alert">
      This panel could not be loaded. The terminal works; reload the page to get the lesson and the inspector back.
    </p>
  )
}

type SharedAxisProps = { wide: boolean; lessonShare: number; share: number; min: number; max: number; onShare: (share: number) => void }

/**
 * The terminal/inspector handle. Stacked, it moves up and down over the main area's height; in
 * three columns it moves left and right over what the lesson leaves, so its share is rescaled.
 */
function SharedAxisSplitter({ wide, lessonShare, share, min, max, onShare }: SharedAxisProps) {
  if (!wide) {
    return (
      <Splitter
        orientation="horizontal"
        label="Resize the terminal"
        testId="split-terminal"
        className="split-terminal"
        share={share}
        min={min}
        max={max}
        onShare={onShare}
      />
    )
  }
  const toMain = (value: number) => lessonShare + value * (1 - lessonShare)
  const fromMain = (value: number) => (value - lessonShare) / (1 - lessonShare)
  return (
    <Splitter
      orientation="vertical"
      label="Resize the terminal"
      testId="split-terminal"
      className="split-terminal"
      share={toMain(share)}
      min={toMain(min)}
      max={toMain(max)}
      onShare={(value) => onShare(fromMain(value))}
    />
  )
}
