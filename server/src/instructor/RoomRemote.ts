/**
 * @module What changes the room's parts, whether this process made the change or another one
 * did (RoomSync hands the other processes' changes here): rows arriving and leaving, the
 * announcement, the rules, a reset, watches, a process gone, and the snapshot that replaces
 * everything heard so far after the bus reconnected.
 */
import type { Announcement, StuckRules } from '../../../common/protocol/index.ts'
import type { RoomBroadcast } from './RoomBroadcast.ts'
import type { Member, RoomMembers } from './roomMembers.ts'
import type { RoomEvent, WatchEvent } from './roomMessages.ts'
import type { RoomSnapshot } from './RoomState.ts'
import type { RoomInbound, RoomSync } from './RoomSync.ts'
import type { RoomEntry, RoomTable } from './RoomTable.ts'
import { markAway, type SharedRow } from './sharedRow.ts'
import type { StuckTicker } from './StuckTicker.ts'
import type { WatchBook } from './WatchBook.ts'

/** The room's parts, as Room composes them. */
export type RoomParts = {
  /** This process's id (alone: a fixed name). */
  self: string
  members: RoomMembers
  table: RoomTable
  stuck: StuckTicker
  broadcast: RoomBroadcast
  watches: WatchBook
  announcement: Announcement | null
  /** The member of `id` on this process, while its row is the table's. */
  localMember(id: string): Member | undefined
  /** The entry changed: its time-dependent fields again, and to the instructors. */
  show(entry: RoomEntry): void
  tick(): void
  now(): number
  resetElsewhere(number: number): void
}

const sameRules = (a: StuckRules, b: StuckRules) => a.afterSeconds === b.afterSeconds && a.errors === b.errors

export class RoomRemote implements RoomInbound {
  constructor(
    private readonly parts: RoomParts,
    private readonly sync: () => RoomSync | null
  ) {}

  /** The entry leaves the room: its member here too, and its watchers hear the sandbox is gone. */
  drop(entry: RoomEntry): void {
    const { table, members, watches, broadcast } = this.parts
    const { id, number } = entry.shared
    if (table.at(number) === entry) table.remove(number)
    const member = members.get(id)
    if (member?.entry === entry) {
      members.remove(id)
      member.watch.emptied()
      watches.detachMember(member)
    }
    broadcast.removed(id)
  }

  rules(rules: StuckRules): void {
    const { stuck, broadcast } = this.parts
    stuck.setRules(rules)
    broadcast.send({ type: 'stuckRulesChanged', rules: stuck.rules })
    this.parts.tick()
  }

  /** The announcement is the current one: every attendee page here gets it. */
  announcement(announcement: Announcement): void {
    this.parts.announcement = announcement
    this.parts.broadcast.send({ type: 'announcementChanged', announcement })
    for (const member of this.parts.members.values()) {
      for (const socket of member.sockets) socket.send({ type: 'announcement', announcement })
    }
  }

  /** The attendee's sandbox was emptied by the instructor: their pages here and their watchers start over. */
  emptied(id: string): void {
    const member = this.parts.localMember(id)
    if (!member) return
    for (const socket of member.sockets) socket.sandboxReset()
    member.watch.emptied()
  }

  // ------------------------------------------------------------ RoomInbound

  remote(event: Exclude<RoomEvent, { t: 'alive' | 'gone' }>): void {
    const parts = this.parts
    const { table, watches } = parts
    switch (event.t) {
      case 'row':
        this.#row(event.row, event.from, event.count)
        return
      case 'removed': {
        const entry = table.at(event.number)
        if (entry?.shared.id === event.id) this.drop(entry)
        return
      }
      case 'announcement':
        if (event.announcement.id !== parts.announcement?.id) this.announcement(event.announcement)
        return
      case 'rules':
        this.rules(event.rules)
        return
      case 'reset':
        this.emptied(event.id)
        parts.resetElsewhere(event.number)
        return
      case 'watch': {
        const sink = this.sync()?.sinkFor(event.from, event.watch)
        if (sink) watches.add(event.watch, event.attendee, event.from, sink)
        return
      }
      case 'unwatch':
        watches.remove(event.watch)
        return
      default: {
        const unreachable: never = event
        return unreachable
      }
    }
  }

