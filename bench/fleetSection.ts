/**
 * @module The fleet section of `npm run bench`: attendees held at command p99 ≤ 20 ms by
 * 1 worker + 1 Valkey and by 2 workers + 2 Valkeys, their ratio, the CPU one attendee costs (what
 * docs/hosting.md's sizing table is built on), and server B's attendee while server A restarts.
 */
import { benchFleetShape, type ShapeResult } from './fleet.ts'
import { benchRunaway, type RunawayResult } from './fleetRunaway.ts'
import { round } from './stats.ts'

export type FleetResults = {
  one: ShapeResult
  two: ShapeResult
  ratio: number
  /** Percent of one core per attendee at one command a second, at the largest level one worker held. */
  perAttendeeCpu: { node: number; valkey: number; atAttendees: number }
  runaway: RunawayResult
  target: string
}

export async function runFleet(log: (line: string) => void): Promise<FleetResults> {
  const one = await benchFleetShape(1, 1, log)
  const two = await benchFleetShape(2, 2, log)
  const base = one.levels.filter((level) => level.met).at(-1) ?? one.levels[0]!
  const runaway = await benchRunaway()
  return {
    one,
    two,
    ratio: one.held > 0 ? round(two.held / one.held, 2) : NaN,
    perAttendeeCpu: {
      node: round(base.cpuPercent.node / base.attendees, 4),
      valkey: round(base.cpuPercent.valkey / base.attendees, 4),
      atAttendees: base.attendees,
    },
    runaway,
    target: 'command p99 ≤ 20 ms at each level held; B p99 ≤ 20 ms while A restarts',
  }
}

export function printFleet(fleet: FleetResults): void {
  const ms = (value: number) => `${round(value, 1)} ms`
  console.log('\nFleet summary')
  console.log(`  1 worker + 1 Valkey    held ${fleet.one.held} attendees at command p99 ≤ 20 ms`)
  console.log(`  2 workers + 2 Valkeys  held ${fleet.two.held} attendees at command p99 ≤ 20 ms   ratio ${fleet.ratio}x`)
  console.log(
    `  per attendee (1 command/s, inspector + mission open, at ${fleet.perAttendeeCpu.atAttendees}): ` +
      `playground ${fleet.perAttendeeCpu.node} % of a core, Valkey ${fleet.perAttendeeCpu.valkey} % of a core`
  )
  const runaway = fleet.runaway
  console.log(
    `  server A restarted after a runaway script (${ms(runaway.restartMs)} from script to back): attendee on B p50 ${ms(runaway.victim.p50)}  ` +
      `p99 ${ms(runaway.victim.p99)}, ${runaway.victimErrors} errors, ${runaway.victimNotices} notices  ` +
      `(${runaway.target}: ${runaway.met ? 'met' : 'NOT met'})`
  )
}
