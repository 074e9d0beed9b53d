/**
 * @module The page's own connection code (ProxyConnection), opened from Node
 * for the benchmarks, so they measure what a browser goes through.
 */
import { ProxyConnection } from '../web/src/hooks/ProxyConnection.ts'

export async function openPageConnection(port: number): Promise<ProxyConnection> {
  const connection = new ProxyConnection(`ws://127.0.0.1:${port}/ws`, { get: () => null, set: () => undefined })
  connection.start()
  const deadline = Date.now() + 10_000
  while (connection.status.state !== 'open') {
    if (Date.now() > deadline) throw new Error('could not connect to the playground')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return connection
}
