/**
 * @module The terminal panel: xterm.js wired to the valkey-cli REPL.
 *
 * Everything registered here (input, resize, connection events, the test
 * API) goes into one list of disposers run on unmount, the way xterm.js
 * addons manage their listeners.
 */
import { useEffect, useLayoutEffect, useRef } from 'react'
import { Terminal } from '@xterm/xterm'
import { FitAddon } from '@xterm/addon-fit'
import '@xterm/xterm/css/xterm.css'
import { byteArray } from '../../../../common/cli/bytes.ts'
import { Repl } from '../../../../common/cli/Repl.ts'
import { useConnection } from '../../connection/ConnectionContext.tsx'
import { playgroundApi } from '../../testing/playgroundApi.ts'
import { localHistoryStore } from './historyStore.ts'
import { readLines } from './readLines.ts'
import { connectReplToProxy } from './connectReplToProxy.ts'
import { mirrorScreen } from './screenMirror.ts'
import { loadCommandHelp } from './loadCommandHelp.ts'
import { markDrawn, markPrompt } from './promptMark.ts'
import { plainReply, ReplyTracker, type ReplyState } from './replyTracker.ts'
import type { TerminalBridge } from './TerminalBridge.ts'

type TerminalPanelProps = {
  bridge: TerminalBridge
  /** Told when the terminal's database changes (SELECT): inspect mode's inspector follows it. */
  onDb?: (db: number) => void
}

export function TerminalPanel({ bridge, onDb }: TerminalPanelProps) {
  const connection = useConnection()
  const container = useRef<HTMLDivElement>(null)
  // Read when the terminal reports a change, so a new callback does not rebuild the terminal.
  const dbListener = useRef(onDb)
  useEffect(() => {
    dbListener.current = onDb
  }, [onDb])

  // A layout effect: the terminal is made in the commit that mounts the page, before its first
  // paint, rather than after it (where passive effects of the first render run); the prompt
  // appears that much sooner.
  useLayoutEffect(() => {
    const element = container.current
    if (!element || !connection) return
    const disposers: (() => void)[] = []

    const terminal = new Terminal({
      cursorBlink: true,
      fontFamily: '"JetBrains Mono", "Fira Code", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 14,
      // Some monospace fonts draw underscores below a 1.0 line; they would vanish.
      lineHeight: 1.2,
      scrollback: 10_000,
      allowProposedApi: false,
      theme: { background: '#0d1117', foreground: '#e6edf3', cursor: '#58a6ff', selectionBackground: '#264f78' },
    })
    const fit = new FitAddon()
    terminal.loadAddon(fit)
    terminal.open(element)
    fit.fit()
    disposers.push(() => terminal.dispose())

    // xterm.js parses writes asynchronously; the tracker counts the ones not drawn yet so the
    // test API can say "busy" until the screen shows everything, and count replies once drawn.
    // Its state is published on the panel's root for test authors (data-state, data-replies).
    const root = element.closest<HTMLElement>('[data-testid="terminal"]') ?? element
    const tracker = new ReplyTracker(
      () => repl.busy,
      (state) => publishState(root, state)
    )
    // The instructor's watch sees every write, as the bytes given to xterm.
    const mirror = mirrorScreen(terminal, connection)
    disposers.push(() => mirror.dispose())
    const write = (bytes: string) => {
      const drawn = tracker.wrote()
      terminal.write(byteArray(bytes), () => {
        drawn()
        if (repl.promptReady) markPrompt()
        markDrawn()
      })
      mirror.wrote(bytes)
    }
    const repl: Repl = new Repl({
      io: { write, columns: () => terminal.cols },
      transport: connection,
      history: localHistoryStore,
      onDb: (db) => dbListener.current?.(db),
      onReply: (_line, output) => tracker.replied(output),
    })
    const input = terminal.onData((data) => repl.input(data))
    disposers.push(() => input.dispose())
    disposers.push(connectReplToProxy(repl, connection))
    disposers.push(loadCommandHelp(repl, connection))
    disposers.push(bridge.attach({ runLine: (line) => repl.runLine(line), focus: () => terminal.textarea?.focus({ preventScroll: true }) }))

    const resize = new ResizeObserver(() => fit.fit())
    resize.observe(element)
    disposers.push(() => resize.disconnect())

    const api = playgroundApi()
    api.terminal = {
      lines: () => readLines(terminal),
      text: () => readLines(terminal).join('\n'),
      busy: () => !tracker.state.idle,
      helpReady: () => repl.helpReady,
      input: () => repl.inputText,
      replies: () => tracker.state.replies,
      lastReply: () => tracker.state.lastReply,
      run: (line) => new Promise((resolve) => repl.runLine(line, (output) => tracker.whenDrawn(() => resolve(plainReply(output))))),
    }
    disposers.push(() => delete api.terminal)

    repl.start()
    terminal.focus()
    return () => disposers.reverse().forEach((dispose) => dispose())
  }, [connection, bridge])

  return <div className="terminal-host" ref={container} onClick={() => container.current?.querySelector('textarea')?.focus()} />
}

/** The test API's state as attributes of the terminal panel's root, for Playwright's toHaveAttribute. */
function publishState(root: HTMLElement, state: ReplyState): void {
  root.dataset.state = state.idle ? 'idle' : 'busy'
  root.dataset.replies = String(state.replies)
}
