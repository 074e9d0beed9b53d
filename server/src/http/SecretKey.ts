/**
 * @module A secret that a URL carries: the instructor's key (INSTRUCTOR_KEY) and inspect mode's page
 * key (INSPECT_KEY). Made at start when not given, checked on every socket and request that needs
 * it, shown once in the start-up banner and never written to the log.
 *
 * Both sides are hashed before the comparison, so timingSafeEqual always compares 32 bytes and the
 * time taken says nothing about the key's length or any prefix of it. An address that keeps
 * presenting wrong keys is refused for a while without a check, which bounds guessing at a short
 * key someone chose by hand.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest()

/** Wrong keys one address may present within FAILURE_WINDOW_MS before it is refused unchecked. */
const MAX_FAILURES = 10
const FAILURE_WINDOW_MS = 60_000
/** Addresses remembered at most (a flood from many addresses cannot grow this without bound). */
const MAX_TRACKED = 10_000

export class SecretKey {
  readonly #digest: Buffer
  #failures = new Map<string, { count: number; since: number }>()

  constructor(
    /** The key itself: shown once, in the start-up banner's instructor URL. */
    readonly value: string,
    private readonly now: () => number = Date.now
  ) {
    this.#digest = digest(value)
  }

  static random(): SecretKey {
    return new SecretKey(randomBytes(24).toString('base64url'))
  }

  /** Whether `candidate` is the key; counts a wrong one against `address`. */
  check(candidate: unknown, address: string): boolean {
    const now = this.now()
    const record = this.#failures.get(address)
    if (record && now - record.since > FAILURE_WINDOW_MS) this.#failures.delete(address)
    else if (record && record.count >= MAX_FAILURES) return false
    const ok = typeof candidate === 'string' && timingSafeEqual(digest(candidate), this.#digest)
    if (ok) return true
    if (this.#failures.size >= MAX_TRACKED && !this.#failures.has(address)) this.#failures.clear()
    const current = this.#failures.get(address)
    if (current) current.count++
    else this.#failures.set(address, { count: 1, since: now })
    return false
  }

  /** Checks an HTTP `Authorization: Bearer <key>` header. */
  checkHeader(header: string | undefined, address: string): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
    return this.check(match ? match[1] : null, address)
  }
}
