/**
 * @module The inspector's state and requests, over the page's one proxy
 * connection. Asks again for the key list and the opened key after every
 * (re)connect, so a dropped socket never leaves a stale view.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { InspectorMessage, InspectorRequest } from '../../../../common/protocol/index.ts'
import { initialState, reduce, select, setPattern, startLoadAll, stopLoadAll, switchDb, type InspectorState } from './inspectorStore.ts'

/**
 * Where inspector data comes from: the page's own proxy connection, or the instructor's socket
 * while it watches an attendee (then the requests read that attendee's sandbox).
 */
export type InspectorSource = {
  readonly status: { state: string }
  on(event: 'inspector', listener: (message: InspectorMessage) => void): () => void
  on(event: 'status', listener: (status: { state: string }) => void): () => void
  inspect(message: InspectorRequest): boolean
}

export type InspectorControls = {
  state: InspectorState
  match: string
  setPattern(pattern: string): void
  select(key: string | null): void
  /** Opens a key unless it is already the one open (keeps its scroll and loaded pages). */
  show(key: string): void
  setMatch(match: string): void
  /** The open hash's next page of fields, or the open list's, set's, sorted set's or stream's next page of items. */
  loadMore(): void
  /** The open hash's pages one after another, up to a bound (loadedFields.ts), until stopped. */
  loadAll(): void
  stopLoadAll(): void
  /** The next page of keys for the filter. */
  loadMoreKeys(): void
  /** Asks the server for every field of the open hash whose value contains `text` (the whole hash, not only what is loaded). */
  searchValues(text: string): void
  /** Inspect mode: show database `db` (the terminal's SELECT says so). */
  selectDb(db: number): void
}

export function useInspector(connection: InspectorSource | null): InspectorControls {
  const [state, setState] = useState(initialState)
  const [match, setMatchState] = useState('*')
  // What the socket callbacks read. Kept in step by apply() and the setters below (the only
  // writers of state and match), so it is never written during render.
  const current = useRef({ state, match })

  const apply = useCallback((change: (state: InspectorState) => InspectorState) => {
    const next = change(current.current.state)
    current.current = { ...current.current, state: next }
    setState(next)
  }, [])

  /** Opens a key (null: none) with every field shown; the view is empty until the server answers. */
  const openKey = useCallback(
    (key: string | null) => {
      apply((state) => select(state, key))
      const match = '*'
      setMatchState(match)
      current.current = { ...current.current, match }
      connection?.inspect({ type: 'openKey', key, match })
    },
    [connection, apply]
  )

  useEffect(() => {
    if (!connection) return
    const ask = () => {
      const { state, match } = current.current
      connection.inspect({ type: 'watchKeys', pattern: state.pattern })
      if (state.selected !== null) connection.inspect({ type: 'openKey', key: state.selected, match })
    }
    const removeMessages = connection.on('inspector', (message) => {
      apply((state) => reduce(state, message, Date.now()))
      // Load all: a page arrived and more are wanted, so the next is asked for at once.
      const view = current.current.state.view
      if (message.type === 'fieldsPage' && view?.loadingAll) connection.inspect({ type: 'moreFields', key: view.key, cursor: view.cursor })
      // The server reads the database asked for from now on: list its keys.
      if (message.type === 'inspectorDb' && current.current.state.awaitingDb === null) ask()
      // Nothing open and a key just appeared or changed (the terminal wrote it): open it, so the
      // first HSET of a lesson is on screen without a click.
      if (message.type === 'keyChanged' && message.info && current.current.state.selected === null) openKey(message.key)
    })
    const removeStatus = connection.on('status', (status) => status.state === 'open' && ask())
    if (connection.status.state === 'open') ask()
    return () => {
      removeMessages()
      removeStatus()
    }
  }, [connection, apply, openKey])

  const actions = useMemo(
    () => ({
      setPattern: (pattern: string) => {
        // The same pattern again (the filter box settling on mount) must not empty a list the
        // server already sent: it would stay empty until the next write.
        if (pattern === current.current.state.pattern) return
        apply((state) => setPattern(state, pattern))
        connection?.inspect({ type: 'watchKeys', pattern })
      },
      select: openKey,
      show: (key: string) => {
        if (current.current.state.selected !== key) openKey(key)
      },
      setMatch: (match: string) => {
        setMatchState(match)
        current.current = { ...current.current, match }
        const key = current.current.state.selected
        // The view stays until the filtered one arrives (the server answers in order, so no page
        // of the old filter can come after it): clearing it would unmount the field tools and
        // take the focus, the sort and the typed filter with them.
        if (key !== null) connection?.inspect({ type: 'openKey', key, match })
      },
      loadMore: () => {
        const view = current.current.state.view
        if (!view || view.cursor === '0') return
        const type = view.meta?.type === 'hash' ? 'moreFields' : 'moreItems'
        connection?.inspect({ type, key: view.key, cursor: view.cursor })
      },
      loadAll: () => {
        apply(startLoadAll)
        const view = current.current.state.view
        if (view?.loadingAll) connection?.inspect({ type: 'moreFields', key: view.key, cursor: view.cursor })
      },
      stopLoadAll: () => apply(stopLoadAll),
      loadMoreKeys: () => {
        const { pattern, keysCursor } = current.current.state
        if (keysCursor !== '0') connection?.inspect({ type: 'moreKeys', pattern, cursor: keysCursor })
      },
      selectDb: (db: number) => {
        apply((state) => switchDb(state, db))
        connection?.inspect({ type: 'selectDb', db })
      },
      searchValues: (text: string) => {
        const view = current.current.state.view
        if (view && text.trim() !== '') connection?.inspect({ type: 'searchValues', key: view.key, text })
      },
    }),
    [connection, apply, openKey]
  )
  return { state, match, ...actions }
}
