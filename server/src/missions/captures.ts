/**
 * @module Values a mission takes from replies: a session id is random, so a response declares
 * `{{capture id uuid}}` and later blocks and checks use `{{id}}`.
 *
 * The server captures them from the commands a learner runs, typed or by Run: when a command is
 * the one line of a block whose response captures (after filling in what is known already), its
 * output (what the terminal prints, the `-> FCALL` line included) is matched against that
 * response. Checks read their keys with the values filled in; the page fills them into the
 * blocks it shows. Only one-line blocks capture (parseMission makes sure), so an output belongs
 * to one command.
 */
import { formatReply } from '../../../common/cli/formatReply.ts'
import { ranLine } from '../../../common/cli/LineRunner.ts'
import { splitArgs } from '../../../common/cli/splitArgs.ts'
import type { Reply, ResponseSpec } from '../../../common/protocol/index.ts'
import type { Expectation, Probe } from './checkLanguage.ts'
import type { ParsedMission } from './parseMission.ts'
import { capturedNames, fillCaptures, responseCaptures, usedNames } from '../../../common/missions/responsePattern.ts'

export type CaptureSource = { line: string; response: ResponseSpec }

/**
 * Longest value kept. A capture rides along in every progress message and is stored with the
 * progress; an id or token is far shorter, and a reply that would give more is not taken.
 */
export const MAX_CAPTURE_CHARS = 256

/** Mission text is Unicode; Valkey arguments travel as byte strings (latin1, one char per byte). */
const toBytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1')
const fromBytes = (bytes: string) => Buffer.from(bytes, 'latin1').toString('utf8')

/** The blocks of a mission whose responses capture values. */
export function captureSources(mission: ParsedMission): CaptureSource[] {
  const sources: CaptureSource[] = []
  for (const block of [...mission.intro, ...mission.steps.flatMap((step) => step.blocks)]) {
    if (block.kind === 'commands' && block.response && block.lines.length === 1 && capturedNames(block.response.text).length > 0) {
      sources.push({ line: block.lines[0]!, response: block.response })
    }
  }
  return sources
}

/**
 * New values from one command the learner ran, or null. `typed`: its arguments (byte strings);
 * `ran`: the command the proxy ran instead, when it did.
 */
export function captureFrom(
  sources: readonly CaptureSource[],
  known: Readonly<Record<string, string>>,
  typed: readonly string[],
  replies: readonly Reply[],
  ran: readonly string[] | undefined
): Record<string, string> | null {
  for (const source of sources) {
    // A value is captured once (until the mission is reset): a later run of the same command,
    // which gives a new id, must not replace the one the lesson's blocks already use.
    if (capturedNames(source.response.text).every((name) => name in known)) continue
    const filled = fillCaptures(source.line, known)
    if (usedNames(filled).length > 0) continue
    const args = splitArgs(filled)?.map(toBytes)
    if (!args || args.length !== typed.length) continue
    if (args[0]!.toUpperCase() !== typed[0]?.toUpperCase() || args.some((arg, i) => i > 0 && arg !== typed[i])) continue
    const output = (ran ? `${ranLine(ran)}\n` : '') + replies.map(formatReply).join('')
    const expected = { ...source.response, text: fillCaptures(source.response.text, known) }
    const found = responseCaptures(expected, fromBytes(output))
    if (found && Object.keys(found).length > 0 && Object.values(found).every((value) => value.length <= MAX_CAPTURE_CHARS)) return found
  }
  return null
}

/** A check's probe with the captured values in its keys, fields, patterns and arguments. */
export function fillProbe(probe: Probe, captures: Readonly<Record<string, string>>): Probe {
  const fill = (text: string) => fillCaptures(text, captures)
  switch (probe.kind) {
    case 'hget':
    case 'hexists':
    case 'httl':
      return { ...probe, key: fill(probe.key), field: fill(probe.field) }
    case 'hlen':
    case 'ttl':
    case 'pttl':
    case 'exists':
    case 'type':
      return { ...probe, key: fill(probe.key) }
    case 'keys':
      return { ...probe, pattern: fill(probe.pattern) }
    case 'dbsize':
      return probe
    case 'ran':
      return { ...probe, args: probe.args.map((arg) => ('literal' in arg ? { literal: fill(arg.literal) } : arg)) }
  }
}

/** A check's expected value with the captured values filled in (`hget custom:map user123 = "{{id}}"`). */
export function fillExpectation(expect: Expectation | null, captures: Readonly<Record<string, string>>): Expectation | null {
  if (!expect) return expect
  if ((expect.op === '=' || expect.op === '!=') && typeof expect.value === 'string')
    return { ...expect, value: fillCaptures(expect.value, captures) }
  if (expect.op === 'contains') return { ...expect, values: expect.values.map((value) => fillCaptures(value, captures)) }
  return expect
}
