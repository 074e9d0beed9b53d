/**
 * @module Server A restarted after a runaway script, seen from server B: one attendee on each
 * server of a two-Valkey pool; A's attendee runs a script that writes and then never ends (SCRIPT
 * KILL cannot stop it, so the playground restarts A from its append-only file); B's attendee runs
 * HGET every 10 ms from before the script until A is back, and must notice nothing.
 */
import WebSocket from 'ws'
import { ProxyConnection } from '../common/connection/ProxyConnection.ts'
import { memoryStore } from '../common/connection/stores.ts'
import { SERVER_STRIDE } from '../server/src/pool/sandboxNumber.ts'
import { startPlaygroundProcess } from './playgroundProcess.ts'
import { summarize, type Summary } from './stats.ts'

export type RunawayResult = {
  victim: Summary
  victimErrors: number
  victimNotices: number
  restartMs: number
  target: string
  met: boolean
}

const TARGET_P99_MS = 20
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A page connection, and the pool server its sandbox is on (the welcome names the sandbox's number). */
async function openOnServer(port: number): Promise<{ connection: ProxyConnection; server: number }> {
  const connection = new ProxyConnection({ url: `ws://127.0.0.1:${port}/ws`, WebSocket, tokens: memoryStore(), names: memoryStore() })
  const number = new Promise<number>((resolve) => {
    const stop = connection.on('status', (status) => {
      if (status.state !== 'open' || status.sandbox === undefined) return
      stop()
      resolve(status.sandbox)
    })
  })
  connection.start()
  const timeout = sleep(30_000).then(() => {
    throw new Error('no welcome within 30 s')
  })
  return { connection, server: Math.floor((await Promise.race([number, timeout])) / SERVER_STRIDE) }
}

export async function benchRunaway(): Promise<RunawayResult> {
  const playground = await startPlaygroundProcess(null, { SANDBOX_MAX: '50' }, ['--valkeys', '2'])
  const open: ProxyConnection[] = []
  try {
    // Two attendees: the pool puts each new sandbox on the emptier server, so one lands on each.
    const { connection: attacker, server: attackerServer } = await openOnServer(playground.port)
    open.push(attacker)
    const { connection: victim, server: victimServer } = await openOnServer(playground.port)
    open.push(victim)
    if (attackerServer === victimServer) throw new Error('both attendees landed on one server; the pool did not spread them')
    await victim.run(['HSET', 'session:leia', 'username', 'leia'])

    let victimNotices = 0
    victim.on('notice', () => victimNotices++)
    const back = new Promise<void>((resolve) => {
      const stop = attacker.on('notice', (text: string) => {
        if (!/restarted|back as it was/i.test(text)) return
        stop()
        resolve()
      })
    })
    const samples: number[] = []
    let victimErrors = 0
    let done = false
    const sampling = (async () => {
      for (let i = 0; i < 10_000 && !done; i++) {
        const started = performance.now()
        const reply = await victim.run(['HGET', 'session:leia', 'username'])
        samples.push(performance.now() - started)
        if (reply.replies[0]?.t === 'err') victimErrors++
        await sleep(10)
      }
    })()
    await sleep(500)
    const scriptStarted = performance.now()
    void attacker.run(['EVAL', "redis.call('SET', 'x', '1') local i = 0 while true do i = i + 1 end", '0']).catch(() => undefined)
    const timeout = sleep(60_000).then(() => {
      throw new Error('server A did not come back within 60 s')
    })
    await Promise.race([back, timeout])
    const restartMs = performance.now() - scriptStarted
    await sleep(1000)
    done = true
    await sampling
    const victimSummary = summarize(samples)
    return {
      victim: victimSummary,
      victimErrors,
      victimNotices,
      restartMs,
      target: `victim on server B p99 ≤ ${TARGET_P99_MS} ms, no error, no notice`,
      met: victimSummary.p99 <= TARGET_P99_MS && victimErrors === 0 && victimNotices === 0,
    }
  } finally {
    for (const connection of open) connection.stop()
    await playground.stop()
  }
}
