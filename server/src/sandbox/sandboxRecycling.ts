/**
 * @module Emptying a sandbox the directory has marked recycling, so its number can be handed out
 * again: disconnect and flush its database (on its own server), drop what else the playground keeps
 * about it (mission progress, script book, room row), then clear the mark in the control server.
 *
 * A mark whose flush failed (its server was restarting) stays this process's; the sweep finishes it
 * later (`unfinished`), as it does the marks of processes that are gone. Until then the number is
 * given to nobody.
 */
import type { SandboxDirectory } from '../control/SandboxDirectory.ts'
import { placeOf } from '../pool/sandboxNumber.ts'
import type { SandboxPlace, SandboxServers } from './sandboxServers.ts'

export type RecyclingDeps = {
  directory: SandboxDirectory
  servers: SandboxServers
  forget?: (place: SandboxPlace) => Promise<void>
  log: (message: string) => void
}

export const placeOfNumber = (number: number): SandboxPlace => ({ number, ...placeOf(number) })

export const describePlace = ({ server, db }: SandboxPlace) => (server === 0 ? `database ${db}` : `database ${db} of server ${server}`)

export class SandboxRecycling {
  /** Numbers this process is emptying now (the sweep leaves their marks alone). */
  readonly #emptying = new Set<number>()

  constructor(private readonly deps: RecyclingDeps) {}

  /** Whether this process is emptying the number right now. */
  busy(number: number): boolean {
    return this.#emptying.has(number)
  }

  /** Step 2 of a recycle this process marked (or took over): empties the database, then frees the number. */
  async finish(number: number, why: string): Promise<void> {
    if (this.#emptying.has(number)) return
    this.#emptying.add(number)
    try {
      const place = placeOfNumber(number)
      await this.deps.servers.empty(place)
      await this.deps.forget?.(place)
      if (!(await this.deps.directory.finishRecycle(number))) {
        this.deps.log(`sandbox ${number}: its recycling mark was no longer this process's`)
        return
      }
      this.deps.log(`sandbox in ${describePlace(place)} has been recycled: ${why}`)
    } finally {
      this.#emptying.delete(number)
    }
  }
}
