/**
 * @module The noisy-neighbour section on its own (each flood three times), on a Valkey and
 * playground of its own: `node --import tsx bench/fairShare.ts` with VALKEY_SERVER set, as
 * `npm run bench` sets it. The whole bench takes minutes; this is the part to rerun while working
 * on the fair share. FLOODS=paste4000,keys limits it to some floods.
 */
import { EmbeddedValkey } from '../server/src/valkey/EmbeddedValkey.ts'
import { benchNoisyNeighbour, printNoisy } from './noisyNeighbour.ts'
import { startPlaygroundProcess } from './playgroundProcess.ts'

const binary = process.env.VALKEY_SERVER
if (!binary) throw new Error('VALKEY_SERVER is not set')

const valkey = await EmbeddedValkey.start({ binary, databases: 601, settings: { 'notify-keyspace-events': 'KA' } })
const playground = await startPlaygroundProcess(`redis://:${valkey.password}@${valkey.host}:${valkey.port}/0`)
try {
  console.log('Noisy neighbour (another sandbox floods, from a process of its own; this one runs HGET)')
  printNoisy(await benchNoisyNeighbour(playground.port, (process.env.FLOODS ?? '').split(',').filter(Boolean)))
} finally {
  await playground.stop()
  await valkey.stop()
}
