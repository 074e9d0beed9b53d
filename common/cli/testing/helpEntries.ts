/**
 * A few help entries shaped like Valkey's COMMAND DOCS, for unit tests of
 * hints, help and completion. The integration tests use the live server's docs.
 */
import type { HelpArg, HelpEntry } from '../../protocol/index.ts'

const arg = (name: string, type: HelpArg['type'], extra: Partial<HelpArg> = {}): HelpArg => ({ name, type, ...extra })

export const HSET: HelpEntry = {
  words: ['HSET'],
  summary: 'Creates or modifies the value of a field in a hash.',
  since: '2.0.0',
  group: 'hash',
  args: [arg('key', 'key'), arg('data', 'block', { multiple: true, args: [arg('field', 'string'), arg('value', 'string')] })],
}

export const SET: HelpEntry = {
  words: ['SET'],
  summary: 'Sets the string value of a key.',
  since: '1.0.0',
  group: 'string',
  args: [
    arg('key', 'key'),
    arg('value', 'string'),
    arg('condition', 'oneof', {
      optional: true,
      args: [arg('nx', 'pure-token', { token: 'NX' }), arg('xx', 'pure-token', { token: 'XX' })],
    }),
    arg('get', 'pure-token', { token: 'GET', optional: true }),
    arg('expiration', 'oneof', {
      optional: true,
      args: [
        arg('seconds', 'integer', { token: 'EX' }),
        arg('milliseconds', 'integer', { token: 'PX' }),
        arg('keepttl', 'pure-token', { token: 'KEEPTTL' }),
      ],
    }),
  ],
}

export const HRANDFIELD: HelpEntry = {
  words: ['HRANDFIELD'],
  summary: 'Returns one or more random fields from a hash.',
  since: '6.2.0',
  group: 'hash',
  args: [
    arg('key', 'key'),
    arg('options', 'block', {
      optional: true,
      args: [arg('count', 'integer'), arg('withvalues', 'pure-token', { token: 'WITHVALUES', optional: true })],
    }),
  ],
}

export const CLIENT: HelpEntry = {
  words: ['CLIENT'],
  summary: 'A container for client connection commands.',
  since: '2.4.0',
  group: 'connection',
  args: null,
}
export const CLIENT_KILL: HelpEntry = {
  words: ['CLIENT', 'KILL'],
  summary: 'Terminates open connections.',
  since: '2.4.0',
  group: 'connection',
  args: [arg('ip:port', 'string')],
}
export const DBSIZE: HelpEntry = {
  words: ['DBSIZE'],
  summary: 'Returns the number of keys in the database.',
  since: '1.0.0',
  group: 'server',
  args: null,
}

/** Sorted by full name, as parseCommandDocs returns them. */
export const ENTRIES: HelpEntry[] = [CLIENT, CLIENT_KILL, DBSIZE, HRANDFIELD, HSET, SET]
