/**
 * @module Reads what the inspector shows, on a connection of its own. In the playground that
 * connection is signed in as the sandbox's terminal user (sandboxReaderConnection): the same ACL
 * fence as the terminal, so the inspector cannot read outside its sandbox either, and its reads
 * never queue behind the attendee's blocking commands or MULTI. In inspect mode it is signed in
 * as the user the URL names, on the database being shown.
 */
import type { CollectionItem, FieldInfo, KeyInfo, KeyMeta, Reply } from '../../../common/protocol/index.ts'
import { RespConnection } from '../resp/RespConnection.ts'
import type { SandboxUsers } from '../sandbox/aclRules.ts'
import { collectionPage } from './collectionPages.ts'
import { asList, asNumber, asText, expiry } from './replyValues.ts'

/** HSCAN stops once a page has this many fields (or the hash is done). */
export const PAGE_FIELDS = 200
const SCAN_COUNT = 1000
/**
 * One page of keys looks at most this many SCAN batches (of SCAN_COUNT keys each), so a pattern
 * that matches little in a database of a million keys answers in bounded time; the cursor lets
 * the page ask for the rest.
 */
const SCANS_PER_PAGE = 50

const LENGTH_COMMAND: Record<string, string> = {
  hash: 'HLEN',
  string: 'STRLEN',
  list: 'LLEN',
  set: 'SCARD',
  zset: 'ZCARD',
  stream: 'XLEN',
}

/** Up to this many elements MEMORY USAGE counts them all (SAMPLES 0); beyond, it samples. */
export const EXACT_MEMORY_UP_TO = 10_000

/** Opens the inspector's connection for a sandbox, signed in as its terminal user. */
export function sandboxReaderConnection(valkey: { host: string; port: number }, users: SandboxUsers): () => Promise<RespConnection> {
  return async () => {
    const connection = await RespConnection.connect(valkey)
    const [auth, select] = await Promise.all([
      connection.send(['AUTH', users.terminalUser, users.terminalPassword]),
      connection.send(['SELECT', String(users.db)]),
      connection.send(['CLIENT', 'SETNAME', `playground-inspector-${users.db}`]),
    ])
    if (auth.t === 'err' || select.t === 'err') {
      connection.close()
      throw new Error(`inspector sign-in failed: ${auth.t === 'err' ? auth.s : select.t === 'err' ? select.s : ''}`)
    }
    return connection
  }
}

/** The server answered a read with an error; the message is the server's. */
export class ReadError extends Error {
  override name = 'ReadError'
}

export class KeyReader {
  #connection: Promise<RespConnection> | null = null

  constructor(
    /** Opens a signed-in connection on the database to read. */
    private readonly connect: () => Promise<RespConnection>,
    readonly fieldExpiry: boolean
  ) {}

  close(): void {
    this.#connection?.then((connection) => connection.close()).catch(() => undefined)
    this.#connection = null
  }

