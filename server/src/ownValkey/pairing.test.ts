import { describe, expect, it } from 'vitest'
import { breaksPairing } from './pairing.ts'

describe('commands the inspect terminal never sends', () => {
  it.each([
    [
      ['MONITOR'],
      'ERR MONITOR streams every command forever; the terminal pairs one reply with each command. Run valkey-cli MONITOR in a shell instead',
    ],
    [
      ['monitor'],
      'ERR MONITOR streams every command forever; the terminal pairs one reply with each command. Run valkey-cli MONITOR in a shell instead',
    ],
    [['SYNC'], 'ERR SYNC starts a replication stream'],
    [['PSYNC', '?', '-1'], 'ERR PSYNC starts a replication stream'],
    [['REPLCONF', 'listening-port', '1'], 'ERR REPLCONF belongs to replication'],
    [['QUIT'], 'ERR QUIT is handled by the terminal (type quit or exit); the connection stays open'],
  ])('refuses %s', (args, refusal) => {
    expect(breaksPairing(args)).toBe(refusal)
  })

  it('refuses CLIENT REPLY, TRACKING and CACHING but not other CLIENT subcommands', () => {
    expect(breaksPairing(['CLIENT', 'REPLY', 'OFF'])).toMatch(/^ERR CLIENT REPLY would make the server skip replies/)
    expect(breaksPairing(['client', 'tracking', 'on'])).toMatch(/RESP3/)
    expect(breaksPairing(['CLIENT', 'ID'])).toBeNull()
    expect(breaksPairing(['CLIENT'])).toBeNull()
  })

  it('refuses HELLO 3 and above, allows HELLO and HELLO 2', () => {
    expect(breaksPairing(['HELLO', '3'])).toBe('NOPROTO this terminal speaks RESP2, like valkey-cli by default; HELLO 3 is not available')
    expect(breaksPairing(['HELLO', '2'])).toBeNull()
    expect(breaksPairing(['HELLO'])).toBeNull()
    expect(breaksPairing(['GET', 'MONITOR'])).toBeNull()
  })
})
