/**
 * `npm run bench`: speed figures measured in one run on this machine, printed
 * and written to bench/results/. Benchmarks, not tests: the machines are
 * shared and noisy, so nothing here fails the build.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { EmbeddedValkey } from '../server/src/valkey/EmbeddedValkey.ts'
import { startPlaygroundProcess } from './playgroundProcess.ts'
import { round } from './stats.ts'
import { benchInspector } from './inspector.ts'
import { benchInstructor } from './instructor.ts'
import { benchInstructorPage, printInstructorPage } from './instructorPageSection.ts'
import { benchMissions } from './missions.ts'
import { benchNoisyNeighbour, printNoisy } from './noisyNeighbour.ts'
import { benchWorkshop } from './workshop.ts'
import { benchTerminal } from './terminal.ts'
import { printFleet, runFleet } from './fleetSection.ts'
import { benchFirstPrompt, printFirstPrompt } from './firstPrompt.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const binary = process.env.VALKEY_SERVER
if (!binary) throw new Error('VALKEY_SERVER is not set (run through `npm run bench`)')

// `npm run bench -- --only fleet` runs just that section (it takes several minutes on its own).
const only = process.argv.includes('--only') ? (process.argv[process.argv.indexOf('--only') + 1] ?? '') : ''
if (only === 'fleet') {
  const fleet = await runFleet((line) => console.log(line))
  printFleet(fleet)
  writeResults(here, { when: new Date().toISOString(), machine: machine(), fleet })
  process.exit(0)
}
// `--only instructor-page`: the instructor page in Chromium under a 500-attendee room, alone (about a minute).
if (only === 'instructor-page') {
  const instructorPage = await benchInstructorPage(binary)
  printInstructorPage(instructorPage)
  writeResults(here, { when: new Date().toISOString(), machine: machine(), instructorPage })
  process.exit(0)
}

const valkey = await EmbeddedValkey.start({ binary, databases: 601, settings: { 'notify-keyspace-events': 'KA' } })
const playground = await startPlaygroundProcess(`redis://:${valkey.password}@${valkey.host}:${valkey.port}/0`)
// `npm run bench -- --only first-prompt`: the page's start-up alone (about half a minute).
if (only === 'first-prompt') {
  try {
    const firstPrompt = await benchFirstPrompt(playground.port)
    console.log('\nFirst prompt (Chromium, loopback)')
    printFirstPrompt(firstPrompt)
    writeResults(here, { when: new Date().toISOString(), machine: machine(), firstPrompt })
  } finally {
    await playground.stop()
    await valkey.stop()
  }
  process.exit(0)
}
try {
  // First, while the machine is quiet: the page's start-up in Chromium.
  const firstPrompt = await benchFirstPrompt(playground.port)
  const terminal = await benchTerminal(playground.port, valkey)
  const inspector = await benchInspector(playground.port)
  const missions = await benchMissions(playground.port)
  const noisy = await benchNoisyNeighbour(playground.port)
  const workshop = await benchWorkshop(playground.port, playground.pid)
  // On a playground and Valkey of its own: it needs INSTRUCTOR_KEY, and a room without the workshop's sandboxes.
  const instructor = await benchInstructor(binary)
  const instructorPage = await benchInstructorPage(binary)
  console.log('\nFleet (several processes and Valkeys on this machine; levels rise until the target is missed)')
  const fleet = await runFleet((line) => console.log(line))
  const results = {
    when: new Date().toISOString(),
    machine: machine(),
    firstPrompt,
    terminal,
    inspector,
    missions,
    noisy,
    workshop,
    instructor,
    instructorPage,
    fleet,
  }
  const ms = (value: number) => `${round(value, 3)} ms`
  console.log('\nFirst prompt (Chromium, loopback)')
  printFirstPrompt(firstPrompt)
  console.log('\nTerminal')
  console.log(`  HGET round trip   proxy p50 ${ms(terminal.hget.proxyMs.p50)}  p99 ${ms(terminal.hget.proxyMs.p99)}`)
  console.log(`                    direct p50 ${ms(terminal.hget.directMs.p50)}  p99 ${ms(terminal.hget.directMs.p99)}`)
  console.log(
    `                    ratio ${round(terminal.hget.p50Ratio, 2)}x, median of paired blocks  (${terminal.hget.target}: ${terminal.hget.met ? 'met' : 'NOT met'})`
  )
  console.log(`  1,000-line paste  proxy p50 ${ms(terminal.paste.proxyMs.p50)}  direct pipeline p50 ${ms(terminal.paste.directMs.p50)}`)
  console.log(
    `                    throughput ratio ${round(terminal.paste.throughputRatio, 2)}x, median of ${terminal.paste.rounds} paired rounds  (${terminal.paste.target}: ${terminal.paste.met ? 'met' : 'NOT met'})`
  )
  console.log('\nInspector')
  console.log(
    `  reply → update    p50 ${ms(inspector.update.afterReplyMs.p50)}  p95 ${ms(inspector.update.afterReplyMs.p95)}  (${inspector.update.samples} commands; ${inspector.update.target}: ${inspector.update.met ? 'met' : 'NOT met'})`
  )
  console.log(
    `  100,000 fields    first ${inspector.bigHash.firstRows} rows p50 ${ms(inspector.bigHash.firstRowsMs.p50)}  p95 ${ms(inspector.bigHash.firstRowsMs.p95)}  (${inspector.bigHash.target}: ${inspector.bigHash.met ? 'met' : 'NOT met'})`
  )
  console.log('\nMissions')
  console.log(
    `  reply → check     p50 ${ms(missions.afterReplyMs.p50)}  p95 ${ms(missions.afterReplyMs.p95)}  (${missions.samples} commands; ${missions.target}: ${missions.met ? 'met' : 'NOT met'})`
  )
  console.log('\nNoisy neighbour (another sandbox floods; this one runs HGET)')
  printNoisy(noisy)
  console.log(
    `\nWorkshop (${workshop.attendees} attendees, socket + inspector + mission each, one command a second for ${workshop.seconds} s)`
  )
  console.log(`  command           p50 ${ms(workshop.commandMs.p50)}  p99 ${ms(workshop.commandMs.p99)}`)
  console.log(
    `  inspector update  p50 ${ms(workshop.inspectorUpdateMs.p50)}  p99 ${ms(workshop.inspectorUpdateMs.p99)}  (${workshop.inspectorUpdateMs.n} updates)`
  )
  console.log(`  CPU               proxy ${workshop.cpuPercent.proxy} %  Valkey ${workshop.cpuPercent.valkey} %`)
  console.log(`  (${workshop.targets}: ${workshop.met ? 'met' : 'NOT met'})`)
  console.log(
    `\nInstructor (${instructor.attendees} attendees, one command a second for ${instructor.seconds} s a run: without, with the instructor's grid open and watching one, without again)`
  )
  console.log(
    `  step → grid       p50 ${ms(instructor.stepToGridMs.p50)}  p99 ${ms(instructor.stepToGridMs.p99)}  (${instructor.stepToGridMs.n} steps, ${instructor.notShown} not shown; ${instructor.target}: ${instructor.met ? 'met' : 'NOT met'})`
  )
  console.log(
    `  command           without p50 ${ms(instructor.commandMs.without.p50)}  p99 ${ms(instructor.commandMs.without.p99)}  with p50 ${ms(instructor.commandMs.with.p50)}  p99 ${ms(instructor.commandMs.with.p99)}`
  )
  console.log(
    `  CPU               proxy with ${instructor.cpuPercent.with} %  without ${instructor.cpuPercent.without} % (runs before/after ${instructor.cpuPercent.withoutRuns.join(' / ')} %)  extra ${instructor.cpuPercent.extra} %  ratio ${instructor.cpuRatio}x`
  )
  console.log(
    `  room              ${instructor.roomChanged.messages} roomChanged, ${instructor.roomChanged.rows} rows; ${instructor.screensRelayed} screens relayed`
  )
  printInstructorPage(instructorPage)
  printFleet(fleet)
  writeResults(here, results)
} finally {
  await playground.stop()
  await valkey.stop()
}

function machine() {
  return { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', node: process.version }
}

function writeResults(folderOf: string, results: { when: string; [section: string]: unknown }): void {
  const folder = path.join(folderOf, 'results')
  mkdirSync(folder, { recursive: true })
  const file = path.join(folder, 'latest.json')
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n')
  writeFileSync(path.join(folder, `${results.when.replace(/[:.]/g, '-')}.json`), JSON.stringify(results, null, 2) + '\n')
  console.log(`\nWritten to ${path.relative(process.cwd(), file)}`)
}
