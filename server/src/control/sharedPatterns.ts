/**
 * @module The pattern subscriptions of one pool server's sandboxes, shared by every playground
 * process through the control Valkey: one hash per sandbox, a field per process
 * (`playground:patterns:<number>`, process id → JSON list).
 *
 * A process rebuilding a sandbox's subscriber rules (on PSUBSCRIBE) grants the other processes'
 * patterns too, so a tab of the same sandbox subscribed through another process keeps its
 * subscription. Limits: a process that died leaves its entry until the sandbox changes hands (a
 * few extra rules, all inside the sandbox's own channel prefix); while the control Valkey is down,
 * only this process's patterns are known.
 */
import type { AdminClient } from '../valkey/adminClient.ts'
import type { SharedPatterns } from '../sandbox/PatternBook.ts'
import { sandboxNumber } from '../pool/sandboxNumber.ts'

export const patternsKey = (number: number) => `playground:patterns:${number}`

export function sharedPatterns(control: AdminClient, processId: string, server: number): SharedPatterns {
  return {
    async save(db, patterns) {
      const key = patternsKey(sandboxNumber(server, db))
      try {
        if (patterns.size === 0) await control.call('hdel', key, processId)
        else await control.call('hset', key, processId, JSON.stringify([...patterns]))
      } catch {
        // Control away: the others learn this process's patterns with its next change.
      }
    },
    async others(db) {
      const found = new Set<string>()
      try {
        const flat = (await control.call('hgetall', patternsKey(sandboxNumber(server, db)))) as string[]
        for (let i = 0; i + 1 < flat.length; i += 2) {
          if (flat[i] === processId) continue
          const list: unknown = JSON.parse(flat[i + 1]!)
          if (Array.isArray(list)) for (const pattern of list) if (typeof pattern === 'string') found.add(pattern)
        }
      } catch {
        // Control away or a damaged entry: this process's own patterns still are granted.
      }
      return found
    },
  }
}
