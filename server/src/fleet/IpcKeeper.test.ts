import { describe, expect, it } from 'vitest'
import { IpcKeeper } from './IpcKeeper.ts'
import type { RestartMessage } from './messages.ts'

describe('IpcKeeper', () => {
  it('asks the primary to restart a server, unless that server is out of range or already down', () => {
    const sent: RestartMessage[] = []
    const keeper = new IpcKeeper(2, (message) => (sent.push(message), true))
    expect(keeper.restart(1)).toBe(true)
    expect(sent).toEqual([{ type: 'fleet:restart', index: 1 }])
    expect(keeper.restart(2)).toBe(false)
    expect(keeper.restart(-1)).toBe(false)

    keeper.receive({ type: 'fleet:crashed', index: 1, detail: 'valkey-server exited (SIGKILL)' })
    expect(keeper.restart(1)).toBe(false)
    keeper.receive({ type: 'fleet:restarted', index: 1 })
    expect(keeper.restart(1)).toBe(true)
    expect(sent).toHaveLength(2)
  })

  it('says false when the channel to the primary is gone', () => {
    expect(new IpcKeeper(1, () => false).restart(0)).toBe(false)
  })

  it("passes the primary's crashed and restarted events to its listeners until they unsubscribe", () => {
    const keeper = new IpcKeeper(2, () => true)
    const seen: string[] = []
    const offCrashed = keeper.onCrashed((index, detail) => seen.push(`crashed ${index} ${detail}`))
    keeper.onRestarted((index) => seen.push(`restarted ${index}`))
    keeper.receive({ type: 'fleet:crashed', index: 0, detail: 'why' })
    keeper.receive({ type: 'fleet:restarted', index: 0 })
    offCrashed()
    keeper.receive({ type: 'fleet:crashed', index: 1, detail: 'again' })
    keeper.receive({ type: 'fleet:stop' })
    expect(seen).toEqual(['crashed 0 why', 'restarted 0'])
  })
})
