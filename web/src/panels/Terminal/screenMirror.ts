/**
 * @module While the instructor watches, sends what this terminal prints to the server, which
 * relays it to the instructor's read-only copy.
 *
 * A watch starts with the whole screen as xterm.js's serialize addon writes it (text, colours,
 * cursor), then every write as the bytes xterm was given, gathered for FLUSH_MS so a paste's
 * thousand writes travel as a few frames. Nothing is sent while nobody watches. Limits: the
 * instructor's copy is as wide as this terminal (cols travel with each frame); a frame carries at
 * most LIMITS.maxScreenBytes, more waits for the next one.
 */
import type { Terminal } from '@xterm/xterm'
import { SerializeAddon } from '@xterm/addon-serialize'
import { LIMITS } from '../../../../common/protocol/index.ts'
import type { ProxyConnection } from '../../../../common/connection/ProxyConnection.ts'

const FLUSH_MS = 40
/** Scrollback rows the first frame of a watch includes besides the screen. */
const SNAPSHOT_SCROLLBACK = 200

/** Text (UTF-16) as the byte string of its UTF-8, the form terminal output travels in. */
function utf8Bytes(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let out = ''
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192))
  return out
}

export type ScreenMirror = {
  /** Every byte string written to the terminal passes here. */
  wrote(bytes: string): void
  dispose(): void
}

export function mirrorScreen(terminal: Terminal, connection: ProxyConnection): ScreenMirror {
  const serializer = new SerializeAddon()
  terminal.loadAddon(serializer)
  let watched = false
  let pending = ''
  let timer: ReturnType<typeof setTimeout> | undefined

  const flush = () => {
    timer = undefined
    while (watched && pending.length > 0) {
      const chunk = pending.slice(0, LIMITS.maxScreenBytes)
      if (!connection.screen(chunk, terminal.cols, terminal.rows, false)) break
      pending = pending.slice(chunk.length)
    }
    if (!watched) pending = ''
  }

  const start = () => {
    watched = true
    pending = ''
    clearTimeout(timer)
    timer = undefined
    // The snapshot may be larger than a frame: its tail is the screen, which is what matters.
    const whole = utf8Bytes(serializer.serialize({ scrollback: SNAPSHOT_SCROLLBACK }))
    connection.screen(whole.slice(-LIMITS.maxScreenBytes), terminal.cols, terminal.rows, true)
  }

  const stop = connection.on('watched', (on) => {
    if (on) start()
    else {
      watched = false
      pending = ''
    }
  })
  const lost = connection.on('status', (status) => {
    // After a reconnect the server says again whether someone watches.
    if (status.state !== 'open') watched = false
  })

  return {
    wrote(bytes) {
      if (!watched) return
      pending += bytes
      timer ??= setTimeout(flush, FLUSH_MS)
    },
    dispose() {
      clearTimeout(timer)
      stop()
      lost()
      serializer.dispose()
    },
  }
}
