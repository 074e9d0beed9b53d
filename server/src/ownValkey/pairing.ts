/**
 * @module Commands the inspect terminal never sends, whatever the mode: each would break the rule
 * its connection lives by, one reply per command in order (MONITOR and replication stream
 * forever, CLIENT REPLY OFF/SKIP answers nothing, RESP3 sends pushes the terminal would pair with
 * the wrong command), or ends the connection under the terminal (QUIT).
 */
import { upper } from '../../../common/commands/commandNames.ts'

const WHOLE: Record<string, string> = {
  MONITOR:
    'MONITOR streams every command forever; the terminal pairs one reply with each command. Run valkey-cli MONITOR in a shell instead',
  SYNC: 'SYNC starts a replication stream',
  PSYNC: 'PSYNC starts a replication stream',
  REPLCONF: 'REPLCONF belongs to replication',
  QUIT: 'QUIT is handled by the terminal (type quit or exit); the connection stays open',
}

const SUB: Record<string, string> = {
  'CLIENT REPLY': 'CLIENT REPLY would make the server skip replies the terminal waits for',
  'CLIENT TRACKING': 'CLIENT TRACKING needs RESP3 push messages, which this terminal does not speak',
  'CLIENT CACHING': 'CLIENT CACHING needs RESP3 push messages, which this terminal does not speak',
}

/** The refusal for a command that would break the connection's pairing; null for any other. */
export function breaksPairing(args: readonly string[], name = upper(args[0] ?? '')): string | null {
  const whole = WHOLE[name]
  if (whole) return `ERR ${whole}`
  if (name === 'CLIENT' && args.length > 1) {
    const sub = SUB[`CLIENT ${upper(args[1]!)}`]
    if (sub) return `ERR ${sub}`
  }
  if (name === 'HELLO') {
    const protover = args[1]
    if (protover !== undefined && /^\d+$/.test(protover) && Number(protover) >= 3) {
      return 'NOPROTO this terminal speaks RESP2, like valkey-cli by default; HELLO 3 is not available'
    }
  }
  return null
}
