/**
 * @module The commands behind the inspector's edit buttons. They run in the
 * terminal, so each click shows (and teaches) the exact command.
 */
import { utf8Bytes } from '../../../../common/cli/bytes.ts'
import { quoteArgs } from '../../../../common/cli/quoteArgs.ts'

/** Key and field names are byte strings already; typed values are text and become UTF-8. */
export const typed = (text: string) => utf8Bytes(text)

export const editCommands = {
  /** A new or changed value; keepTtl keeps a field's TTL (Valkey 9's HSETEX KEEPTTL). */
  setField: (key: string, field: string, value: string, keepTtl: boolean) =>
    keepTtl ? ['HSETEX', key, 'KEEPTTL', 'FIELDS', '1', field, value] : ['HSET', key, field, value],
  addFieldWithTtl: (key: string, field: string, value: string, seconds: number) => [
    'HSETEX',
    key,
    'EX',
    String(seconds),
    'FIELDS',
    '1',
    field,
    value,
  ],
  deleteField: (key: string, field: string) => ['HDEL', key, field],
  fieldTtl: (key: string, field: string, seconds: number) => ['HEXPIRE', key, String(seconds), 'FIELDS', '1', field],
  persistField: (key: string, field: string) => ['HPERSIST', key, 'FIELDS', '1', field],
  keyTtl: (key: string, seconds: number) => ['EXPIRE', key, String(seconds)],
  persistKey: (key: string) => ['PERSIST', key],
  deleteKey: (key: string) => ['DEL', key],
}

export const commandLine = (args: string[]) => quoteArgs(args)

/** A whole number of seconds from a text box, or null. */
export function parseSeconds(text: string): number | null {
  const value = Number(text.trim())
  return Number.isSafeInteger(value) && value > 0 ? value : null
}
