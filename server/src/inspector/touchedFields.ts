/**
 * @module Which hash fields a command names, so that after its keyspace
 * event the inspector re-reads only those fields of a large hash.
 *
 * Keyspace notifications say "hset on key k", never which fields; the
 * terminal session sees the command, so it tells the inspector beforehand.
 * Returns null when the command is not a hash command with a known layout
 * (the inspector then re-reads what it shows).
 */

export type Touched = { key: string; fields: string[] }

/** Fields after `FIELDS numfields`; `stride` 2 for field/value pairs. */
function afterFieldsToken(args: readonly string[], stride: number): string[] | null {
  const at = args.findIndex((arg, index) => index >= 2 && arg.toUpperCase() === 'FIELDS')
  if (at < 0) return null
  const count = Number(args[at + 1])
  if (!Number.isSafeInteger(count) || count <= 0) return null
  const fields: string[] = []
  for (let i = at + 2; i < args.length && fields.length < count; i += stride) fields.push(args[i]!)
  return fields
}

export function touchedFields(args: readonly string[]): Touched | null {
  if (args.length < 2) return null
  const key = args[1]!
  let fields: string[] | null
  switch (args[0]!.toUpperCase()) {
    case 'HSET':
    case 'HMSET':
    case 'HSETNX':
      fields = args.slice(2).filter((_, i) => i % 2 === 0)
      break
    case 'HDEL':
      fields = args.slice(2)
      break
    case 'HINCRBY':
    case 'HINCRBYFLOAT':
      fields = args.length > 2 ? [args[2]!] : null
      break
    case 'HSETEX':
      fields = afterFieldsToken(args, 2)
      break
    case 'HEXPIRE':
    case 'HPEXPIRE':
    case 'HEXPIREAT':
    case 'HPEXPIREAT':
    case 'HPERSIST':
    case 'HGETEX':
    case 'HGETDEL':
      fields = afterFieldsToken(args, 1)
      break
    default:
      return null
  }
  return fields && fields.length > 0 ? { key, fields } : null
}
