/**
 * @module Which mission steps each sandbox has done, kept in the control
 * database (one hash per sandbox: mission id → JSON list of step ids), so a
 * reload, a second tab or a restarted proxy shows the same checkmarks.
 *
 * The sandbox registry forgets a database's progress when it recycles or
 * hands out that database, so a new attendee never inherits someone's.
 */
import type { AdminClient } from '../valkey/adminClient.ts'

const keyOf = (db: number) => `playground:progress:${db}`

export type Progress = Record<string, string[]>

export class ProgressStore {
  constructor(
    private readonly admin: AdminClient,
    private readonly onSaved: (db: number) => void = () => {}
  ) {}

  async load(db: number): Promise<Progress> {
    const flat = (await this.admin.call('hgetall', keyOf(db))) as string[]
    const progress: Progress = {}
    for (let i = 0; i + 1 < flat.length; i += 2) {
      try {
        const steps: unknown = JSON.parse(flat[i + 1]!)
        if (Array.isArray(steps)) progress[flat[i]!] = steps.filter((step): step is string => typeof step === 'string')
      } catch {
        // A damaged entry is dropped; the steps will be checked again.
      }
    }
    return progress
  }

  async save(db: number, missionId: string, done: string[]): Promise<void> {
    await this.admin.call('hset', keyOf(db), missionId, JSON.stringify(done))
    this.onSaved(db)
  }

  /** Forgets one mission's progress, or the whole sandbox's. */
  async clear(db: number, missionId?: string): Promise<void> {
    if (missionId === undefined) await this.admin.call('del', keyOf(db))
    else await this.admin.call('hdel', keyOf(db), missionId)
  }
}
