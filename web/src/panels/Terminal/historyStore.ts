/** @module Terminal history kept per browser in localStorage (like ~/.valkeycli_history). */
import type { HistoryStore } from '../../../../common/cli/History.ts'

const KEY = 'valkey-playground:history'

export const localHistoryStore: HistoryStore = {
  load() {
    try {
      const saved: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]')
      return Array.isArray(saved) ? saved.filter((line): line is string => typeof line === 'string') : []
    } catch {
      return []
    }
  },
  save(lines) {
    try {
      localStorage.setItem(KEY, JSON.stringify(lines))
    } catch {
      // Full or unavailable storage: history then lasts for this page only.
    }
  },
}
