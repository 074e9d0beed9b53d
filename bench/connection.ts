/**
 * @module The page's own connection code (ProxyConnection), opened from Node
 * for the benchmarks, so they measure what a browser goes through.
 */
import WebSocket from 'ws'
import { ProxyConnection } from '../common/connection/ProxyConnection.ts'
import { memoryStore } from '../common/connection/stores.ts'

/** A fresh sandbox each time: the token store starts empty and is not shared. */
export async function openPageConnection(port: number): Promise<ProxyConnection> {
  const connection = new ProxyConnection({ url: `ws://127.0.0.1:${port}/ws`, WebSocket, tokens: memoryStore(), names: memoryStore() })
  connection.start()
  const deadline = Date.now() + 10_000
  while (connection.status.state !== 'open') {
    if (Date.now() > deadline) throw new Error('could not connect to the playground')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return connection
}
