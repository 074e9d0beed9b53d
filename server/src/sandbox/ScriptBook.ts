/**
 * @module Scripts per sandbox: the script cache and the Lua VM, which Valkey shares between all
 * databases, fenced so no sandbox sees or changes another's.
 *
 * - Cache: each sandbox has its own book of scripts it ran or loaded (by SHA1 of the script as
 *   written). EVALSHA of a SHA the sandbox never used is sent with a SHA no script has, so Valkey
 *   itself answers NOSCRIPT, exactly; of one it did, it is sent as EVAL of the whole script, so
 *   another sandbox evicting the server's cache (500 distinct EVALs) cannot break it. SCRIPT
 *   EXISTS answers from the book alone (Valkey only checks the command's form), so it says 1 for
 *   every script EVALSHA runs, evicted from the server's cache or not; SCRIPT SHOW sees the book
 *   only; SCRIPT LOAD answers the SHA of the script as written.
 * - VM state: the one Lua VM keeps settings between scripts (cjson's number precision and
 *   limits, the garbage collector stopped, the random seed). Every script the proxy sends starts
 *   with a line that puts them back to the server's own defaults, read from a fresh VM at start
 *   (so nothing is assumed about the Valkey version). It is written on the script's first line
 *   (after a `#!lua` line), so error line numbers are unchanged. One visible difference: each
 *   script's math.random starts from the same seed, as in Valkey before effects replication.
 * - Shared: books are keyed by sandbox number and, given a ScriptStore, kept in the control Valkey
 *   too, so a page that reconnects to another playground process finds its scripts there once
 *   load(number) has run (at attach). The terminal answers from this process's copy, synchronously
 *   as before; the store is written behind it.
 * Limits: a book holds up to 500 scripts and 4 MB per sandbox (the oldest go first, as Valkey
 * evicts). Without a store it lives in this process only. Scripts a sandbox ran on another process
 * after this one loaded its book are seen here at the next load(), not before.
 */
import { createHash } from 'node:crypto'
import type { Reply } from '../../../common/protocol/index.ts'
import type { AdminClient } from '../valkey/adminClient.ts'
import { upper } from '../../../common/commands/commandNames.ts'
import type { ScriptStore } from '../control/ScriptStore.ts'

export const MAX_SCRIPTS = 500
export const MAX_BYTES = 4 * 1024 * 1024
/** A SHA no script has (not hex-valid as a digest of anything we send), for Valkey's own NOSCRIPT. */
const NO_SUCH_SCRIPT = 'ffffffffffffffffffffffffffffffffffffffff'

/** SHA1 of a byte string, in lower-case hex, as Valkey computes script SHAs. */
export const sha1 = (bytes: string) => createHash('sha1').update(Buffer.from(bytes, 'latin1')).digest('hex')

export type FencedCommand = {
  args: string[]
  /** Turns Valkey's reply to the rewritten command into the one the user's command would get. */
  mapReply?: (reply: Reply) => Reply
  /** The reply cannot be translated when it comes inside EXEC's, so the command is refused in MULTI. */
  notInMulti?: boolean
}

type Book = Map<string, { body: string; wrappedSha: string }>

export class ScriptBook {
  #books = new Map<number, Book>()
  /** Whose sandbox each number's book is (SandboxLease.owner), as of its last load. */
  #owners = new Map<number, string>()

  readonly #preamble: string

