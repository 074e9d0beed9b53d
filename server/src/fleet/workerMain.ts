/**
 * @module A worker's process entry (cluster.fork runs this file): asks the primary for its setup,
 * starts the playground on the shared port with the primary's servers, and reports back.
 *
 * Ctrl-C and a closed terminal signal the whole process group; the primary coordinates that stop,
 * so a worker ignores SIGINT and SIGHUP. SIGTERM to one worker closes it cleanly, and the primary
 * starts another. When the primary is gone (even SIGKILL), the IPC channel closes and Node's
 * cluster code exits this worker at once: no worker outlives its primary.
 */
import cluster from 'node:cluster'
import { loadConfig } from '../config.ts'
import { startPlayground, type Playground } from '../app.ts'
import { IpcKeeper } from './IpcKeeper.ts'
import { isFleetMessage, type PrimaryMessage, type SetupMessage, type WorkerMessage } from './messages.ts'

if (!cluster.isWorker) throw new Error('workerMain.ts runs only as a worker of the cluster primary (npm start -- --workers N)')

const log = (message: string) => console.log(`[worker ${process.pid}] ${message}`)
const send = (message: WorkerMessage): boolean => (process.connected && process.send ? process.send(message) : false)

let playground: Playground | null = null
let keeper: IpcKeeper | null = null
let stopping = false
let resolveSetup: (setup: SetupMessage) => void = () => undefined
const setupArrived = new Promise<SetupMessage>((resolve) => (resolveSetup = resolve))

function stop(): void {
  if (stopping) return
  stopping = true
  // Not started yet: nothing to close but half-open connections, which exiting closes.
  if (!playground) process.exit(0)
  void playground.close().finally(() => process.exit(0))
}

process.on('message', (message: unknown) => {
  if (!isFleetMessage<PrimaryMessage>(message)) return
  if (message.type === 'fleet:setup') resolveSetup(message)
  else if (message.type === 'fleet:stop') stop()
  else keeper?.receive(message)
})
process.on('SIGTERM', stop)
process.on('SIGINT', () => undefined)
process.on('SIGHUP', () => undefined)
send({ type: 'fleet:hello' })

try {
  const config = loadConfig(process.env, process.argv.slice(2))
  const setup = await setupArrived
  keeper = setup.kept ? new IpcKeeper(setup.targets.length, send) : null
  playground = await startPlayground({
    config: { ...config, instructorKey: setup.instructorKey },
    servers: { targets: setup.targets, keeper },
    log,
  })
  if (stopping) await playground.close().finally(() => process.exit(0))
  const { capabilities } = playground
  send({
    type: 'fleet:ready',
    pid: process.pid,
    port: playground.port,
    url: playground.url,
    instructorUrl: playground.instructorUrl,
    valkeyVersion: capabilities.valkeyVersion,
    hashFieldExpiration: capabilities.hashFieldExpiration,
    databaseAcl: capabilities.databaseAcl,
    sandboxes: playground.pool.nodes.map((node) => node.databases.length),
  })
} catch (error) {
  const message = (error as Error).message
  console.error(`[worker ${process.pid}] could not start: ${message}`)
  send({ type: 'fleet:failed', message })
  process.exit(1)
}
