/**
 * @module Inspect mode's developer tools in the header: "Search values" (across keys) and
 * "Server" (slow log, clients, memory, keyspace), each opening a drawer over the right of the page.
 * The drawer is fixed to the viewport and no wider than it, so it never widens the page; the
 * inspector stays usable beside it, and a search result opens its key there.
 */
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react'
import { KeySearchPanel } from './KeySearchPanel.tsx'
import { ServerView } from './ServerView.tsx'

type Tool = 'search' | 'server'

const TITLES: Record<Tool, string> = { search: 'Search values across keys', server: 'Server' }

export function DevTools({ onOpenKey }: { onOpenKey: (key: string) => void }) {
  const [open, setOpen] = useState<Tool | null>(null)
  const toggle = (tool: Tool) => setOpen((current) => (current === tool ? null : tool))
  return (
    <>
      <button
        type="button"
        className="devtools-toggle"
        data-testid="open-key-search"
        aria-pressed={open === 'search'}
        onClick={() => toggle('search')}
      >
        Search values
      </button>
      <button
        type="button"
        className="devtools-toggle"
        data-testid="open-server-view"
        aria-pressed={open === 'server'}
        onClick={() => toggle('server')}
      >
        Server
      </button>
      {/* The search stays mounted (hidden when closed), so a running search goes on while the server view is looked at; the server view is read again each time it opens. */}
      <DevToolsDrawer tool="search" open={open} onClose={() => setOpen(null)}>
        <KeySearchPanel onOpenKey={onOpenKey} />
      </DevToolsDrawer>
      {open === 'server' && (
        <DevToolsDrawer tool="server" open={open} onClose={() => setOpen(null)}>
          <ServerView />
        </DevToolsDrawer>
      )}
    </>
  )
}

function DevToolsDrawer({ tool, open, onClose, children }: { tool: Tool; open: Tool | null; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLElement>(null)
  // Just below the header, however many lines it wraps to, so the header's buttons stay clickable.
  useLayoutEffect(() => {
    const header = document.querySelector('.app-header')
    if (ref.current && header && open === tool) ref.current.style.top = `${Math.round(header.getBoundingClientRect().bottom)}px`
  }, [open, tool])
  return (
    <aside ref={ref} className="devtools-drawer" data-testid={`devtools-${tool}`} aria-label={TITLES[tool]} hidden={open !== tool}>
      <div className="devtools-head">
        <h2>{TITLES[tool]}</h2>
        <button type="button" data-testid="devtools-close" aria-label={`Close ${TITLES[tool]}`} onClick={onClose}>
          ✕
        </button>
      </div>
      {children}
    </aside>
  )
}
