/**
 * The REPL loop with a scripted transport standing in for the WebSocket
 * (the real pipeline is covered end to end in server/test and e2e/).
 */
import { describe, expect, it } from 'vitest'
import type { Reply } from '../protocol/index.ts'
import { MAX_LINE_BYTES } from './LineEditor.ts'
import { Repl, type CommandResult, type Transport } from './Repl.ts'

class ScriptedTransport implements Transport {
  sent: string[][] = []
  cancelled = 0
  #pending: ((result: CommandResult) => void)[] = []
  constructor(private readonly answer?: (args: string[]) => Reply) {}
  run(args: string[]): Promise<CommandResult> {
    this.sent.push(args)
    if (this.answer) return Promise.resolve({ replies: [this.answer(args)], ms: 1 })
    return new Promise((resolve) => this.#pending.push(resolve))
  }
  release(reply: Reply, ms = 1): void {
    this.#pending.shift()?.({ replies: [reply], ms })
  }
  cancel(): void {
    this.cancelled++
  }
}

/** Interprets enough of the escape sequences to read the screen as plain lines. */
function screen(output: string): string {
  const lines: string[] = ['']
  let row = 0
  let col = 0
  const put = (char: string) => {
    const line = lines[row] ?? ''
    lines[row] = line.padEnd(col, ' ').slice(0, col) + char + line.slice(col + 1)
    col++
  }
  for (let i = 0; i < output.length; i++) {
    const char = output[i]!
    if (char === '\x1b') {
      const match = /^\x1b\[(\d*)(?:;\d+)*([A-Za-z])/.exec(output.slice(i))
      if (match) {
        const n = Number(match[1] || 1)
        if (match[2] === 'A') row = Math.max(0, row - n)
        if (match[2] === 'B') row += n
        if (match[2] === 'C') col += n
        if (match[2] === 'K') lines[row] = (lines[row] ?? '').slice(0, col)
        if (match[2] === 'J') {
          lines.splice(row + 1)
          lines[row] = (lines[row] ?? '').slice(0, col)
        }
        i += match[0].length - 1
      }
      continue
    }
    if (char === '\r') col = 0
    else if (char === '\n') {
      row++
      lines[row] ??= ''
    } else put(char)
  }
  return lines.map((line) => line.trimEnd()).join('\n')
}

function setup(answer?: (args: string[]) => Reply) {
  let output = ''
  const transport = new ScriptedTransport(answer)
  const repl = new Repl({ io: { write: (bytes) => (output += bytes), columns: () => 80 }, transport })
  repl.setServer('127.0.0.1:6379')
  repl.setConnected(true)
  repl.start()
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0))
  return { repl, transport, screen: () => screen(output), settle }
}

