/** @module INFO keyspace, read: which logical databases hold keys, and how many. */
import type { DatabaseInfo } from '../../../common/protocol/index.ts'

const LINE = /^db(\d+):keys=(\d+),expires=(\d+)/

/** One entry per `dbN:keys=...` line, by number; other lines (and later fields of a line) are ignored. */
export function parseKeyspace(info: string): DatabaseInfo[] {
  const list: DatabaseInfo[] = []
  for (const line of info.split(/\r?\n/)) {
    const match = LINE.exec(line)
    if (match) list.push({ db: Number(match[1]), keys: Number(match[2]), expires: Number(match[3]) })
  }
  return list.sort((a, b) => a.db - b.db)
}

/** The list the page shows: the databases with keys, and `current` even when it is empty. */
export function withCurrent(list: DatabaseInfo[], current: number): DatabaseInfo[] {
  if (list.some((entry) => entry.db === current)) return list
  return [...list, { db: current, keys: 0, expires: 0 }].sort((a, b) => a.db - b.db)
}
