/**
 * @module The instructor's progress table as CSV (RFC 4180: comma-separated, CRLF lines, fields
 * quoted when they hold a comma, quote or line break).
 *
 * Names are typed by attendees, so a name that a spreadsheet would run as a formula (starting
 * with = + - @ or a tab) gets a leading apostrophe: opening the export must never run anything.
 */
import type { AttendeeRow } from '../../../common/protocol/index.ts'

export type CsvMission = { id: string; steps: readonly string[] }

const FORMULA_START = /^[=+\-@\t\r]/

export function csvField(value: string | number | boolean | null): string {
  if (value === null) return ''
  let text = String(value)
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** A time as ISO 8601 in UTC (empty when unknown). */
const isoTime = (at: number | null | undefined) => (typeof at === 'number' && at > 0 ? new Date(at).toISOString() : null)

/** Seconds on the current step: the step's clock (stopped while the attendee is away). */
const secondsOnStep = (row: AttendeeRow, now: number) =>
  row.stepSince === null ? null : Math.max(0, Math.round(((row.awayAt ?? now) - row.stepSince) / 1000))

/**
 * One line per attendee: who, when they joined, where they are, and per mission the steps done
 * and when its last step got done (times in ISO 8601, UTC).
 */
export function progressCsv(rows: readonly AttendeeRow[], missions: readonly CsvMission[], now: number): string {
  const header = [
    'attendee',
    'name',
    'connected',
    'joined',
    'mission',
    'step',
    'seconds on step',
    'errors (5 min)',
    'stuck',
    'needs help',
    ...missions.flatMap((mission) => [`${mission.id} done (of ${mission.steps.length})`, `${mission.id} finished`]),
  ]
  const lines = [header.map(csvField).join(',')]
  for (const row of rows) {
    const fields = [
      row.id,
      row.name ?? `Attendee ${row.number}`,
      row.connected > 0,
      isoTime(row.joinedAt),
      row.mission,
      row.step,
      secondsOnStep(row, now),
      row.errors,
      row.stuck,
      row.help !== null,
      ...missions.flatMap((mission) => {
        const done = new Set(row.done[mission.id] ?? [])
        return [mission.steps.filter((step) => done.has(step)).length, isoTime(row.finished[mission.id])]
      }),
    ]
    lines.push(fields.map(csvField).join(','))
  }
  return lines.join('\r\n') + '\r\n'
}
