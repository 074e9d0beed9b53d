/**
 * @module How fast a step check follows a command: the time from a
 * command's reply to the missionProgress message in which the check it
 * affects has flipped (keyspace event or reply → the server's check reads →
 * the push), measured at the page's connection. Our own target: well under
 * what a person notices (p95 < 100 ms); the issue sets none.
 */
import type { MissionProgressMessage } from '../common/protocol/index.ts'
import { openPageConnection } from './connection.ts'
import { summarize, type Summary } from './stats.ts'

export type MissionResults = { samples: number; afterReplyMs: Summary; target: string; met: boolean }

const now = () => performance.now()

export async function benchMissions(port: number): Promise<MissionResults> {
  const connection = await openPageConnection(port)
  let latest: MissionProgressMessage | null = null
  let waiter: { want: boolean; resolve: (at: number) => void } | null = null
  // The first check of "partial-update" is `hget session:han_solo credits = "9500"`; the other
  // two stay false, so the step never completes and the check can flip back and forth.
  const creditsCheck = (message: MissionProgressMessage) => message.open?.checks['partial-update']?.[0]
  connection.on('missions', (message) => {
    latest = message
    if (waiter && creditsCheck(message) === waiter.want) {
      waiter.resolve(now())
      waiter = null
    }
  })
  connection.mission({ type: 'missionOpen', id: 'cantina-sessions' })
  while (!latest) await new Promise((resolve) => setTimeout(resolve, 5))

  const delays: number[] = []
  for (let i = 0; i < 230; i++) {
    const want = i % 2 === 0
    const flipped = new Promise<number>((resolve) => (waiter = { want, resolve }))
    await connection.run(['HSET', 'session:han_solo', 'credits', want ? '9500' : '10000'])
    const replied = now()
    const at = await flipped
    if (i >= 30) delays.push(Math.max(0, at - replied))
  }
  connection.stop()
  const afterReplyMs = summarize(delays)
  return { samples: delays.length, afterReplyMs, target: 'p95 < 100 ms', met: afterReplyMs.p95 < 100 }
}
