import { describe, expect, it } from 'vitest'
import { enabledFlags, liveStatus, missingClasses } from './LiveState.ts'

describe('whether inspect mode can be live', () => {
  it('needs K and every class of key the inspector shows (A covers them all)', () => {
    expect(missingClasses('')).toBe('K')
    expect(missingClasses('Ex')).toBe('K')
    expect(missingClasses('KA')).toBe('')
    expect(missingClasses('AKE')).toBe('')
    expect(missingClasses('Kg$lshzxt')).toBe('')
    expect(missingClasses('Kh')).toBe('g$lszxt')
  })

  it('adds K and A to what the server has, taking nothing away', () => {
    expect(enabledFlags('')).toBe('KA')
    expect(enabledFlags(null)).toBe('KA')
    expect(enabledFlags('Ex')).toBe('ExKA')
    expect(enabledFlags('Kh')).toBe('KhA')
    expect(enabledFlags('AKE')).toBe('AKE')
  })

  it('is live only with notifications on and the subscription confirmed; otherwise polls and says why', () => {
    expect(liveStatus('AKE', true)).toEqual({ mode: 'notifications', flags: 'AKE', reason: null, enableLine: null })
    expect(liveStatus('', true)).toEqual({
      mode: 'polling',
      flags: '',
      reason: 'keyspace notifications are off on this server',
      enableLine: 'CONFIG SET notify-keyspace-events KA',
    })
    expect(liveStatus('Kh', true).reason).toBe(
      'keyspace notifications are only partly on (notify-keyspace-events is "Kh"; missing: g$lszxt)'
    )
    expect(liveStatus('Kh', true).enableLine).toBe('CONFIG SET notify-keyspace-events KhA')
    // Before the server confirmed the subscription, and when it refused it.
    expect(liveStatus('KA', null)).toMatchObject({ mode: 'polling', reason: 'subscribing to keyspace notifications…', enableLine: null })
    expect(liveStatus('KA', 'NOPERM no channels')).toMatchObject({ mode: 'polling', enableLine: null })
    expect(liveStatus('KA', 'NOPERM no channels').reason).toContain('(NOPERM no channels)')
    // A user that may not read the setting: nothing to offer, since it may not change it either.
    expect(liveStatus(null, true)).toMatchObject({ mode: 'polling', flags: null, enableLine: null })
  })
})
