import { describe, expect, it } from 'vitest'
import { missionHref, parseMissionRoute } from './missionRoute.ts'

describe('mission routes', () => {
  it('reads the list, a mission and a step', () => {
    expect(parseMissionRoute('')).toEqual({ mission: null, step: null })
    expect(parseMissionRoute('#/missions')).toEqual({ mission: null, step: null })
    expect(parseMissionRoute('#/missions/cantina-sessions')).toEqual({ mission: 'cantina-sessions', step: null })
    expect(parseMissionRoute('#/missions/cantina-sessions/expire')).toEqual({ mission: 'cantina-sessions', step: 'expire' })
  })

  it('ignores what is not a mission id', () => {
    expect(parseMissionRoute('#/missions/..%2Fx/step')).toEqual({ mission: null, step: null })
    expect(parseMissionRoute('#/missions/ok/<img>')).toEqual({ mission: 'ok', step: null })
    expect(parseMissionRoute('#/other/thing')).toEqual({ mission: null, step: null })
  })

  it('writes what it reads', () => {
    for (const route of [
      { mission: null, step: null },
      { mission: 'field-expiry', step: null },
      { mission: 'field-expiry', step: 'otp' },
    ]) {
      expect(parseMissionRoute(missionHref(route.mission, route.step))).toEqual(route)
    }
  })
})
