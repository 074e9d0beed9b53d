/**
 * @module The session-manager module's commands (SESSION.* and CUSTOM.*), as the terminal accepts them.
 *
 * `SESSION.CREATE user123` is not a Valkey command: the proxy turns it into the FCALL of the
 * playground's library (playgroundLibrary.lua) with the keys it touches, and the terminal shows
 * that FCALL above the reply, so the learner sees the real command. Arity is checked as the
 * module checks it (missing arguments give Valkey's wrong-arity error with the module's lower-case
 * name; extra ones are ignored, except by SESSION.LIST and CUSTOM.KEYS, which take none). New
 * session ids are UUID v4, made here, as the module makes them.
 *
 * These ten names are the only commands the playground adds to Valkey's.
 */
import { randomUUID } from 'node:crypto'
import type { HelpArg, HelpEntry } from '../../../common/protocol/index.ts'

type SessionCommand = {
  /** Arguments the module requires; `exact`: and no more. */
  arity: number
  exact?: boolean
  summary: string
  args: HelpArg[]
  /** The FCALL (or FCALL_RO) that does it. */
  fcall: (args: string[]) => string[]
  /** It only removes data: a sandbox at its memory quota may still run it. */
  frees?: boolean
}

const meta = (id: string) => `session:${id}`
const data = (id: string) => `session:${id}:data`
const MAP = 'custom:map'
const INDEX = 'sessions'

const key = (name: string): HelpArg => ({ name, type: 'key' })
const text = (name: string): HelpArg => ({ name, type: 'string' })

const COMMANDS: Record<string, SessionCommand> = {
  'SESSION.CREATE': {
    arity: 1,
    summary: 'Creates a session for a user key, or returns the one it already has.',
    args: [key('key')],
    fcall: ([userKey]) => {
      const id = randomUUID()
      return ['FCALL', 'session_create', '3', MAP, INDEX, meta(id), userKey!, id]
    },
  },
  'SESSION.GET': {
    arity: 1,
    summary: "Returns a session's record and data as JSON.",
    args: [text('session_id')],
    fcall: ([id]) => ['FCALL_RO', 'session_get', '2', meta(id!), data(id!), id!],
  },
  'SESSION.LIST': {
    arity: 0,
    exact: true,
    summary: 'Lists every session: its id, user key and creation time.',
    args: [],
    fcall: () => ['FCALL_RO', 'session_list', '1', INDEX],
  },
  'SESSION.DELETE': {
    arity: 1,
    summary: 'Deletes a session, its data and its user key.',
    args: [text('session_id')],
    fcall: ([id]) => ['FCALL', 'session_delete', '4', meta(id!), data(id!), MAP, INDEX, id!],
    frees: true,
  },
  'SESSION.ADD_DATA': {
    arity: 3,
    summary: "Sets one key of a session's data.",
    args: [text('session_id'), text('key'), text('value')],
    fcall: ([id, field, value]) => ['FCALL', 'session_add_data', '2', meta(id!), data(id!), id!, field!, value!],
  },
  'SESSION.GET_DATA': {
    arity: 2,
    summary: "Returns one key of a session's data (and marks the session accessed).",
    args: [text('session_id'), text('key')],
    fcall: ([id, field]) => ['FCALL', 'session_get_data', '2', meta(id!), data(id!), id!, field!],
  },
  'CUSTOM.SET': {
    arity: 2,
    summary: 'Maps a key to a value in the custom hashmap.',
    args: [key('key'), text('value')],
    fcall: ([name, value]) => ['FCALL', 'custom_set', '1', MAP, name!, value!],
  },
  'CUSTOM.GET': {
    arity: 1,
    summary: 'Returns the value of a key in the custom hashmap.',
    args: [key('key')],
    fcall: ([name]) => ['FCALL_RO', 'custom_get', '1', MAP, name!],
  },
  'CUSTOM.DEL': {
    arity: 1,
    summary: 'Removes a key from the custom hashmap.',
    args: [key('key')],
    fcall: ([name]) => ['FCALL', 'custom_del', '1', MAP, name!],
    frees: true,
  },
  'CUSTOM.KEYS': {
    arity: 0,
    exact: true,
    summary: 'Lists the keys of the custom hashmap.',
    args: [],
    fcall: () => ['FCALL_RO', 'custom_keys', '1', MAP],
  },
}

/** `frees`: the command only removes data (allowed at the memory quota, like DEL). */
export type Translation = { args: string[]; frees: boolean } | { error: string }

/** The FCALL for a session-manager command, its arity error, or null for any other command. */
export function translateSessionCommand(typed: readonly string[]): Translation | null {
  const name = typed[0]?.toUpperCase() ?? ''
  if (!name.startsWith('SESSION.') && !name.startsWith('CUSTOM.')) return null
  const command = COMMANDS[name]
  if (!command) return null
  const given = typed.length - 1
  if (given < command.arity || (command.exact && given !== command.arity)) {
    return { error: `ERR wrong number of arguments for '${name.toLowerCase()}' command` }
  }
  return { args: command.fcall(typed.slice(1, 1 + command.arity)), frees: command.frees ?? false }
}

/** Help entries for `help SESSION.CREATE`, hints and completion. */
export function sessionHelpEntries(): HelpEntry[] {
  return Object.entries(COMMANDS).map(([name, command]) => ({
    words: [name],
    summary: command.summary,
    since: null,
    group: 'playground (session manager)',
    args: command.args,
  }))
}
