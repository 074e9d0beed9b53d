/**
 * @module The protocol's basics, shared by every part of it: its version, the limits the server
 * enforces at its edge, the RESP reply as it travels, error and close codes, what the page is told
 * about the server, and the checks the validators of each part use. Part of the one protocol module (common/protocol/index.ts re-exports
 * it); free of DOM and Node APIs.
 */

export const PROTOCOL_VERSION = 1

/** Limits enforced at the server edge (and respected by the page). */
export const LIMITS = {
  /** Largest frame the server accepts; bigger frames close the socket (1009). */
  maxFrameBytes: 8 * 1024 * 1024,
  /** Sum of the argument sizes of one command. */
  maxCommandBytes: 4 * 1024 * 1024,
  maxArgs: 100_000,
  /** Commands a socket may have in flight before the server refuses more. */
  maxInFlight: 4096,
  /** Longest sandbox token accepted in a hello. */
  maxTokenLength: 128,
  /** Keys in one page of the inspector's key list (SCAN goes on from there when asked). */
  inspectorKeys: 2000,
  /** Most keys the page keeps listed for one pattern (beyond: narrow the filter). */
  inspectorKeysLoaded: 20_000,
  /** Longest key name or glob pattern the inspector accepts. */
  maxInspectorText: 4096,
  /** Longest attendee display name (characters). */
  maxName: 40,
  /** Longest instructor key accepted in a frame (the configured one may be shorter). */
  maxInstructorKey: 256,
  /** Longest one-line announcement. */
  maxAnnouncement: 200,
  /** Most terminal output one `screen` frame carries (bytes). */
  maxScreenBytes: 256 * 1024,
} as const

/** A RESP reply, with its type kept so the terminal can print it exactly. */
export type Reply =
  /** Simple string (`+OK`): printed bare. */
  | { t: 'str'; s: string }
  /** Bulk string (`$3 foo`): printed quoted and escaped. `s` is a byte string. */
  | { t: 'bulk'; s: string }
  /** Integer, as decimal text so values beyond 2^53 stay exact. */
  | { t: 'int'; n: string }
  | { t: 'nil' }
  /** Error reply; `s` is the full text, code included. */
  | { t: 'err'; s: string }
  | { t: 'arr'; a: Reply[] }
  /** RESP3 map, flattened as key, value, key, value. */
  | { t: 'map'; a: Reply[] }
  | { t: 'set'; a: Reply[] }
  | { t: 'push'; a: Reply[] }
  | { t: 'double'; s: string }
  | { t: 'bool'; b: boolean }
  /** RESP3 verbatim string; `f` is the three-letter format (txt, mkd). */
  | { t: 'verb'; f: string; s: string }
  | { t: 'big'; n: string }

export const ERROR_CODES = {
  badJson: 'bad_json',
  badFrame: 'bad_frame',
  unknownType: 'unknown_type',
  notReady: 'not_ready',
  tooLarge: 'too_large',
  tooManyInFlight: 'too_many_in_flight',
  /** An instructor message on a socket that did not present the instructor key. */
  forbidden: 'forbidden',
} as const
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES]

/** WebSocket close codes the server uses (4000-4999 is the application range). */
export const CLOSE_CODES = {
  versionMismatch: 4001,
  noHello: 4002,
  sandboxUnavailable: 4003,
  serverShutdown: 4004,
  badOrigin: 4005,
  /** instructorHello with a missing or wrong key. */
  badInstructorKey: 4006,
  /**
   * The shared bookkeeping (the control Valkey) cannot be reached, so no sandbox can be found or
   * handed out: a passing state, so the page tries again with its usual growing back-off.
   */
  bookkeepingUnavailable: 4007,
} as const

// ---------------------------------------------------------------- validation helpers

/** A frame the server could not accept, and why. */
export type Refusal = { ok: false; code: ErrorCode; message: string }

export const fail = (code: ErrorCode, message: string): Refusal => ({ ok: false, code, message })

const BEYOND_BYTE = /[^\x00-\xff]/

/** A byte string: one character per byte (char codes 0-255). */
export function isByteString(value: unknown): value is string {
  return typeof value === 'string' && !BEYOND_BYTE.test(value)
}

export const isShortByteString = (value: unknown): value is string => isByteString(value) && value.length <= LIMITS.maxInspectorText

export const isIntIn = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max

/** What the server knows about the Valkey it fronts, sent in `welcome`. */
export type ServerInfo = {
  /** `host:port` as valkey-cli would print it in its prompt. */
  address: string
  /** The `valkey_version` field of INFO, e.g. "9.1.2". */
  valkeyVersion: string
  /** Detected by capability, never by version number. */
  features: {
    hashFieldExpiration: boolean
    /** HGETDEL exists (Valkey 9.1+). Absent where nobody asked (inspect mode shows no missions). */
    hashFieldGetDel?: boolean
    /** HSETEX accepts FNX: set fields only if none of them exists. Absent where nobody asked. */
    hashFieldSetIfAbsent?: boolean
  }
  embedded: boolean
  /** Set in inspect mode (`npm start -- --inspect URL`): the page shows someone's own server. */
  inspect?: InspectInfo
}

/** What the page of inspect mode needs to know about the server it shows and what it may do. */
export type InspectInfo = {
  /** Commands that write or administer are refused (no --write). */
  readOnly: boolean
  /** --dangerous: FLUSHALL, FLUSHDB, SHUTDOWN, DEBUG and KEYS on a large database are allowed too. */
  dangerous: boolean
  /** The database the URL named, where the terminal and the inspector start. */
  db: number
  /** The user signed in as (null: the default user). */
  user: string | null
  tls: boolean
  /** Valkey or Redis (from INFO: valkey_version is only in Valkey's). */
  product: 'valkey' | 'redis'
}
