/**
 * @module Splits terminal input (xterm.js onData) into typed text and keys.
 */

export type KeyName =
  | 'enter'
  | 'tab'
  | 'backspace'
  | 'delete'
  | 'escape'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'ctrl-a'
  | 'ctrl-b'
  | 'ctrl-c'
  | 'ctrl-d'
  | 'ctrl-e'
  | 'ctrl-f'
  | 'ctrl-h'
  | 'ctrl-k'
  | 'ctrl-l'
  | 'ctrl-n'
  | 'ctrl-p'
  | 'ctrl-t'
  | 'ctrl-u'
  | 'ctrl-w'

export type KeyEvent = { type: 'text'; text: string } | { type: 'key'; name: KeyName }

const SEQUENCES: [string, KeyName][] = [
  ['\x1b[A', 'up'],
  ['\x1bOA', 'up'],
  ['\x1b[B', 'down'],
  ['\x1bOB', 'down'],
  ['\x1b[C', 'right'],
  ['\x1bOC', 'right'],
  ['\x1b[D', 'left'],
  ['\x1bOD', 'left'],
  ['\x1b[H', 'home'],
  ['\x1bOH', 'home'],
  ['\x1b[1~', 'home'],
  ['\x1b[7~', 'home'],
  ['\x1b[F', 'end'],
  ['\x1bOF', 'end'],
  ['\x1b[4~', 'end'],
  ['\x1b[8~', 'end'],
  ['\x1b[3~', 'delete'],
]

const CONTROLS: Record<string, KeyName> = {
  '\r': 'enter',
  '\n': 'enter',
  '\t': 'tab',
  '\x7f': 'backspace',
  '\x08': 'ctrl-h',
  '\x01': 'ctrl-a',
  '\x02': 'ctrl-b',
  '\x03': 'ctrl-c',
  '\x04': 'ctrl-d',
  '\x05': 'ctrl-e',
  '\x06': 'ctrl-f',
  '\x0b': 'ctrl-k',
  '\x0c': 'ctrl-l',
  '\x0e': 'ctrl-n',
  '\x10': 'ctrl-p',
  '\x14': 'ctrl-t',
  '\x15': 'ctrl-u',
  '\x17': 'ctrl-w',
}

export function parseInput(data: string): KeyEvent[] {
  const events: KeyEvent[] = []
  let text = ''
  const flush = () => {
    if (text) events.push({ type: 'text', text })
    text = ''
  }
  for (let i = 0; i < data.length;) {
    const char = data[i]!
    if (char === '\x1b') {
      const match = SEQUENCES.find(([sequence]) => data.startsWith(sequence, i))
      flush()
      if (match) {
        events.push({ type: 'key', name: match[1] })
        i += match[0].length
        continue
      }
      // Bracketed-paste markers and unknown sequences are skipped whole.
      const csi = /^\x1b\[[0-9;]*[~A-Za-z]/.exec(data.slice(i, i + 16))
      if (csi) {
        i += csi[0].length
        continue
      }
      events.push({ type: 'key', name: 'escape' })
      i++
      continue
    }
    const control = CONTROLS[char]
    if (control) {
      flush()
      // A pasted Windows line end (\r\n) is one Enter, not two.
      if (control === 'enter' && char === '\r' && data[i + 1] === '\n') i++
      events.push({ type: 'key', name: control })
      i++
      continue
    }
    if (char < ' ') {
      i++ // other control characters are ignored, as linenoise does
      continue
    }
    text += char
    i++
  }
  flush()
  return events
}