describe('Repl', () => {
  it('sends a pasted line far beyond linenoise 4 KB buffer whole (8 KB and 40 KB values)', async () => {
    const { repl, transport, settle } = setup(() => ({ t: 'int', n: '1' }))
    for (const size of [8_000, 40_000]) {
      repl.input(`HSET t f "${'x'.repeat(size)}"`)
      repl.input('\r')
      await settle()
      expect(transport.sent.at(-1)).toEqual(['HSET', 't', 'f', 'x'.repeat(size)])
    }
  })

  it('refuses a paste beyond the command size limit whole, and says why', async () => {
    const { repl, transport, screen, settle } = setup(() => ({ t: 'int', n: '1' }))
    repl.input('SET big ')
    repl.input('y'.repeat(MAX_LINE_BYTES))
    expect(screen()).toContain(`Nothing was pasted: the line would be ${(MAX_LINE_BYTES + 8).toLocaleString('en')} bytes`)
    expect(repl.inputText).toBe('SET big ')
    repl.input('1\r')
    await settle()
    expect(transport.sent).toEqual([['SET', 'big', '1']])
  })

  it('sends the split arguments and prints the reply like valkey-cli', async () => {
    const { repl, transport, screen, settle } = setup(() => ({ t: 'int', n: '2' }))
    repl.input('HSET session:han_solo username "hsolo" species "human"\r')
    await settle()
    expect(transport.sent).toEqual([['HSET', 'session:han_solo', 'username', 'hsolo', 'species', 'human']])
    expect(screen()).toBe('127.0.0.1:6379> HSET session:han_solo username "hsolo" species "human"\n(integer) 2\n127.0.0.1:6379>')
  })

  it('prints Invalid argument(s) for bad quoting without sending anything', async () => {
    const { repl, transport, screen, settle } = setup(() => ({ t: 'nil' }))
    repl.input('GET "unterminated\r')
    await settle()
    expect(transport.sent).toEqual([])
    expect(screen()).toContain('Invalid argument(s)')
  })

  it('pipelines a pasted block but prints each line and its reply in order', async () => {
    const { repl, transport, screen, settle } = setup()
    repl.input('INCR a\rINCR b\rINCR c\r')
    await settle()
    expect(transport.sent).toHaveLength(3) // all sent before any reply arrived
    transport.release({ t: 'int', n: '1' })
    transport.release({ t: 'int', n: '2' })
    transport.release({ t: 'int', n: '3' })
    await settle()
    expect(screen()).toBe(
      [
        '127.0.0.1:6379> INCR a',
        '(integer) 1',
        '127.0.0.1:6379> INCR b',
        '(integer) 2',
        '127.0.0.1:6379> INCR c',
        '(integer) 3',
        '127.0.0.1:6379>',
      ].join('\n')
    )
  })

  it('shows (TX) between MULTI and EXEC', async () => {
    const { repl, screen, settle } = setup((args) =>
      args[0] === 'MULTI' ? { t: 'str', s: 'OK' } : args[0] === 'EXEC' ? { t: 'arr', a: [] } : { t: 'str', s: 'QUEUED' }
    )
    repl.input('MULTI\r')
    await settle()
    expect(repl.prompt).toBe('127.0.0.1:6379(TX)> ')
    repl.input('EXEC\r')
    await settle()
    expect(repl.prompt).toBe('127.0.0.1:6379> ')
    expect(screen()).toContain('127.0.0.1:6379(TX)> EXEC\n(empty array)')
  })

  it('repeats a command with a count prefix, and rejects a bad count', async () => {
    let n = 0
    const { repl, transport, screen, settle } = setup(() => ({ t: 'int', n: String(++n) }))
    repl.input('3 INCR a\r')
    await settle()
    expect(transport.sent).toEqual([
      ['INCR', 'a'],
      ['INCR', 'a'],
      ['INCR', 'a'],
    ])
    expect(screen()).toContain('(integer) 1\n(integer) 2\n(integer) 3')
    repl.input('0 INCR a\r')
    await settle()
    expect(screen()).toContain('Invalid valkey-cli repeat command option value.')
  })

  it('cancels with Ctrl-C while a command runs, and clears the line otherwise', async () => {
    const { repl, transport, screen, settle } = setup()
    repl.input('partial')
    repl.input('\x03')
    expect(transport.cancelled).toBe(0)
    expect(screen()).toBe('127.0.0.1:6379> partial^C\n127.0.0.1:6379>')
    repl.input('BLPOP k 0\r')
    repl.input('\x03')
    expect(transport.cancelled).toBe(1)
    transport.release({ t: 'err', s: 'UNBLOCKED client unblocked via CLIENT UNBLOCK' })
    await settle()
    expect(screen()).toContain('(error) UNBLOCKED client unblocked via CLIENT UNBLOCK')
  })

  it('recalls history with the arrow keys', async () => {
    const { repl, screen, settle } = setup(() => ({ t: 'str', s: 'PONG' }))
    repl.input('PING one\r')
    await settle()
    repl.input('\x1b[A')
    expect(screen().split('\n').at(-1)).toBe('127.0.0.1:6379> PING one')
  })

  it('prints pushes and notices above the line being typed', () => {
    const { repl, screen } = setup()
    repl.input('HGET')
    repl.push({
      t: 'arr',
      a: [
        { t: 'bulk', s: 'message' },
        { t: 'bulk', s: 'news' },
        { t: 'bulk', s: 'hi' },
      ],
    })
    expect(screen()).toBe('1) "message"\n2) "news"\n3) "hi"\n127.0.0.1:6379> HGET')
  })

  it('shows not connected> while disconnected', () => {
    const { repl } = setup()
    repl.setConnected(false)
    expect(repl.prompt).toBe('not connected> ')
  })
})