  watchEvent(event: WatchEvent): void {
    const watch = this.parts.watches.get(event.watch)
    if (!watch || watch.from !== this.parts.self) return
    if (event.t === 'screen') watch.sink.screen(event.message)
    else if (event.t === 'viewing') watch.sink.viewing(event.key)
    else watch.sink.sandboxEmptied()
  }

  processGone(process: string): { numbers: number[]; watches: string[] } {
    const changed = this.parts.table.dropProcess(process)
    for (const entry of changed) {
      // Gone with the process: their step's clock stops here too, until they are back somewhere.
      if (entry.row.connected === 0) markAway(entry.shared, this.parts.now())
      this.parts.show(entry)
    }
    return { numbers: changed.map((entry) => entry.shared.number), watches: this.parts.watches.dropProcess(process) }
  }

  snapshot(snapshot: RoomSnapshot): void {
    const { table, stuck, watches, self } = this.parts
    if (snapshot.rules && !sameRules(snapshot.rules, stuck.rules)) this.rules(snapshot.rules)
    if (snapshot.announcement && snapshot.announcement.id !== this.parts.announcement?.id) this.announcement(snapshot.announcement)
    // Lost by the control server (it restarted empty): this process still has it.
    else if (!snapshot.announcement && this.parts.announcement) this.sync()?.announced(this.parts.announcement)
    const listed = new Set<number>()
    for (const row of snapshot.rows) {
      listed.add(row.number)
      // Merged: what changed here while the control Valkey was away is newer, and stays. A
      // sandbox this process holds sockets of is not handed over to another id from here.
      const here = table.at(row.number)
      if (this.#held(here) && here!.shared.id !== row.id) continue
      this.#upsert(row)
    }
    for (const entry of [...table.entries()]) {
      if (!listed.has(entry.shared.number) && !this.#held(entry)) this.drop(entry)
    }
    for (const entry of table.entries()) {
      for (const process of [...entry.online.keys()]) if (process !== self) entry.online.delete(process)
      for (const [process, count] of snapshot.online.get(entry.shared.number) ?? []) {
        if (process !== self) entry.online.set(process, count)
      }
      table.derive(entry)
      this.parts.show(entry)
    }
    const stored = new Set(snapshot.watches.map(({ watch }) => watch))
    for (const { watch, from } of watches.list()) if (from !== self && !stored.has(watch)) watches.remove(watch)
    const sync = this.sync()
    for (const { watch, attendee, from } of snapshot.watches) {
      if (from !== self && sync) watches.add(watch, attendee, from, sync.sinkFor(from, watch))
    }
  }

  held(): { rows: { row: SharedRow; count: number }[]; watches: { watch: string; attendee: string }[] } {
    const rows: { row: SharedRow; count: number }[] = []
    for (const member of this.parts.members.values()) {
      if (member.sockets.length > 0 && this.parts.localMember(member.id) === member) {
        rows.push({ row: { ...member.entry.shared }, count: member.sockets.length })
      }
    }
    const watches = this.parts.watches
      .list()
      .filter(({ from }) => from === this.parts.self)
      .map(({ watch, attendee }) => ({ watch, attendee }))
    return { rows, watches }
  }

  /** Whether this process holds sockets of the entry's attendee. */
  #held(entry: RoomEntry | undefined): boolean {
    return entry !== undefined && (this.parts.localMember(entry.shared.id)?.sockets.length ?? 0) > 0
  }

  #row(row: SharedRow, from: string, count: number): void {
    const entry = this.#upsert(row)
    this.parts.table.setOnline(entry, from, count)
    this.parts.show(entry)
  }

  #upsert(row: SharedRow): RoomEntry {
    const { entry, replaced } = this.parts.table.upsert(row)
    if (replaced) this.drop(replaced)
    return entry
  }
}
