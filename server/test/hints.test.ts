/**
 * Hints, help and Tab completion come from the live server's COMMAND DOCS,
 * through GET /api/command-docs. Hints are compared with the real
 * valkey-cli's own answer (`valkey-cli --test_hint <input>`) for every input
 * of hint-corpus.txt; `help` output is covered by the byte-for-byte
 * corpus (differential/05-help.txt).
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Playground } from '../src/app.ts'
import type { CommandDocsPayload } from '../../common/protocol/index.ts'
import { EmbeddedValkey } from '../src/valkey/EmbeddedValkey.ts'
import { createCommandHelp } from '../../common/cli/commandHelp.ts'
import { hintForLine } from '../../common/cli/hints.ts'
import { quoteRulesFor } from '../../common/cli/splitArgs.ts'
import { startTestPlayground } from './helpers.ts'

const run = promisify(execFile)
const here = path.dirname(fileURLToPath(import.meta.url))

/** Inputs of the hint corpus; a trailing `|` marks where each input ends. */
const inputs = readFileSync(path.join(here, 'hint-corpus.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.endsWith('|') && !line.startsWith('#'))
  .map((line) => line.slice(0, -1))

/**
 * What valkey-cli hints for the input; null for no hint at all. (It prints a
 * missing hint with printf("%s\n", NULL), which the compiler turns into
 * puts(NULL): the process dies of SIGSEGV, and that is how we recognise it.)
 */
async function cliHint(cli: string, server: EmbeddedValkey, input: string): Promise<string | null> {
  try {
    const args = ['-h', server.host, '-p', String(server.port), '-a', server.password, '--no-auth-warning', '--test_hint', input]
    const { stdout } = await run(cli, args)
    return stdout.replace(/\n$/, '')
  } catch (error) {
    if ((error as { signal?: string }).signal === 'SIGSEGV') return null
    throw error
  }
}

async function fetchDocs(port: number, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/api/command-docs`, { headers })
}

describe('hints, help and completion from COMMAND DOCS', () => {
  let playground: Playground
  let reference: EmbeddedValkey
  let docs: CommandDocsPayload

  beforeAll(async () => {
    playground = await startTestPlayground()
    reference = await EmbeddedValkey.start({ binary: inject('valkeyServer'), databases: 1 })
    docs = (await (await fetchDocs(playground.port)).json()) as CommandDocsPayload
  })
  afterAll(async () => {
    await playground?.close()
    await reference?.stop()
  })

  it('serves the docs compressed, with an ETag that revalidates', async () => {
    const first = await fetchDocs(playground.port, { 'accept-encoding': 'gzip' })
    expect(first.status).toBe(200)
    const etag = first.headers.get('etag')
    expect(etag).toBeTruthy()
    const again = await fetchDocs(playground.port, { 'if-none-match': etag! })
    expect(again.status).toBe(304)
    expect(docs.valkeyVersion).toBe(playground.capabilities.valkeyVersion)
    const hset = docs.entries.find((entry) => entry.words.join(' ') === 'HSET')
    expect(hset?.group).toBe('hash')
    expect(docs.entries.some((entry) => entry.words.join(' ') === 'CLIENT KILL')).toBe(true)
    expect(first.headers.get('content-encoding')).toBe('gzip')
    expect(first.headers.get('content-type')).toContain('application/json')
  })

  it(`gives valkey-cli's hint for each of the ${inputs.length} corpus inputs`, async () => {
    const cli = inject('valkeyCli')
    const rules = quoteRulesFor(docs.valkeyVersion)
    const mismatches: string[] = []
    const queue = [...inputs]
    const worker = async () => {
      for (let input = queue.shift(); input !== undefined; input = queue.shift()) {
        const expected = await cliHint(cli, reference, input)
        const actual = hintForLine(docs.entries, input, rules)
        if (actual !== expected)
          mismatches.push(`${JSON.stringify(input)}: valkey-cli ${JSON.stringify(expected)}, playground ${JSON.stringify(actual)}`)
      }
    }
    await Promise.all([worker(), worker(), worker(), worker()])
    expect(mismatches).toEqual([])
  })

  it('completes command names like valkey-cli, cycling through every H command', () => {
    const help = createCommandHelp(docs)
    const h = help.completions('h')
    const classic = [
      'HDEL',
      'HELLO',
      'HEXISTS',
      'HGET',
      'HGETALL',
      'HINCRBY',
      'HINCRBYFLOAT',
      'HKEYS',
      'HLEN',
      'HMGET',
      'HMSET',
      'HRANDFIELD',
      'HSCAN',
      'HSET',
      'HSETNX',
      'HSTRLEN',
      'HVALS',
    ]
    for (const name of classic) expect(h).toContain(name)
    expect([...h].sort()).toEqual(h) // strcmp order
    expect(h.includes('HEXPIRE')).toBe(playground.capabilities.hashFieldExpiration)
    expect(help.completions('client k')).toEqual(['CLIENT KILL'])
    expect(help.completions('help @h')).toEqual(['help @hash', 'help @hyperloglog'])
    expect(help.completions('hset k ')).toEqual([])
  })
})