  /**
   * `preamble`: the line that resets the VM's settings (see readLuaDefaults). `guard`: the memory
   * guard (scriptGuard), which takes each script's remaining quota as an extra last argument.
   */
  constructor(
    preamble: string,
    private readonly guard: string | null = null,
    private readonly store: ScriptStore | null = null,
    private readonly log: (message: string) => void = () => undefined
  ) {
    this.#preamble = preamble + (guard ?? '')
    // A control server that came back empty gets back every book this process holds.
    store?.link.onRestore(async (why) => {
      if (why !== 'lost') return
      for (const [number, book] of this.#books) for (const [sha, entry] of book) await store.add(number, sha, entry.body)
    })
  }

  /**
   * Reads the sandbox's book from the control server into this process (before its terminal
   * starts). Scripts this process already knows stay the most recent. Without a store, or with the
   * control server unreachable, the book is what this process has. `owner` (SandboxLease.owner)
   * tells a book this process kept for an earlier holder of the number from this sandbox's.
   */
  async load(number: number, owner?: string): Promise<void> {
    // The number served someone else when this process last held its book (it was recycled and
    // handed out again by another process): that book is not this sandbox's.
    if (owner !== undefined && this.#owners.get(number) !== owner) {
      this.#books.delete(number)
      this.#owners.set(number, owner)
    }
    if (!this.store) return
    let stored: { sha: string; body: string }[]
    try {
      stored = await this.store.read(number)
    } catch (error) {
      this.log(`script book of sandbox ${number} not read: ${(error as Error).message}`)
      return
    }
    const mine = this.#books.get(number)
    const book: Book = new Map()
    for (const { sha, body } of stored) if (sha1(body) === sha) book.set(sha, { body, wrappedSha: sha1(this.wrap(body)) })
    for (const [sha, entry] of mine ?? []) {
      book.delete(sha)
      book.set(sha, entry)
    }
    this.#books.set(number, book)
    this.#trim(book, null)
  }

  /** Puts the reset line on the script's first line, after a shebang line if there is one. */
  wrap(body: string): string {
    if (body.startsWith('#!')) {
      const end = body.indexOf('\n')
      return end < 0 ? body : body.slice(0, end + 1) + this.#preamble + body.slice(end + 1)
    }
    return this.#preamble + body
  }

  /** Drops a sandbox's book (it changed hands), here and in the control server. */
  async forget(number: number): Promise<void> {
    this.#books.delete(number)
    this.#owners.delete(number)
    await this.store?.drop(number)
  }

  #book(db: number): Book {
    let book = this.#books.get(db)
    if (!book) this.#books.set(db, (book = new Map()))
    return book
  }

  #remember(db: number, body: string): { sha: string; wrapped: string; wrappedSha: string } {
    const book = this.#book(db)
    const sha = sha1(body)
    const wrapped = this.wrap(body)
    const known = book.get(sha)
    const wrappedSha = known?.wrappedSha ?? sha1(wrapped)
    book.delete(sha)
    book.set(sha, { body, wrappedSha })
    this.#trim(book, sha)
    this.store?.add(db, sha, body).catch((error: Error) => this.log(`script book of sandbox ${db} not saved: ${error.message}`))
    return { sha, wrapped, wrappedSha }
  }

  /** Drops the oldest scripts past the limits, never `keep` (the one just used). */
  #trim(book: Book, keep: string | null): void {
    let bytes = 0
    for (const entry of book.values()) bytes += entry.body.length
    for (const [oldest, entry] of book) {
      if (book.size <= MAX_SCRIPTS && bytes <= MAX_BYTES) break
      if (oldest === keep) break
      book.delete(oldest)
      bytes -= entry.body.length
    }
  }

  /**
   * Error texts name the script by SHA (Valkey 8: "... called from script script: <sha>"): the SHA
   * of the script as sent, which must read as the SHA of the script as written. Applied to a
   * script's reply, and to the elements of EXEC's (a script inside MULTI); walks no further than
   * one level of an array, where those errors stand.
   */
  unwrapErrors(db: number, reply: Reply): Reply {
    const book = this.#books.get(db)
    if (!book || book.size === 0) return reply
    const fix = (item: Reply): Reply => {
      if (item.t !== 'err' || !/[0-9a-f]{40}/.test(item.s)) return item
      let text = item.s
      for (const [sha, entry] of book) if (text.includes(entry.wrappedSha)) text = text.split(entry.wrappedSha).join(sha)
      return text === item.s ? item : { t: 'err', s: text }
    }
    if (reply.t === 'arr') return reply.a.some((item) => item.t === 'err') ? { t: 'arr', a: reply.a.map(fix) } : reply
    return fix(reply)
  }

  /**
   * The script's arguments with the guard's budget after them. Only when numkeys is valid: an
   * extra argument would make a numkeys one too big valid, and such a script never runs anyway.
   */
  #withBudget(rest: readonly string[], budget: number): string[] {
    if (this.guard === null) return [...rest]
    const numkeys = rest[0] ?? ''
    if (!/^\d+$/.test(numkeys) || Number(numkeys) > rest.length - 1) return [...rest]
    return [...rest, String(Math.floor(budget))]
  }

  /**
   * The command to send instead of a script command of this sandbox, or null when it is none.
   * `budget`: bytes the sandbox may still add (its remaining memory quota).
   */
  fence(db: number, args: readonly string[], budget = 0): FencedCommand | null {
    const name = upper(args[0] ?? '')
    switch (name) {
      case 'EVAL':
      case 'EVAL_RO': {
        if (args.length < 2) return null
        const { wrapped } = this.#remember(db, args[1]!)
        return {
          args: [args[0]!, wrapped, ...this.#withBudget(args.slice(2), budget)],
          mapReply: (reply) => this.unwrapErrors(db, reply),
        }
      }
      case 'EVALSHA':
      case 'EVALSHA_RO': {
        if (args.length < 2) return null
        const known = this.#books.get(db)?.get(args[1]!.toLowerCase())
        if (!known) return { args: [args[0]!, NO_SUCH_SCRIPT, ...args.slice(2)] }
        const { wrapped } = this.#remember(db, known.body)
        return {
          args: [name === 'EVALSHA' ? 'EVAL' : 'EVAL_RO', wrapped, ...this.#withBudget(args.slice(2), budget)],
          mapReply: (reply) => this.unwrapErrors(db, reply),
        }
      }
      case 'SCRIPT':
        return this.#scriptSubcommand(db, args)
      case 'EXEC':
        // A script queued in the transaction answers inside EXEC's reply.
        return { args: [...args], mapReply: (reply) => this.unwrapErrors(db, reply) }
      default:
        return null
    }
  }

  #scriptSubcommand(db: number, args: readonly string[]): FencedCommand | null {
    const sub = upper(args[1] ?? '')
    const book = this.#books.get(db)
    if (sub === 'LOAD' && args.length === 3) {
      const { sha, wrapped } = this.#remember(db, args[2]!)
      return {
        args: [args[0]!, args[1]!, wrapped],
        mapReply: (reply) => (reply.t === 'bulk' ? { t: 'bulk', s: sha } : reply),
        notInMulti: true,
      }
    }
    if (sub === 'EXISTS') {
      // Valkey checks the command's form (arity) and answers 0 for each SHA; the book answers the
      // rest. Asking Valkey about the scripts themselves would say 0 for one another sandbox's EVALs
      // pushed out of its cache, while EVALSHA (sent as EVAL of the book's text) still runs it.
      const known = args.slice(2).map((sha) => book?.has(sha.toLowerCase()) ?? false)
      return {
        args: [args[0]!, args[1]!, ...known.map(() => NO_SUCH_SCRIPT)],
        notInMulti: true,
        mapReply: (reply) =>
          reply.t === 'arr' ? { t: 'arr', a: reply.a.map((item, i) => (known[i] ? { t: 'int', n: '1' } : item)) } : reply,
      }
    }
    if (sub === 'SHOW' && args.length === 3) {
      const known = book?.get(args[2]!.toLowerCase())
      return {
        notInMulti: true,
        args: [args[0]!, args[1]!, known?.wrappedSha ?? NO_SUCH_SCRIPT],
        mapReply: (reply) => (known && reply.t === 'bulk' ? { t: 'bulk', s: known.body } : reply),
      }
    }
    return null
  }
}

