/**
 * @module A fleet's processes seen from outside, as an operator would find them: the pool's ports
 * from the banner, the pid listening on each and the worker holding each attendee's connection (from
 * /proc: the socket's inode in /proc/net/tcp, then the process holding it), and the append-only file
 * in each valkey-server's working folder (it changes into its `dir`). Linux only, like the rest of
 * the fleet tests.
 */
import { readdir, readFile, readlink } from 'node:fs/promises'
import path from 'node:path'

/** The pool's ports, in pool order, from the banner ("a pool of 2 embedded Valkey 9.1.2 servers: 127.0.0.1:p0, 127.0.0.1:p1"). */
export function poolPorts(output: string): number[] {
  const list = /a pool of \d+ embedded Valkey \S+ servers: ([\d.:, ]+)\)/.exec(output)?.[1]
  if (!list) throw new Error(`no pool in the banner:\n${output}`)
  return list.split(',').map((address) => Number(address.trim().split(':')[1]))
}

/** An IPv4 address and port as /proc/net/tcp writes them: the address's bytes in reverse, in hex. */
function procAddress(ip: string, port: number): string {
  const hex = ip
    .split('.')
    .reverse()
    .map((byte) => Number(byte).toString(16).toUpperCase().padStart(2, '0'))
    .join('')
  return `${hex}:${port.toString(16).toUpperCase().padStart(4, '0')}`
}

/** Inodes of the TCP sockets on 127.0.0.1:`port` in state `state` (0A: listening, 01: established) whose peer passes `peer`. */
async function socketInodes(port: number, state: string, peer: (remote: string) => boolean): Promise<string[]> {
  const table = await readFile('/proc/net/tcp', 'utf8')
  const local = procAddress('127.0.0.1', port)
  const inodes: string[] = []
  for (const line of table.split('\n').slice(1)) {
    // sl, local_address, rem_address, st, queues, timer, retransmits, uid, timeout, inode.
    const fields = line.trim().split(/\s+/)
    if (fields[1] === local && fields[3] === state && peer(fields[2]!) && fields[9]) inodes.push(fields[9])
  }
  return inodes
}

/** Which of `pids` holds one of the sockets `inodes` (processes of ours: their fds are readable), or null. */
async function holderOf(inodes: string[], pids: number[]): Promise<number | null> {
  const sockets = new Set(inodes.map((inode) => `socket:[${inode}]`))
  for (const pid of pids) {
    let fds: string[]
    try {
      fds = await readdir(`/proc/${pid}/fd`)
    } catch {
      continue
    }
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')
      if (sockets.has(target)) return pid
    }
  }
  return null
}

/** Which of `pids` listens on 127.0.0.1:`port`, or null. */
export async function pidListeningOn(port: number, pids: number[]): Promise<number | null> {
  return holderOf(await socketInodes(port, '0A', () => true), pids)
}

/**
 * Which of `pids` (the workers) holds the connection to 127.0.0.1:`port` from `from`: with each
 * attendee on a loopback address of its own, the worker serving it. Null while it has none.
 */
export async function workerServing(port: number, from: string, pids: number[]): Promise<number | null> {
  const remote = procAddress(from, 0).split(':')[0]!
  return holderOf(await socketInodes(port, '01', (peer) => peer.startsWith(`${remote}:`)), pids)
}

/** Whether any file of the append-only folder of the server `pid` holds `text` (written, if not yet fsynced). */
export async function appendOnlyFileHolds(pid: number, text: string): Promise<boolean> {
  const dir = path.join(await readlink(`/proc/${pid}/cwd`), 'appendonlydir')
  for (const file of await readdir(dir)) {
    if ((await readFile(path.join(dir, file))).includes(text)) return true
  }
  return false
}
