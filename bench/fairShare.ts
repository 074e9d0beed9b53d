/**
 * @module The noisy-neighbour section on its own (each flood three times), on a Valkey and
 * playground of its own: `node --import tsx bench/fairShare.ts` with VALKEY_SERVER set, as
 * `npm run bench` sets it. The whole bench takes minutes; this is the part to rerun while working
 * on the fair share. FLOODS=paste4000,keys limits it to some floods. It also prints Valkey's own
 * time per call of the floods' commands (INFO commandstats): what no proxy can shorten, since
 * Valkey runs one command at a time and a neighbour arriving meanwhile waits for all of it.
 */
import { Redis } from 'iovalkey'
import { EmbeddedValkey } from '../server/src/valkey/EmbeddedValkey.ts'
import { benchNoisyNeighbour, printNoisy } from './noisyNeighbour.ts'
import { startPlaygroundProcess } from './playgroundProcess.ts'
import { round } from './stats.ts'

const binary = process.env.VALKEY_SERVER
if (!binary) throw new Error('VALKEY_SERVER is not set')

const valkey = await EmbeddedValkey.start({ binary, databases: 601, settings: { 'notify-keyspace-events': 'KA' } })
const playground = await startPlaygroundProcess(`redis://:${valkey.password}@${valkey.host}:${valkey.port}/0`)
const direct = new Redis({ host: valkey.host, port: valkey.port, password: valkey.password, lazyConnect: true })
try {
  console.log('Noisy neighbour (another sandbox floods, from a process of its own; this one runs HGET)')
  printNoisy(await benchNoisyNeighbour(playground.port, (process.env.FLOODS ?? '').split(',').filter(Boolean)))
  await direct.connect()
  const stats = await direct.info('commandstats')
  for (const name of ['hset', 'hgetall', 'keys', 'set', 'hget']) {
    const match = new RegExp(`cmdstat_${name}:calls=(\\d+),usec=\\d+,usec_per_call=([\\d.]+)`).exec(stats)
    if (match)
      console.log(`  Valkey's own time  ${name.toUpperCase().padEnd(8)} ${round(Number(match[2]) / 1000, 3)} ms a call (${match[1]} calls)`)
  }
} finally {
  direct.disconnect()
  await playground.stop()
  await valkey.stop()
}
