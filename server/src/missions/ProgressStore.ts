/**
 * @module Which mission steps each sandbox has done, kept in the control
 * database (one hash per sandbox: mission id → JSON list of step ids), so a
 * reload, a second tab or a restarted proxy shows the same checkmarks. The
 * values a mission's responses captured (a session id) are kept beside them,
 * under `captures:<mission id>` (mission ids have no colon).
 *
 * The sandbox registry forgets a database's progress when it recycles or
 * hands out that database, so a new attendee never inherits someone's.
 */
import type { AdminClient } from '../valkey/adminClient.ts'

const keyOf = (db: number) => `playground:progress:${db}`

export type Progress = Record<string, string[]>
/** Per mission: capture name → value. */
export type Captures = Record<string, Record<string, string>>

const CAPTURES = 'captures:'

export class ProgressStore {
  constructor(
    private readonly admin: AdminClient,
    private readonly onSaved: (db: number) => void = () => {}
  ) {}

  async load(db: number): Promise<{ progress: Progress; captures: Captures }> {
    const flat = (await this.admin.call('hgetall', keyOf(db))) as string[]
    const progress: Progress = {}
    const captures: Captures = {}
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const field = flat[i]!
      try {
        const value: unknown = JSON.parse(flat[i + 1]!)
        if (field.startsWith(CAPTURES)) {
          if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
            const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
            captures[field.slice(CAPTURES.length)] = Object.fromEntries(entries)
          }
        } else if (Array.isArray(value)) {
          progress[field] = value.filter((step): step is string => typeof step === 'string')
        }
      } catch {
        // A damaged entry is dropped; the steps will be checked again.
      }
    }
    return { progress, captures }
  }

  async saveCaptures(db: number, missionId: string, values: Record<string, string>): Promise<void> {
    await this.admin.call('hset', keyOf(db), CAPTURES + missionId, JSON.stringify(values))
  }

  async save(db: number, missionId: string, done: string[]): Promise<void> {
    await this.admin.call('hset', keyOf(db), missionId, JSON.stringify(done))
    this.onSaved(db)
  }

  /** Forgets one mission's progress, or the whole sandbox's. */
  async clear(db: number, missionId?: string): Promise<void> {
    if (missionId === undefined) await this.admin.call('del', keyOf(db))
    else await this.admin.call('hdel', keyOf(db), missionId, CAPTURES + missionId)
  }
}
