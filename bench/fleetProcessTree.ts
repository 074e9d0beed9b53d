/**
 * @module CPU seconds used by a playground and everything it started (workers, valkey-servers),
 * read from /proc, split into the playground's Node processes and its valkey-servers.
 * Linux only, as the benchmarks are.
 */
import { readFileSync } from 'node:fs'

function children(pid: number): number[] {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
    return tasks === '' ? [] : tasks.split(/\s+/).map(Number)
  } catch {
    return []
  }
}

function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0 // gone meanwhile
  }
}

function command(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
  } catch {
    return ''
  }
}

export type TreeCpu = { node: number; valkey: number; nodeProcesses: number; valkeyProcesses: number }

/** Limit: a process that exited between two readings takes its CPU time with it. */
export function treeCpuSeconds(root: number): TreeCpu {
  const total: TreeCpu = { node: 0, valkey: 0, nodeProcesses: 0, valkeyProcesses: 0 }
  const queue = [root]
  for (let seen = 0; queue.length > 0 && seen < 1000; seen++) {
    const pid = queue.shift()!
    if (command(pid).startsWith('valkey-server')) {
      total.valkey += cpuSeconds(pid)
      total.valkeyProcesses++
    } else {
      total.node += cpuSeconds(pid)
      total.nodeProcesses++
    }
    queue.push(...children(pid))
  }
  return total
}
