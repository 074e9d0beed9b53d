/**
 * @module The pool of Valkey servers one playground process lends sandboxes from.
 *
 * The servers are opened one after another at start-up (each checked: admin rights, enough
 * databases), and any one that cannot be used stops start-up with its message. A sandbox's
 * number says which server and database it is (pool/sandboxNumber.ts); `place` turns it into the
 * node and the real database there.
 */
import type { ServerInfo } from '../../../common/protocol/index.ts'
import type { ValkeyTarget } from '../config.ts'
import { placeOf } from './sandboxNumber.ts'
import { ValkeyNode, type NodeOptions } from './ValkeyNode.ts'

export type PoolOptions = Omit<NodeOptions, 'index' | 'target'> & { targets: ValkeyTarget[] }

export class ValkeyPool {
  private constructor(readonly nodes: readonly ValkeyNode[]) {}

  static async open(options: PoolOptions): Promise<ValkeyPool> {
    const { targets, ...rest } = options
    if (targets.length === 0) throw new Error('a pool needs at least one Valkey server')
    const nodes: ValkeyNode[] = []
    try {
      for (const [index, target] of targets.entries()) {
        try {
          nodes.push(await ValkeyNode.open({ ...rest, index, target }))
        } catch (error) {
          // Which server of several it was: the message names its address, this its place.
          const prefix = targets.length > 1 ? `server ${index + 1} of ${targets.length} in the pool: ` : ''
          throw new Error(`${prefix}${(error as Error).message}`, { cause: error })
        }
      }
    } catch (error) {
      for (const node of nodes) node.close()
      throw error
    }
    return new ValkeyPool(nodes)
  }

  /** The first server: where the bookkeeping database is unless CONTROL_URL names another. */
  get first(): ValkeyNode {
    return this.nodes[0]!
  }

  node(index: number): ValkeyNode {
    const node = this.nodes[index]
    if (!node) throw new Error(`no server ${index} in the pool (it has ${this.nodes.length})`)
    return node
  }

  /** The server and real database of sandbox `number`. */
  place(number: number): { node: ValkeyNode; db: number } {
    const { server, db } = placeOf(number)
    return { node: this.node(server), db }
  }

  /** Sandboxes the whole pool can hold. */
  get capacity(): number {
    return this.nodes.reduce((sum, node) => sum + node.databases.length, 0)
  }

  /** What pages not tied to one sandbox (the instructor's, the missions API) are told: the first server. */
  serverInfo(): ServerInfo {
    return this.first.serverInfo()
  }

  /** Each server's state, for /healthz; `ok` only when every one answers. */
  health(): { ok: boolean; servers: { address: string; valkey: string }[] } {
    const servers = this.nodes.map((node) => ({ address: node.where, valkey: node.admin.status }))
    return { ok: servers.every((server) => server.valkey === 'ready'), servers }
  }

  close(): void {
    for (const node of this.nodes) node.close()
  }
}
