/**
 * @module Each sandbox's memory quota: which commands it stops, and what it says.
 *
 * A sandbox whose data (as the MemoryMeter measures it) has reached the quota may still read,
 * delete and expire, but not run a command that can grow memory: those Valkey itself flags
 * `denyoom` (read from COMMAND at start, so nothing is assumed about the version), and script
 * commands that may write (EVAL, EVALSHA, FCALL; their _RO forms stay allowed). Before refusing,
 * the usage is confirmed against Valkey (see MemoryMeter.confirm). Scripts below the quota get
 * what is left of it as their budget (scriptGuard). The refusal starts with `OOM`, as Valkey's own
 * does, so code that handles Valkey's OOM handles this one.
 *
 * Valkey's own `maxmemory` stays as the server's ceiling; quotas keep any one sandbox far below
 * it, so no sandbox sees Valkey's OOM because of another.
 */
import type { AdminClient } from '../valkey/adminClient.ts'
import type { MemoryMeter } from './MemoryMeter.ts'

const MB = 1024 * 1024
/** Script commands that may write; their read-only forms are not here. */
const WRITING_SCRIPTS = ['EVAL', 'EVALSHA', 'FCALL']

export class MemoryQuota {
  readonly #growing: Set<string>

  constructor(
    readonly meter: MemoryMeter,
    readonly quotaBytes: number,
    /** Upper-case names of the commands Valkey flags denyoom. */
    growing: Iterable<string>
  ) {
    this.#growing = new Set([...growing, ...WRITING_SCRIPTS])
  }

  /** The quota in whole megabytes, as configured. */
  get quotaMb(): number {
    return Math.round(this.quotaBytes / MB)
  }

  /** Names Valkey flags denyoom (for the script guard). */
  get growingCommands(): string[] {
    return [...this.#growing].filter((name) => !WRITING_SCRIPTS.includes(name))
  }

  /**
   * The command could grow memory and the sandbox is at its quota as last measured, or would be
   * after it (no waiting). `args` are the command's, for the two that say how far they grow.
   */
  mayRefuse(db: number, name: string, args: readonly string[]): boolean {
    return this.#growing.has(name) && this.meter.usage(db) + announcedGrowth(name, args) >= this.quotaBytes
  }

  /** The refusal text, or null once a fresh measurement shows the command fits the quota. */
  async refusal(db: number, name: string, args: readonly string[]): Promise<string | null> {
    const usage = await this.meter.confirm(db).catch(() => this.meter.usage(db))
    const growth = announcedGrowth(name, args)
    if (usage + growth < this.quotaBytes) return null
    const mb = (bytes: number) => (bytes / MB).toFixed(1)
    const state =
      usage >= this.quotaBytes || growth < 64 * 1024
        ? `your sandbox's data takes ${mb(usage)} MB and its memory quota is ${this.quotaMb} MB`
        : `this would grow your sandbox's data from ${mb(usage)} MB by ${mb(growth)} MB, past its memory quota of ${this.quotaMb} MB`
    return `OOM command not allowed: ${state}. Free space with DEL, UNLINK, FLUSHDB or EXPIRE, then try again (reads still work)`
  }

  /** What a script of this sandbox may still add, in bytes. */
  remaining(db: number): number {
    return Math.max(0, this.quotaBytes - this.meter.usage(db))
  }

  /** The database was emptied. */
  emptied(db: number): void {
    this.meter.reset(db)
  }
}

/**
 * Bytes a command may add, as far as it says: what it carries, or for SETRANGE and SETBIT the
 * offset they name (one of them can make a 16 MB string out of nothing).
 */
function announcedGrowth(name: string, args: readonly string[]): number {
  const offset = Number(args[2])
  if (name === 'SETRANGE' && Number.isSafeInteger(offset) && offset >= 0) return offset + (args[3]?.length ?? 0)
  if (name === 'SETBIT' && Number.isSafeInteger(offset) && offset >= 0) return Math.floor(offset / 8) + 1
  let bytes = 0
  for (let i = 1; i < args.length; i++) bytes += args[i]!.length
  return bytes
}

/** Upper-case names of the commands the server flags `denyoom` (they may grow memory). */
export async function readGrowingCommands(admin: AdminClient): Promise<string[]> {
  const commands = (await admin.call('command')) as unknown[]
  const names: string[] = []
  for (const entry of commands) {
    if (!Array.isArray(entry)) continue
    const [name, , flags] = entry as [unknown, unknown, unknown]
    if (typeof name === 'string' && Array.isArray(flags) && flags.includes('denyoom')) names.push(name.toUpperCase())
  }
  return names
}