  async #open(): Promise<RespConnection> {
    const connection = await this.connect()
    connection.on('close', () => (this.#connection = null))
    return connection
  }

  async #send(args: string[]): Promise<Reply> {
    this.#connection ??= this.#open()
    const connection = await this.#connection.catch((error: Error) => {
      this.#connection = null
      throw error
    })
    return connection.send(args)
  }

  /**
   * A read whose answer the view is made of: an error reply (larger than a reply may be, a user
   * without the right, a key that changed type meanwhile) is thrown, so the page is told instead
   * of shown an empty view.
   */
  async #read(args: string[]): Promise<Reply> {
    const reply = await this.#send(args)
    if (reply.t === 'err') throw new ReadError(reply.s)
    return reply
  }

  /** Any read the sandbox's own user may run (mission checks use it). */
  query(args: string[]): Promise<Reply> {
    return this.#send(args)
  }

  /**
   * Keys matching the pattern from `cursor`: at least `want` of them unless the database is done,
   * or what SCANS_PER_PAGE batches found. Cursor "0" back: every matching key has been seen.
   * (SCAN may return a key twice, within a page or across pages; the page keeps each once.)
   */
  async keysPage(pattern: string, cursor: string, want: number): Promise<{ keys: KeyInfo[]; cursor: string }> {
    const names = new Set<string>()
    let next = cursor
    let scans = 0
    do {
      const reply = asList(await this.#read(['SCAN', next, 'MATCH', pattern, 'COUNT', String(SCAN_COUNT)]))
      next = asText(reply[0]) ?? '0'
      for (const name of asList(reply[1])) {
        const text = asText(name)
        if (text !== null) names.add(text)
      }
    } while (next !== '0' && names.size < want && ++scans < SCANS_PER_PAGE)
    const infos = await Promise.all([...names].map((key) => this.keyInfo(key)))
    return { keys: infos.filter((info): info is KeyInfo => info !== null), cursor: next }
  }

  async keyInfo(key: string): Promise<KeyInfo | null> {
    const [type, expiresAt] = await Promise.all([this.#send(['TYPE', key]), this.#send(['PEXPIRETIME', key])])
    const name = asText(type)
    if (name === null || name === 'none') return null
    return { key, type: name, expiresAt: expiry(expiresAt) }
  }

  async meta(key: string): Promise<KeyMeta | null> {
    const info = await this.keyInfo(key)
    if (!info) return null
    const lengthCommand = LENGTH_COMMAND[info.type]
    const length = lengthCommand ? (asNumber(await this.#send([lengthCommand, key])) ?? 0) : 0
    // Exact (every element counted) while that is cheap for the shared server; Valkey's default
    // samples five elements, which under-reports a hash with a few large values several times over.
    const memoryExact = info.type === 'string' || length <= EXACT_MEMORY_UP_TO
    const [encoding, memory] = await Promise.all([
      this.#send(['OBJECT', 'ENCODING', key]),
      this.#send(['MEMORY', 'USAGE', key, 'SAMPLES', memoryExact ? '0' : '5']),
    ])
    return {
      type: info.type,
      expiresAt: info.expiresAt,
      length,
      encoding: asText(encoding) ?? '',
      memory: asNumber(memory) ?? 0,
      memoryExact,
    }
  }

  async stringValue(key: string, maxBytes: number): Promise<string | null> {
    return asText(await this.#read(['GETRANGE', key, '0', String(maxBytes - 1)]))
  }

  /** Field TTLs for the given fields (all null on servers without hash field expiration). */
  async #fieldExpiry(key: string, fields: string[]): Promise<(number | null)[]> {
    if (!this.fieldExpiry || fields.length === 0) return fields.map(() => null)
    const reply = await this.#send(['HPEXPIRETIME', key, 'FIELDS', String(fields.length), ...fields])
    const list = asList(reply)
    return fields.map((_, i) => expiry(list[i]))
  }

  /** One page of fields from `cursor`; cursor "0" back means the scan is complete. */
  async fieldsPage(key: string, cursor: string, match: string, want = PAGE_FIELDS): Promise<{ fields: FieldInfo[]; cursor: string }> {
    const pairs: [string, string][] = []
    let next = cursor
    do {
      const reply = asList(await this.#read(['HSCAN', key, next, 'MATCH', match, 'COUNT', String(SCAN_COUNT)]))
      next = asText(reply[0]) ?? '0'
      const flat = asList(reply[1])
      for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([asText(flat[i]) ?? '', asText(flat[i + 1]) ?? ''])
    } while (next !== '0' && pairs.length < want)
    const expiries = await this.#fieldExpiry(
      key,
      pairs.map(([field]) => field)
    )
    return { fields: pairs.map(([field, value], i) => ({ field, value, expiresAt: expiries[i]! })), cursor: next }
  }

  /** Every field matching `match` (for hashes small enough to re-read whole). */
  async allFields(key: string, match: string): Promise<FieldInfo[]> {
    const fields: FieldInfo[] = []
    let cursor = '0'
    do {
      const page = await this.fieldsPage(key, cursor, match, Number.MAX_SAFE_INTEGER)
      fields.push(...page.fields)
      cursor = page.cursor
    } while (cursor !== '0')
    return fields
  }

  /** The named fields: their value and TTL, or null where the field no longer exists. */
  async fields(key: string, names: string[]): Promise<(FieldInfo | null)[]> {
    if (names.length === 0) return []
    const [values, expiries] = await Promise.all([this.#read(['HMGET', key, ...names]), this.#fieldExpiry(key, names)])
    const list = asList(values)
    return names.map((field, i) => {
      const value = asText(list[i])
      return value === null ? null : { field, value, expiresAt: expiries[i]! }
    })
  }

  /**
   * One page of a list, set, sorted set or stream from `cursor` ("0": from the start); the
   * cursor back is "0" once the rest is loaded.
   */
  itemsPage(type: string, key: string, cursor: string, want: number): Promise<{ items: CollectionItem[]; cursor: string }> {
    return collectionPage((args) => this.#read(args), type, key, cursor, want)
  }

  /** One HSCAN batch of every field (no MATCH): a search through the values of a whole hash. */
  async scanChunk(key: string, cursor: string): Promise<{ pairs: [string, string][]; cursor: string }> {
    const reply = asList(await this.#read(['HSCAN', key, cursor, 'COUNT', String(SCAN_COUNT)]))
    const flat = asList(reply[1])
    const pairs: [string, string][] = []
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([asText(flat[i]) ?? '', asText(flat[i + 1]) ?? ''])
    return { pairs, cursor: asText(reply[0]) ?? '0' }
  }

  /** Field TTLs of the named fields (all null without hash field expiration). */
  fieldExpiries(key: string, fields: string[]): Promise<(number | null)[]> {
    return this.#fieldExpiry(key, fields)
  }
}
