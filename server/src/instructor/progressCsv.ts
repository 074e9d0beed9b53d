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

/** One line per attendee: who, where they are, and steps done per mission. */
export function progressCsv(rows: readonly AttendeeRow[], missions: readonly CsvMission[], now: number): string {
  const header = [
    'attendee',
    'name',
    'connected',
    'mission',
    'step',
    'seconds on step',
    'errors (5 min)',
    'stuck',
    ...missions.map((mission) => `${mission.id} done (of ${mission.steps.length})`),
  ]
  const lines = [header.map(csvField).join(',')]
  for (const row of rows) {
    const fields = [
      row.id,
      row.name ?? `Attendee ${row.number}`,
      row.connected > 0,
      row.mission,
      row.step,
      row.stepSince === null ? null : Math.max(0, Math.round((now - row.stepSince) / 1000)),
      row.errors,
      row.stuck,
      ...missions.map((mission) => {
        const done = new Set(row.done[mission.id] ?? [])
        return mission.steps.filter((step) => done.has(step)).length
      }),
    ]
    lines.push(fields.map(csvField).join(','))
  }
  return lines.join('\r\n') + '\r\n'
}
