/**
 * @module A workshop room: 500 attendees, each with a socket, the inspector and a mission open,
 * each running one command a second (alternately an HSET the inspector must show and an HGET),
 * for 20 seconds. Reports command round trips, inspector update delay after HSET replies, and the
 * CPU the proxy and Valkey used meanwhile. Bounded: 500 x 20 commands.
 */
import { readFileSync } from 'node:fs'
import type { ProxyConnection } from '../common/connection/ProxyConnection.ts'
import { openPageConnection } from './connection.ts'
import { summarize, type Summary } from './stats.ts'

export type WorkshopResults = {
  attendees: number
  seconds: number
  commandMs: Summary
  inspectorUpdateMs: Summary
  cpuPercent: { proxy: number; valkey: number }
  targets: string
  met: boolean
}

const ATTENDEES = 500
const SECONDS = 20

/** CPU seconds a process has used so far (user + system), from /proc. */
export function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function valkeyCpuSeconds(connection: ProxyConnection): Promise<number> {
  // INFO is scoped to the sandbox by the proxy but keeps the server's CPU section.
  const reply = await connection.run(['INFO', 'cpu'])
  const text = (reply.replies[0] as { s?: string }).s ?? ''
  const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(text)?.[1] ?? 0)
  return value('used_cpu_user') + value('used_cpu_sys')
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function benchWorkshop(port: number, proxyPid: number): Promise<WorkshopResults> {
  const room: ProxyConnection[] = []
  for (let start = 0; start < ATTENDEES; start += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, ATTENDEES - start) }, () => openPageConnection(port)))
    room.push(...batch)
  }
  await Promise.all(
    room.map(async (attendee) => {
      attendee.mission({ type: 'missionOpen', id: 'cantina-sessions' })
      attendee.inspect({ type: 'watchKeys', pattern: '*' })
      await attendee.run(['HSET', 'session:me', 'username', 'me', 'credits', '0'])
      attendee.inspect({ type: 'openKey', key: 'session:me', match: '*' })
    })
  )
  await sleep(1000)

  const commandMs: number[] = []
  const updateMs: number[] = []
  const cpuBefore = { proxy: processCpuSeconds(proxyPid), valkey: await valkeyCpuSeconds(room[0]!) }
  const wallStart = performance.now()
  await Promise.all(
    room.map(async (attendee, index) => {
      await sleep((index * 1000) / ATTENDEES) // spread over the second, as a room is
      for (let second = 0; second < SECONDS; second++) {
        const tick = performance.now()
        if (second % 2 === 0) {
          const value = String(second)
          const shown = new Promise<number>((resolve) => {
            const stop = attendee.on('inspector', (message) => {
              if (message.type === 'fieldsChanged' && message.upsert.some((f) => f.field === 'credits' && f.value === value)) {
                stop()
                resolve(performance.now())
              }
            })
            setTimeout(() => (stop(), resolve(NaN)), 5000)
          })
          await attendee.run(['HSET', 'session:me', 'credits', value])
          const replied = performance.now()
          commandMs.push(replied - tick)
          const at = await shown
          if (!Number.isNaN(at)) updateMs.push(at - replied)
        } else {
          await attendee.run(['HGET', 'session:me', 'username'])
          commandMs.push(performance.now() - tick)
        }
        await sleep(Math.max(0, 1000 - (performance.now() - tick)))
      }
    })
  )
  const wall = (performance.now() - wallStart) / 1000
  const cpuAfter = { proxy: processCpuSeconds(proxyPid), valkey: await valkeyCpuSeconds(room[0]!) }
  for (const attendee of room) attendee.stop()
  const command = summarize(commandMs)
  const update = summarize(updateMs)
  return {
    attendees: ATTENDEES,
    seconds: SECONDS,
    commandMs: command,
    inspectorUpdateMs: update,
    cpuPercent: {
      proxy: Math.round(((cpuAfter.proxy - cpuBefore.proxy) / wall) * 1000) / 10,
      valkey: Math.round(((cpuAfter.valkey - cpuBefore.valkey) / wall) * 1000) / 10,
    },
    targets: 'command p99 < 50 ms, inspector update p99 < 100 ms',
    met: command.p99 < 50 && update.p99 < 100,
  }
}
