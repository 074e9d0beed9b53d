/**
 * @module Pattern subscriptions per sandbox, so PUBSUB NUMPAT can be answered
 * for one sandbox (Valkey's own count covers every sandbox).
 */

export class PatternBook {
  #byDb = new Map<number, Map<object, Set<string>>>()

  /** Replaces the patterns one subscriber (a terminal) holds in a sandbox. */
  set(db: number, owner: object, patterns: Set<string>): void {
    let owners = this.#byDb.get(db)
    if (!owners) this.#byDb.set(db, (owners = new Map()))
    if (patterns.size === 0) owners.delete(owner)
    else owners.set(owner, patterns)
    if (owners.size === 0) this.#byDb.delete(db)
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
