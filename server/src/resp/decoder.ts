/**
 * @module Streaming RESP2/RESP3 decoder that keeps every reply's type.
 *
 * iovalkey cannot tell `+OK` from `$2 OK`, loses integers above 2^53 and
 * cannot read RESP3; the terminal needs all three to print exactly what
 * valkey-cli prints. Bytes are decoded as latin1 "byte strings" (see
 * common/protocol/index.ts), so nothing is lost.
 *
 * The decoder is resumable: aggregates under construction live on an explicit
 * stack, so a reply split over many TCP chunks is parsed once, and a large bulk
 * string is buffered without repeated copying until all of it has arrived.
 */
import type { Reply } from '../../../common/protocol/index.ts'
import { EncodedAggregate, JsonChunker } from './EncodedAggregate.ts'

const CR = 13
const LF = 10
const EMPTY = Buffer.alloc(0)
const CRLF = Buffer.from('\r\n', 'latin1')

/**
 * Replies the playground will hand on. A reply beyond either limit is read to its end (so the
 * connection stays in step with Valkey) but kept as nothing, and delivered as one error reply
 * saying why: no reply Valkey can produce may take the process down (JSON.stringify of a reply
 * thousands of levels deep overflows the stack; one larger than V8's longest string throws).
 */
export const REPLY_LIMITS = {
  /** Nesting of aggregates (arrays in arrays...). valkey-cli itself has no limit. */
  maxDepth: 128,
  /** Payload bytes plus 16 per element; JSON of a byte string is at most 6x its length. */
  maxBytes: 32 * 1024 * 1024,
}

type AggregateKind = 'arr' | 'map' | 'set' | 'push' | 'attr'
/** `json`: the aggregate is kept as JSON text (see EncodedAggregate), not as `items`. */
type Frame = { kind: AggregateKind; items: Reply[]; remaining: number; json: JsonChunker | null }

export type DecoderOptions = {
  maxDepth: number
  maxBytes: number
  /** Top-level aggregates with at least this many elements are kept as JSON text (terminals). */
  encodeFrom?: number
}

export class RespProtocolError extends Error {
  override name = 'RespProtocolError'
}

/** Result of reading one element: a value, the start of an aggregate, or "need more bytes". */
const INCOMPLETE = Symbol('incomplete')
const OPENED = Symbol('opened')

export class RespDecoder {
  #buffer: Buffer = EMPTY
  #offset = 0
  /** Chunks held back while a bulk string of known size is still arriving. */
  #pending: Buffer[] = []
  #pendingBytes = 0
  /** Bytes (from #offset) needed before parsing can make progress again. */
  #needed = 0
  #stack: Frame[] = []
  #failed = false
  /** Size of the top-level reply being read, and why it is not kept (null: it is). */
  #replyBytes = 0
  #dropped: string | null = null

  constructor(
    private readonly onReply: (reply: Reply) => void,
    private readonly limits: DecoderOptions = REPLY_LIMITS
  ) {}

  /** Feeds bytes from the socket; calls onReply for each complete top-level reply. */
  push(chunk: Buffer): void {
    if (this.#failed) return
    const available = this.#buffer.length - this.#offset + this.#pendingBytes + chunk.length
    if (available < this.#needed) {
      this.#pending.push(chunk)
      this.#pendingBytes += chunk.length
      return
    }
    const rest = this.#offset < this.#buffer.length ? [this.#buffer.subarray(this.#offset)] : []
    this.#buffer = Buffer.concat([...rest, ...this.#pending, chunk])
    this.#offset = 0
    this.#pending = []
    this.#pendingBytes = 0
    this.#needed = 0
    try {
      this.#drain()
    } catch (error) {
      this.#failed = true
      throw error
    }
  }

  /** Drops all state, e.g. after the connection was replaced. */
  reset(): void {
    this.#buffer = EMPTY
    this.#offset = 0
    this.#pending = []
    this.#pendingBytes = 0
    this.#needed = 0
    this.#stack = []
    this.#failed = false
    this.#replyBytes = 0
    this.#dropped = null
  }

  #drain(): void {
    for (;;) {
      const value = this.#readElement()
      if (value === INCOMPLETE) break
      if (value === OPENED) continue
      this.#complete(value)
    }
    if (this.#offset >= this.#buffer.length) {
      this.#buffer = EMPTY
      this.#offset = 0
    }
  }