/**
 * Reads the Lua VM's settings from a fresh server (at start-up nothing has changed them) and
 * returns the line that sets them back. Settings a server lacks are left out.
 */
export async function readLuaDefaults(admin: AdminClient): Promise<string> {
  const probe = `local out = {}
local function read(name) local ok, a, b, c = pcall(cjson[name]) if ok then out[name] = {tostring(a), tostring(b), tostring(c)} end end
for _, name in ipairs({'encode_number_precision','encode_max_depth','decode_max_depth','encode_keep_buffer','encode_invalid_numbers','decode_invalid_numbers','encode_sparse_array'}) do read(name) end
return cjson.encode(out)`
  const raw = String(await admin.call('eval', probe, '0'))
  const settings = JSON.parse(raw) as Record<string, [string, string, string]>
  const literal = (text: string) =>
    text === 'true' || text === 'false' ? text : /^-?\d+$/.test(text) ? text : `'${text.replace(/[^a-z]/g, '')}'`
  const calls: string[] = []
  for (const [name, [a, b, c]] of Object.entries(settings)) {
    const values = name === 'encode_sparse_array' ? [a, b, c] : [a]
    calls.push(`cjson.${name}(${values.map(literal).join(',')})`)
  }
  calls.push("collectgarbage('restart')", 'math.randomseed(0)')
  // Valkey 8 lets a script change the strings' metatable (s:rep() and the like) for every later
  // script; 9 refuses it (read-only), hence the pcall.
  calls.push(
    "pcall(function() local m = getmetatable('') for k in pairs(m) do if k ~= '__index' then m[k] = nil end end m.__index = string end)"
  )
  return calls.join('; ') + '; '
}
