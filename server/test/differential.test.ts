/**
 * The terminal is valkey-cli: every corpus line (differential/*.txt) is run
 * through the playground's own pipeline, as the page runs it (LineRunner →
 * ProxyConnection → WebSocket → proxy → sandbox → formatter), and through the
 * real valkey-cli against an identical fresh database of the same Valkey;
 * the printed bytes must be identical, command by command.
 */
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { Playground } from '../src/app.ts'
import { EmbeddedValkey } from '../src/valkey/EmbeddedValkey.ts'
import { startTestPlayground } from './helpers.ts'
import { openPageTerminal } from './pageTerminal.ts'

const corpusDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'differential')
const corpora = readdirSync(corpusDir)
  .filter((name) => name.endsWith('.txt'))
  .sort()

/** A marker between commands, so both outputs can be cut per command. */
const marker = (index: number) => `ECHO "--8<-- ${index}"`
const markerOutput = (index: number) => `"--8<-- ${index}"\n`

type Step = { index: number; line: string }

/** Command lines, and the stream fed to both sides: markers between commands, not inside MULTI. */
function prepare(file: string): { steps: Step[]; stream: string[] } {
  const steps: Step[] = []
  const stream: string[] = []
  let inTransaction = false
  for (const line of readFileSync(path.join(corpusDir, file), 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue
    const step = { index: steps.length, line }
    steps.push(step)
    stream.push(line)
    const word = line.trim().split(/\s+/)[0]!.toUpperCase()
    if (word === 'MULTI') inTransaction = true
    if (word === 'EXEC' || word === 'DISCARD') inTransaction = false
    if (!inTransaction) stream.push(marker(step.index))
  }
  return { steps, stream }
}

/** Splits an output at the markers: index -> what the commands before that marker printed. */
function cut(output: string, steps: Step[]): Map<number, string> {
  const chunks = new Map<number, string>()
  let rest = output
  for (const { index } of steps) {
    const at = rest.indexOf(markerOutput(index))
    if (at < 0) continue
    chunks.set(index, rest.slice(0, at))
    rest = rest.slice(at + markerOutput(index).length)
  }
  return chunks
}

/** What the real valkey-cli prints for the stream, reading it from a pipe with TTY formatting. */
function runValkeyCli(cli: string, server: EmbeddedValkey, stream: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, ['-h', server.host, '-p', String(server.port), '-a', server.password, '--no-auth-warning'], {
      env: { ...process.env, FAKETTY: '1', TERM: 'dumb' },
    })
    const out: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.on('error', reject)
    child.on('close', () => resolve(Buffer.concat(out).toString('latin1')))
    child.stdin.end(stream.join('\n') + '\n')
  })
}

/** What the playground's terminal pipeline prints for the same stream, sent as one paste. */
async function runPlayground(port: number, stream: string[], valkeyVersion: string): Promise<string> {
  const terminal = await openPageTerminal(port, valkeyVersion)
  // Planned all at once (a paste): every command is sent before the first output is awaited.
  const planned = stream.map((line) => terminal.runner.plan(line))
  let output = ''
  for (const line of planned) output += await line.output()
  terminal.close()
  return output
}

describe('the terminal prints exactly what valkey-cli prints', () => {
  let playground: Playground
  const servers: EmbeddedValkey[] = []

  beforeAll(async () => {
    playground = await startTestPlayground()
  })
  afterAll(async () => {
    await playground?.close()
    for (const server of servers) await server.stop()
  })

  it('has a corpus of at least 200 command lines', () => {
    const total = corpora.reduce((sum, file) => sum + prepare(file).steps.length, 0)
    expect(total).toBeGreaterThanOrEqual(200)
  })

  it.each(corpora)('%s', async (file) => {
    const cli = inject('valkeyCli')
    expect(cli, 'valkey-cli of the same version as the server').toBeTruthy()
    const { steps, stream } = prepare(file)
    const reference = await EmbeddedValkey.start({ binary: inject('valkeyServer'), databases: 1 })
    servers.push(reference)

    const [expected, actual] = await Promise.all([
      runValkeyCli(cli, reference, stream),
      runPlayground(playground.port, stream, playground.capabilities.valkeyVersion),
    ])
    const expectedChunks = cut(expected, steps)
    const actualChunks = cut(actual, steps)
    // Every marker must be found on both sides (a missing one means a command's output swallowed it).
    expect([...expectedChunks.keys()]).toEqual([...actualChunks.keys()])
    for (const [index, chunk] of expectedChunks) {
      expect(actualChunks.get(index), `output of: ${steps[index]!.line}`).toBe(chunk)
    }
    expect(actual).toBe(expected)
  })
})
