/**
 * @module Reads what the inspector shows, on a connection of its own signed
 * in as the sandbox's terminal user: the same ACL fence as the terminal, so
 * the inspector cannot read outside its sandbox either, and its reads never
 * queue behind the attendee's blocking commands or MULTI.
 */
import type { FieldInfo, KeyInfo, KeyMeta, Reply } from '../protocol.ts'
import { RespConnection } from '../resp/RespConnection.ts'
import type { SandboxUsers } from '../sandbox/aclRules.ts'

/** HSCAN stops once a page has this many fields (or the hash is done). */
export const PAGE_FIELDS = 200
const SCAN_COUNT = 1000

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

const asText = (reply: Reply | undefined): string | null => (reply && (reply.t === 'bulk' || reply.t === 'str') ? reply.s : null)
const asNumber = (reply: Reply | undefined): number | null => (reply?.t === 'int' ? Number(reply.n) : null)
const asList = (reply: Reply | undefined): Reply[] => (reply?.t === 'arr' ? reply.a : [])
/** PEXPIRETIME / HPEXPIRETIME: -1 no expiry, -2 no such key or field. */
const expiry = (reply: Reply | undefined): number | null => {
  const ms = asNumber(reply)
  return ms !== null && ms >= 0 ? ms : null
}

export class KeyReader {
  #connection: Promise<RespConnection> | null = null

  constructor(
    private readonly valkey: { host: string; port: number },
    private readonly users: SandboxUsers,
    readonly fieldExpiry: boolean
  ) {}

  close(): void {
    this.#connection?.then((connection) => connection.close()).catch(() => undefined)
    this.#connection = null
  }

  async #open(): Promise<RespConnection> {
    const connection = await RespConnection.connect(this.valkey)
    const [auth, select] = await Promise.all([
      connection.send(['AUTH', this.users.terminalUser, this.users.terminalPassword]),
      connection.send(['SELECT', String(this.users.db)]),
      connection.send(['CLIENT', 'SETNAME', `playground-inspector-${this.users.db}`]),
    ])
    if (auth.t === 'err' || select.t === 'err') {
      connection.close()
      throw new Error(`inspector sign-in failed: ${auth.t === 'err' ? auth.s : select.t === 'err' ? select.s : ''}`)
    }
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

  /** Any read the sandbox's own user may run (mission checks use it). */
  query(args: string[]): Promise<Reply> {
    return this.#send(args)
  }

  /** Keys matching the pattern, at most `limit`; `truncated` when there were more. */
  async scanKeys(pattern: string, limit: number): Promise<{ keys: KeyInfo[]; truncated: boolean }> {
    const names: string[] = []
    let cursor = '0'
    do {
      const reply = asList(await this.#send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', String(SCAN_COUNT)]))
      cursor = asText(reply[0]) ?? '0'
      for (const name of asList(reply[1])) {
        const text = asText(name)
        if (text !== null) names.push(text)
      }
    } while (cursor !== '0' && names.length < limit)
    const unique = [...new Set(names)]
    const keep = unique.slice(0, limit)
    const infos = await Promise.all(keep.map((key) => this.keyInfo(key)))
    return { keys: infos.filter((info): info is KeyInfo => info !== null), truncated: cursor !== '0' || unique.length > limit }
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
    return asText(await this.#send(['GETRANGE', key, '0', String(maxBytes - 1)]))
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
      const reply = asList(await this.#send(['HSCAN', key, next, 'MATCH', match, 'COUNT', String(SCAN_COUNT)]))
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
    const [values, expiries] = await Promise.all([this.#send(['HMGET', key, ...names]), this.#fieldExpiry(key, names)])
    const list = asList(values)
    return names.map((field, i) => {
      const value = asText(list[i])
      return value === null ? null : { field, value, expiresAt: expiries[i]! }
    })
  }
}
