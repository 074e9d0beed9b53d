/**
 * @module Why a check does not hold, in words, with the value found: "the TTL is 35,999 s; this
 * step wants at most 3,600". The page shows it next to the check line, so a learner whose command
 * answered `(integer) 1` but did not satisfy the step sees what to change.
 *
 * Pure: the server reads the value (MissionSession) and calls this with it.
 */
import type { Check, CheckValue, Expectation, Probe } from './checkLanguage.ts'

// One formatter, made once: toLocaleString('en-US') builds a new one on every call, and checks are
// explained after every command of every attendee with a mission open.
const EN_US = new Intl.NumberFormat('en-US')
const number = (value: number) => EN_US.format(value)

/** A value as the learner would type or read it: numbers grouped, text quoted, nil as (nil). */
function shown(value: string | number | null): string {
  if (value === null) return '(nil)'
  if (typeof value === 'number') return number(value)
  return JSON.stringify(value)
}

/** What the expectation asks for, given the value found (a range says which side was missed). */
export function wanted(expect: Expectation, actual: number | null, unit = ''): string {
  const n = (value: number) => `${number(value)}${unit}`
  switch (expect.op) {
    case '=':
      return typeof expect.value === 'number' ? n(expect.value) : shown(expect.value)
    case '!=':
      return `anything but ${typeof expect.value === 'number' ? n(expect.value) : shown(expect.value)}`
    case '>':
      return `more than ${n(expect.value)}`
    case '>=':
      return `at least ${n(expect.value)}`
    case '<':
      return `less than ${n(expect.value)}`
    case '<=':
      return `at most ${n(expect.value)}`
    case 'between':
      if (actual !== null && actual > expect.max) return `at most ${n(expect.max)}`
      if (actual !== null && actual < expect.min && actual >= 0) return `at least ${n(expect.min)}`
      return `${n(expect.min)} to ${n(expect.max)}`
    case 'contains':
      return `a list holding ${expect.values.map((value) => JSON.stringify(value)).join(', ')}`
  }
}

const numeric = (value: CheckValue | undefined): number | null =>
  typeof value === 'number'
    ? value
    : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
      ? Number(value)
      : null

/** The value found, as a sentence about the probe's subject. */
function found(probe: Exclude<Probe, { kind: 'ran' }>, value: CheckValue): string {
  const n = numeric(value)
  switch (probe.kind) {
    case 'hget':
      return value === null ? `the field ${probe.field} does not exist` : `the field ${probe.field} is ${shown(value as string)}`
    case 'hexists':
      return n === 1 ? `the field ${probe.field} exists` : `the field ${probe.field} does not exist`
    case 'hlen':
      return `the hash has ${number(n ?? 0)} field${n === 1 ? '' : 's'}`
    case 'exists':
      return n === 1 ? `${probe.key} exists` : `${probe.key} does not exist`
    case 'type':
      return value === 'none' ? `${probe.key} does not exist` : `${probe.key} is a ${String(value)}`
    case 'ttl':
    case 'pttl': {
      const unit = probe.kind === 'ttl' ? 's' : 'ms'
      if (n === -2) return `${probe.key} does not exist`
      if (n === -1) return `${probe.key} has no TTL`
      return `the TTL is ${number(n ?? 0)} ${unit}`
    }
    case 'httl':
      if (n === -2 || n === null) return `the field ${probe.field} does not exist`
      if (n === -1) return `the field ${probe.field} has no expiry`
      return `the field's TTL is ${number(n)} s`
    case 'keys':
      return `${number(n ?? 0)} key${n === 1 ? '' : 's'} match${n === 1 ? 'es' : ''} ${probe.pattern}${probe.type ? ` (type ${probe.type})` : ''}`
    case 'dbsize':
      return `the sandbox has ${number(n ?? 0)} key${n === 1 ? '' : 's'}`
  }
}

/** The unit a probe's numbers are in, for the wanted part ("at most 3,600" for seconds stays bare, as the learner typed it). */
const unitOf = (probe: Probe) => (probe.kind === 'pttl' ? ' ms' : probe.kind === 'ttl' || probe.kind === 'httl' ? ' s' : '')

/**
 * Why a check with this value fails; `value` undefined: nothing read (a `ran` check whose
 * command has not run, or a read that failed). `probe` is the check's probe with captured values
 * filled in.
 */
export function explainFailure(check: Check, probe: Probe, value: CheckValue | undefined): string {
  const expect = check.expect
  if (probe.kind === 'ran') {
    const command = probe.names.join(' or ')
    if (value === undefined) return `you have not run ${command} here yet`
    if (!expect) return `you have not run ${command} with these arguments yet`
    return `${command} last answered ${describeReply(value)}; this step wants ${wanted(expect, numeric(value))}`
  }
  if (value === undefined) return 'could not be read just now'
  const subject = found(probe, value)
  if (!expect) return subject
  return `${subject}; this step wants ${wantedFor(probe, expect, value, unitOf(probe))}`
}

function wantedFor(probe: Exclude<Probe, { kind: 'ran' }>, expect: Expectation, value: CheckValue, unit: string): string {
  const n = numeric(value)
  if ((probe.kind === 'exists' || probe.kind === 'hexists') && expect.op === '=' && typeof expect.value === 'number')
    return expect.value === 0 ? 'it gone' : 'it to exist'
  if (probe.kind === 'type' && expect.op === '=') return `a ${String(expect.value)}`
  if (probe.kind === 'hget' && expect.op === '=' && expect.value === null) return 'it gone'
  // Seconds: "at most 3,600" reads better bare, as the learner typed the number (EXPIRE key 3600).
  return wanted(expect, n, unit === ' ms' ? ' ms' : '')
}

function describeReply(value: CheckValue): string {
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${number(value.length)}`
  return shown(value)
}
