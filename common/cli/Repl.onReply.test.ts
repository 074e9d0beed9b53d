/** The REPL tells who asks about each entered line's output, once, in order (the page's test API counts on it). */
import { describe, expect, it } from 'vitest'
import type { Reply } from '../protocol/index.ts'
import { Repl, type CommandResult, type Transport } from './Repl.ts'

class LaterTransport implements Transport {
  readonly #pending: ((result: CommandResult) => void)[] = []
  run(): Promise<CommandResult> {
    return new Promise((resolve) => this.#pending.push(resolve))
  }
  release(reply: Reply): void {
    this.#pending.shift()?.({ replies: [reply], ms: 1 })
  }
  cancel(): void {}
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('Repl onReply', () => {
  it('reports each line with its own output, in order, and runLine gets its own line output', async () => {
    const transport = new LaterTransport()
    const seen: [string, string][] = []
    let written = ''
    const repl = new Repl({
      io: { write: (bytes) => (written += bytes), columns: () => 80 },
      transport,
      onReply: (line, output) => seen.push([line, output]),
    })
    repl.setServer('127.0.0.1:6379')
    expect(repl.promptReady).toBe(false)
    repl.setConnected(true)
    repl.start()
    expect(repl.promptReady).toBe(true)
    const mine: string[] = []
    repl.input('HSET k f 1\r')
    repl.runLine('HGET k f', (output) => mine.push(output))
    repl.input('\r')
    await settle()
    expect(repl.promptReady).toBe(false)
    transport.release({ t: 'int', n: '1' })
    await settle()
    expect(seen).toEqual([['HSET k f 1', '(integer) 1\n']])
    expect(mine).toEqual([])
    transport.release({ t: 'bulk', s: '1' })
    await settle()
    expect(seen.slice(1)).toEqual([
      ['HGET k f', '"1"\n'],
      ['', ''],
    ])
    expect(mine).toEqual(['"1"\n'])
    expect(written).toContain('"1"')
    expect(repl.promptReady).toBe(true)
  })
})
