import { describe, expect, it } from 'vitest'
import type { MemoryMeter } from './MemoryMeter.ts'
import { MemoryQuota } from './MemoryQuota.ts'
import { scriptGuardLine } from './scriptGuard.ts'

const MB = 1024 * 1024

/** A meter that reports fixed usages (the real one is tested against Valkey in memoryQuota.test.ts). */
function fakeMeter(usage: Map<number, number>): MemoryMeter {
  return {
    usage: (db: number) => usage.get(db) ?? 0,
    confirm: (db: number) => Promise.resolve(usage.get(db) ?? 0),
    reset: (db: number) => void usage.delete(db),
  } as unknown as MemoryMeter
}

describe('MemoryQuota', () => {
  const usage = new Map([
    [1, 10 * MB],
    [2, 64 * MB],
  ])
  const quota = new MemoryQuota(fakeMeter(usage), 64 * MB, ['SET', 'HSET', 'SETRANGE', 'SETBIT'])

  it('stops only growing commands, and only when the sandbox is full or the command would fill it', () => {
    expect(quota.mayRefuse(1, 'SET', ['SET', 'k', 'v'])).toBe(false)
    expect(quota.mayRefuse(2, 'SET', ['SET', 'k', 'v'])).toBe(true)
    expect(quota.mayRefuse(2, 'GET', ['GET', 'k'])).toBe(false)
    expect(quota.mayRefuse(2, 'DEL', ['DEL', 'k'])).toBe(false)
    expect(quota.mayRefuse(2, 'EVAL', ['EVAL', 'return 1', '0'])).toBe(true)
    expect(quota.mayRefuse(2, 'EVAL_RO', ['EVAL_RO', 'return 1', '0'])).toBe(false)
    // SETRANGE and SETBIT say how far they grow.
    expect(quota.mayRefuse(1, 'SETRANGE', ['SETRANGE', 'k', String(60 * MB), 'x'])).toBe(true)
    expect(quota.mayRefuse(1, 'SETBIT', ['SETBIT', 'k', String(8 * 60 * MB), '1'])).toBe(true)
    expect(quota.mayRefuse(1, 'SETBIT', ['SETBIT', 'k', '8', '1'])).toBe(false)
  })

  it('names the quota and how to free space', async () => {
    expect(await quota.refusal(2, 'SET', ['SET', 'k', 'v'])).toBe(
      "OOM command not allowed: your sandbox's data takes 64.0 MB and its memory quota is 64 MB. Free space with DEL, UNLINK, FLUSHDB or EXPIRE, then try again (reads still work)"
    )
    expect(await quota.refusal(1, 'SETRANGE', ['SETRANGE', 'k', String(60 * MB), 'x'])).toMatch(
      /^OOM command not allowed: this would grow your sandbox's data from 10\.0 MB by 60\.0 MB, past its memory quota of 64 MB\./
    )
    expect(await quota.refusal(1, 'SET', ['SET', 'k', 'v'])).toBeNull()
  })

  it('gives scripts what is left as their budget', () => {
    expect(quota.remaining(1)).toBe(54 * MB)
    expect(quota.remaining(2)).toBe(0)
  })
})

describe('scriptGuardLine', () => {
  it('is one line (script line numbers stay as written) naming only well-formed commands', () => {
    const line = scriptGuardLine(['SET', 'HSET', "x'; evil", 'FOO BAR'], 64)
    expect(line).not.toMatch(/\n/)
    expect(line).toMatch(/set=true,hset=true\}/)
    expect(line).not.toMatch(/evil|foo/)
    expect(line).toMatch(/memory quota of 64 MB/)
  })
})
