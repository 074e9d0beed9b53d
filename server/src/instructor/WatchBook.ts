/**
 * @module Every watch in the room, whichever process the instructor watching is on: an instructor
 * here (its watcher is local), or one on another process (its watcher is a sink that publishes to
 * that process). Each watch is attached to the attendee's member on this process, if any, so the
 * process that holds the attendee's sockets is the one that relays their screen; a member that
 * appears later (the attendee reconnected here) is attached then.
 *
 * Limit: an attendee with tabs on two processes has both relay their newest tab.
 */
import type { Member } from './roomMembers.ts'
import type { Watcher } from './WatchRelay.ts'

type Watch = {
  attendee: string
  /** The process of the instructor watching. */
  from: string
  sink: Watcher
  /** Stops the relay of the member it is attached to; null: not attached here. */
  detach: (() => void) | null
  member: Member | null
}

export class WatchBook {
  readonly #watches = new Map<string, Watch>()

  constructor(private readonly memberOf: (attendee: string) => Member | undefined) {}

  get(watch: string): { attendee: string; from: string; sink: Watcher } | undefined {
    return this.#watches.get(watch)
  }

  /** Every watch as [id, attendee, process]. */
  list(): { watch: string; attendee: string; from: string }[] {
    return [...this.#watches].map(([watch, { attendee, from }]) => ({ watch, attendee, from }))
  }

  add(watch: string, attendee: string, from: string, sink: Watcher): void {
    if (this.#watches.has(watch)) return
    const entry: Watch = { attendee, from, sink, detach: null, member: null }
    this.#watches.set(watch, entry)
    const member = this.memberOf(attendee)
    if (member) this.#attach(entry, member)
  }

  remove(watch: string): void {
    const entry = this.#watches.get(watch)
    if (!entry) return
    this.#watches.delete(watch)
    entry.detach?.()
  }

  /** The member has a (new) socket here: watches of it not attached yet are attached now. */
  attachAll(member: Member): void {
    for (const entry of this.#watches.values()) {
      if (entry.attendee === member.id && entry.member !== member) this.#attach(entry, member)
    }
  }

  /** The member left this process's room (its sandbox was recycled): its watches come off it. */
  detachMember(member: Member): void {
    for (const entry of this.#watches.values()) {
      if (entry.member === member) {
        entry.detach?.()
        entry.detach = null
        entry.member = null
      }
    }
  }

  /** The watches of process `from` (it died or shut down) end; returns their ids. */
  dropProcess(from: string): string[] {
    const ids = [...this.#watches].filter(([, entry]) => entry.from === from).map(([watch]) => watch)
    for (const watch of ids) this.remove(watch)
    return ids
  }

  #attach(entry: Watch, member: Member): void {
    entry.detach?.()
    entry.member = member
    entry.detach = member.watch.add(entry.sink, member.sockets.at(-1))
  }
}
