import { describe, expect, it } from 'vitest'
import { RestartPolicy } from './restartPolicy.ts'

describe('RestartPolicy', () => {
  it('replaces a lone exit at once and backs off for exits close together', () => {
    let now = 0
    const policy = new RestartPolicy(undefined, () => now)
    expect(policy.exited()).toBe(0)
    now += 1000
    expect(policy.exited()).toBe(250)
    now += 1000
    expect(policy.exited()).toBe(500)
    now += 1000
    expect(policy.exited()).toBe(1000)
  })

  it('gives up at the limit within the window, naming it', () => {
    const now = 0
    const policy = new RestartPolicy(undefined, () => now)
    for (let i = 0; i < 4; i++) expect(policy.exited()).not.toBeNull()
    expect(policy.exited()).toBeNull()
    expect(policy.describe()).toBe('5 worker exits within 30 s')
  })

  it('forgets exits older than the window: a worker dying now and then is always replaced', () => {
    let now = 0
    const policy = new RestartPolicy(undefined, () => now)
    for (let i = 0; i < 20; i++) {
      expect(policy.exited()).toBe(0)
      now += 31_000
    }
  })

  it('caps the wait', () => {
    const now = 0
    const policy = new RestartPolicy({ limit: 100, windowMs: 30_000, baseDelayMs: 250, maxDelayMs: 4000 }, () => now)
    let last = 0
    for (let i = 0; i < 20; i++) last = policy.exited()!
    expect(last).toBe(4000)
  })
})
