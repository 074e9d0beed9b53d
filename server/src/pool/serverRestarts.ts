/**
 * @module What happens when one embedded server of the pool stops and comes back (a crash, or
 * the restart that stops a script SCRIPT KILL cannot): only the attendees whose sandbox is on
 * that server are told, and once it is back its sandboxes' ACL users, the session library and
 * its memory measurements are made whole again. The other servers' attendees see nothing.
 */
import type { SandboxRegistry } from '../sandbox/SandboxRegistry.ts'
import { whenReady, type AdminClient } from '../valkey/adminClient.ts'
import type { ServerKeeper } from './ServerKeeper.ts'
import type { ValkeyPool } from './ValkeyPool.ts'

export type RestartDeps = {
  keeper: ServerKeeper
  pool: ValkeyPool
  registry: SandboxRegistry
  /** The bookkeeping client: it may live on the server that restarted. */
  control: AdminClient
  log: (message: string) => void
}

/** Follows the keeper's events until the returned function is called. */
export function followServerRestarts({ keeper, pool, registry, control, log }: RestartDeps): () => void {
  const label = (index: number) => (pool.nodes.length > 1 ? `server ${index} of the pool (${pool.node(index).where}): ` : '')
  const stopCrashed = keeper.onCrashed((index, detail) => {
    const node = pool.nodes[index]
    if (!node) return
    log(`${label(index)}${detail}; restarting it`)
    node.tell({
      type: 'notice',
      level: 'warn',
      text: `Valkey stopped (${detail}) and is being restarted from its append-only file: your sandbox comes back as it was (at most the last second of writes can be missing).`,
    })
  })
  const stopRestarted = keeper.onRestarted((index) => {
    const node = pool.nodes[index]
    if (!node) return
    Promise.all([whenReady(node.admin), whenReady(control)])
      .then(() => registry.restore(index))
      .then(() => node.recovered(registry.databasesInUse(index)))
      .then(() => {
        log(`${label(index)}valkey-server restarted`)
        node.tell({ type: 'notice', level: 'info', text: 'Valkey has been restarted; your sandbox is back as it was.' })
      })
      .catch((error: Error) => log(`${label(index)}could not restore sandboxes after restart: ${error.message}`))
  })
  return () => {
    stopCrashed()
    stopRestarted()
  }
}
