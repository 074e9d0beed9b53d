/**
 * @module Inspector speed, measured at the page's connection (ProxyConnection):
 *  - how long after a command's reply the inspector's update for it arrives
 *    (the keyspace event, the targeted re-read and the push; the page's own
 *    rendering, a few milliseconds, comes on top);
 *  - how long until the first rows of a 100,000-field hash arrive.
 */
import type { InspectorMessage } from '../common/protocol/index.ts'
import type { ProxyConnection } from '../common/connection/ProxyConnection.ts'
import { openPageConnection } from './connection.ts'
import { summarize, type Summary } from './stats.ts'

export type InspectorResults = {
  update: { samples: number; afterReplyMs: Summary; target: string; met: boolean }
  bigHash: { fields: number; firstRowsMs: Summary; firstRows: number; target: string; met: boolean }
}

const now = () => performance.now()

/** Resolves with the first inspector message that passes the check. */
function waitFor(connection: ProxyConnection, check: (message: InspectorMessage) => boolean): Promise<number> {
  return new Promise((resolve) => {
    const remove = connection.on('inspector', (message) => {
      if (!check(message)) return
      remove()
      resolve(now())
    })
  })
}

export async function benchInspector(port: number): Promise<InspectorResults> {
  const connection = await openPageConnection(port)

  // --- reply → inspector update, one command at a time
  await connection.run(['HSET', 'bench:live', 'counter', '0'])
  const opened = waitFor(connection, (m) => m.type === 'keyView' && m.key === 'bench:live')
  connection.inspect({ type: 'openKey', key: 'bench:live', match: '*' })
  await opened
  const delays: number[] = []
  for (let i = 1; i <= 330; i++) {
    const value = String(i)
    const updated = waitFor(
      connection,
      (m) => m.type === 'fieldsChanged' && m.upsert.some((f) => f.field === 'counter' && f.value === value)
    )
    await connection.run(['HSET', 'bench:live', 'counter', value])
    const replied = now()
    const shown = await updated
    if (i > 30) delays.push(Math.max(0, shown - replied)) // the first ones warm up
  }
  const afterReplyMs = summarize(delays)

  // --- a 100,000-field hash: time to the first rows
  const fields = 100_000
  for (let start = 0; start < fields; start += 5000) {
    const args = ['HSET', 'bench:big']
    for (let i = start; i < start + 5000; i++) args.push(`field:${i}`, `value ${i}`)
    await connection.run(args)
  }
  const firstRows: number[] = []
  let rows = 0
  for (let round = 0; round < 12; round++) {
    connection.inspect({ type: 'openKey', key: null, match: '*' })
    let count = 0
    const started = now()
    const arrived = waitFor(connection, (m) => {
      if (m.type !== 'keyView' || m.key !== 'bench:big') return false
      count = m.fields.length
      return true
    })
    connection.inspect({ type: 'openKey', key: 'bench:big', match: '*' })
    const at = await arrived
    if (round >= 2) firstRows.push(at - started)
    rows = count
  }
  connection.stop()
  const firstRowsMs = summarize(firstRows)
  return {
    update: { samples: delays.length, afterReplyMs, target: 'p95 < 50 ms', met: afterReplyMs.p95 < 50 },
    bigHash: { fields, firstRowsMs, firstRows: rows, target: 'p95 < 300 ms', met: firstRowsMs.p95 < 300 },
  }
}
