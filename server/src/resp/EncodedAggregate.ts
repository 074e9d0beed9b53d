/**
 * @module A large reply kept as the JSON text the page will receive, not as a tree of objects.
 *
 * A reply of 200,000 elements decoded into objects is 200,000 objects that live until the page
 * has it: the garbage collector copies them from one space to the other (pauses of 10-20 ms) and
 * JSON.stringify walks them again. For terminal connections the decoder instead writes each
 * element's JSON as it arrives, joined into a few large strings (`chunks`), and hands over this
 * object. The FrameWriter sends the chunks as they are. Code that does need the elements (a
 * mission check on the reply, the script fence's error mapping) reads `a`, which parses the text
 * once, on first use.
 */
import type { Reply } from '../../../common/protocol/index.ts'

type AggregateType = 'arr' | 'map' | 'set' | 'push'

export class EncodedAggregate {
  #items: Reply[] | null = null

  constructor(
    readonly t: AggregateType,
    /** The elements' JSON texts, comma-separated within and between chunks. */
    readonly chunks: readonly string[],
    /** How many elements (for limits and for deciding how to send it). */
    readonly length: number
  ) {}

  /** The elements, parsed from the text on first use. */
  get a(): Reply[] {
    this.#items ??= JSON.parse(`[${this.chunks.join(',')}]`) as Reply[]
    return this.#items
  }

  /** JSON.stringify of it gives what it stands for (the getter is not an own property). */
  toJSON(): { t: AggregateType; a: Reply[] } {
    return { t: this.t, a: this.a }
  }

  /** The JSON text in pieces, in order: the opening, each chunk, the closing. */
  *pieces(): Generator<string> {
    yield `{"t":"${this.t}","a":[`
    let first = true
    for (const chunk of this.chunks) {
      if (chunk.length === 0) continue
      yield first ? chunk : `,${chunk}`
      first = false
    }
    yield ']}'
  }
}

/** Collects elements' JSON texts into a few large strings as they come. */
export class JsonChunker {
  #parts: string[] = []
  #chunks: string[] = []
  count = 0

  add(json: string): void {
    this.#parts.push(json)
    this.count++
    // Joined every 512: the short texts die young instead of waiting for the whole reply.
    if (this.#parts.length >= 512) this.#seal()
  }

  finish(t: AggregateType): EncodedAggregate {
    this.#seal()
    return new EncodedAggregate(t, this.#chunks, this.count)
  }

  #seal(): void {
    if (this.#parts.length === 0) return
    this.#chunks.push(this.#parts.join(','))
    this.#parts = []
  }
}