  /** Hands a finished element to its parent aggregate, closing aggregates as they fill. */
  #complete(value: Reply): void {
    let current = value
    for (;;) {
      const top = this.#stack[this.#stack.length - 1]
      if (!top) {
        const dropped = this.#dropped
        this.#dropped = null
        this.#replyBytes = 0
        this.onReply(dropped === null ? current : { t: 'err', s: dropped })
        return
      }
      if (this.#dropped === null) {
        if (!top.json) top.items.push(current)
        else top.json.add(current instanceof EncodedAggregate ? [...current.pieces()].join('') : JSON.stringify(current))
      }
      top.remaining--
      if (top.remaining > 0) return
      this.#stack.pop()
      // RESP3 attributes annotate the next value; valkey-cli cannot print them
      // either, so they are read and dropped without counting as an element.
      if (top.kind === 'attr') return
      current = top.json ? (top.json.finish(top.kind) as unknown as Reply) : { t: top.kind, a: top.items }
    }
  }

  #readLine(): string | typeof INCOMPLETE {
    const buffer = this.#buffer
    const start = this.#offset + 1
    const end = buffer.indexOf(LF, start)
    if (end === -1) {
      this.#needed = buffer.length - this.#offset + 1
      return INCOMPLETE
    }
    if (end === start || buffer[end - 1] !== CR) {
      throw new RespProtocolError('line not terminated by CRLF')
    }
    this.#offset = end + 1
    return buffer.toString('latin1', start, end - 1)
  }

  #readLength(line: string): number {
    if (!/^-?\d+$/.test(line)) throw new RespProtocolError(`bad length '${line.slice(0, 20)}'`)
    return Number(line)
  }

  /** Reads a length-prefixed payload (bulk, blob error, verbatim). */
  #readBlob(start: number, length: number): string | typeof INCOMPLETE {
    const end = this.#offset + length
    if (this.#buffer.length < end + 2) {
      this.#needed = end + 2 - start
      this.#offset = start
      return INCOMPLETE
    }
    if (this.#buffer[end] !== CR || this.#buffer[end + 1] !== LF) {
      throw new RespProtocolError('bulk payload not terminated by CRLF')
    }
    const text = this.#buffer.toString('latin1', this.#offset, end)
    this.#offset = end + 2
    return text
  }

  #open(kind: AggregateKind, count: number): typeof OPENED | Reply {
    if (count === 0) return kind === 'attr' ? OPENED : { t: kind, a: [] }
    if (this.#stack.length >= this.limits.maxDepth && this.#dropped === null) {
      this.#dropped = `ERR the reply is nested more than ${this.limits.maxDepth} levels deep, more than the playground shows`
    }
    // Inside an aggregate kept as text, every nested one is too (no objects outlive their element).
    const parent = this.#stack[this.#stack.length - 1]
    const encode =
      kind !== 'attr' && (parent ? parent.json !== null : this.limits.encodeFrom !== undefined && count >= this.limits.encodeFrom)
    this.#stack.push({ kind, items: [], remaining: count, json: encode ? new JsonChunker() : null })
    return OPENED
  }

  /** Adds an element to the size of the reply being read; past the limit, it is no longer kept. */
  #count(payloadBytes: number): void {
    this.#replyBytes += payloadBytes + 16
    if (this.#replyBytes > this.limits.maxBytes && this.#dropped === null) {
      const max = this.limits.maxBytes
      const size = max >= 1024 * 1024 ? `${Math.round(max / 1024 / 1024)} MB` : `${max} bytes`
      this.#dropped = `ERR the reply is larger than ${size}, more than the playground shows; ask for less (a range, SCAN, HSCAN)`
    }
  }

  #readElement(): Reply | typeof INCOMPLETE | typeof OPENED {
    const buffer = this.#buffer
    if (this.#offset >= buffer.length) return INCOMPLETE
    const start = this.#offset
    const marker = buffer[start]
    const line = this.#readLine()
    if (line === INCOMPLETE) {
      this.#offset = start
      return INCOMPLETE
    }
    // Blobs count once they are whole: an incomplete one is read again when more bytes arrive.
    const blob = marker === 0x24 || marker === 0x21 || marker === 0x3d
    if (!blob) this.#count(line.length)
    switch (marker) {
      case 0x2b /* + */:
        return { t: 'str', s: line }
      case 0x2d /* - */:
        return { t: 'err', s: line }
      case 0x3a /* : */:
        if (!/^[+-]?\d+$/.test(line)) throw new RespProtocolError('bad integer')
        return { t: 'int', n: line.startsWith('+') ? line.slice(1) : line }
      case 0x24 /* $ */: {
        const length = this.#readLength(line)
        if (length < 0) return { t: 'nil' }
        const s = this.#readBlob(start, length)
        if (s === INCOMPLETE) return INCOMPLETE
        this.#count(line.length + length)
        // Past a limit the payload is not kept: a string of a few hundred MB in a dropped reply
        // would only cost memory.
        return { t: 'bulk', s: this.#dropped === null ? s : '' }
      }
      case 0x21 /* ! */: {
        const s = this.#readBlob(start, this.#readLength(line))
        if (s === INCOMPLETE) return INCOMPLETE
        this.#count(line.length + s.length)
        return { t: 'err', s }
      }
      case 0x3d /* = */: {
        const s = this.#readBlob(start, this.#readLength(line))
        if (s === INCOMPLETE) return INCOMPLETE
        this.#count(line.length + s.length)
        return { t: 'verb', f: s.slice(0, 3), s: s.slice(4) }
      }
      case 0x2a /* * */: {
        const count = this.#readLength(line)
        return count < 0 ? { t: 'nil' } : this.#open('arr', count)
      }
      case 0x25 /* % */:
        return this.#open('map', this.#readLength(line) * 2)
      case 0x7e /* ~ */:
        return this.#open('set', this.#readLength(line))
      case 0x3e /* > */:
        return this.#open('push', this.#readLength(line))
      case 0x7c /* | */:
        return this.#open('attr', this.#readLength(line) * 2)
      case 0x5f /* _ */:
        return { t: 'nil' }
      case 0x2c /* , */:
        return { t: 'double', s: line }
      case 0x23 /* # */:
        return { t: 'bool', b: line === 't' }
      case 0x28 /* ( */:
        return { t: 'big', n: line }
      default:
        throw new RespProtocolError(`unknown reply type byte 0x${(marker ?? 0).toString(16)}`)
    }
  }
}

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly (string | Buffer)[]): Buffer {
  // Byte strings (the usual case) become one latin1 string and one buffer.
  if (args.every((arg) => typeof arg === 'string')) {
    let text = `*${args.length}\r\n`
    for (const arg of args as string[]) text += `$${arg.length}\r\n${arg}\r\n`
    return Buffer.from(text, 'latin1')
  }
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')]
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'latin1') : arg
    parts.push(Buffer.from(`$${bytes.length}\r\n`, 'latin1'), bytes, CRLF)
  }
  return Buffer.concat(parts)
}
