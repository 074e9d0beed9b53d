/**
 * @module Pattern subscriptions per sandbox, so PUBSUB NUMPAT can be answered
 * for one sandbox (Valkey's own count covers every sandbox), and so the
 * sandbox's subscriber user is granted every pattern in use when its rules are
 * rebuilt: this process's, and (through `share`) those of the sandbox's tabs on
 * other playground processes.
 */

/** Where the patterns of every playground process meet (the control Valkey); see sharedPatterns.ts. */
export type SharedPatterns = {
  /** This process's patterns of sandbox `db` are now `patterns` (empty: none). Never throws. */
  save(db: number, patterns: Set<string>): Promise<void>
  /** The patterns other processes hold in sandbox `db`; empty when they cannot be read. */
  others(db: number): Promise<Set<string>>
}

export class PatternBook {
  #byDb = new Map<number, Map<object, Set<string>>>()
  #shared: SharedPatterns | null = null

  /** Shares this book with the other processes from now on. */
  share(shared: SharedPatterns): void {
    this.#shared = shared
  }

  /** Every pattern in use in sandbox `db`, on any process, plus `adding`; told to the others first. */
  async everywhere(db: number, adding: readonly string[]): Promise<Set<string>> {
    const here = new Set([...this.all(db), ...adding])
    if (!this.#shared) return here
    // Told before the rules are rebuilt, so a rebuild on another process in the meantime keeps them.
    await this.#shared.save(db, here)
    return new Set([...(await this.#shared.others(db)), ...here])
  }

  /** Replaces the patterns one subscriber (a terminal) holds in a sandbox. */
  set(db: number, owner: object, patterns: Set<string>): void {
    let owners = this.#byDb.get(db)
    if (!owners) this.#byDb.set(db, (owners = new Map()))
    if (patterns.size === 0) owners.delete(owner)
    else owners.set(owner, patterns)
    if (owners.size === 0) this.#byDb.delete(db)
    void this.#shared?.save(db, this.all(db))
  }

  /** Distinct patterns subscribed in a sandbox, across all its terminals. */
  count(db: number): number {
    return this.all(db).size
  }

  /** The distinct patterns themselves (as the sandbox wrote them, without the channel prefix). */
  all(db: number): Set<string> {
    const distinct = new Set<string>()
    for (const patterns of this.#byDb.get(db)?.values() ?? []) for (const pattern of patterns) distinct.add(pattern)
    return distinct
  }
}
