/**
 * @module Several "processes" in one test: each a ControlLink + SandboxDirectory + SharedSecret on
 * its own connection to the control server, as separate playground processes would have.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createAdminClient, type AdminClient } from '../../src/valkey/adminClient.ts'
import { ControlLink } from '../../src/control/ControlLink.ts'
import { SandboxDirectory, type AttachRequest, type CandidateServers } from '../../src/control/SandboxDirectory.ts'
import { SharedSecret } from '../../src/control/sharedSecret.ts'

export type Instance = { name: string; control: AdminClient; link: ControlLink; directory: SandboxDirectory; secret: SharedSecret }

export async function startInstance(port: number, name: string, timing = { heartbeatMs: 200, staleMs: 1000 }): Promise<Instance> {
  const control = createAdminClient({ host: '127.0.0.1', port, controlDb: 0 }, `test-${name}`)
  control.on('error', () => undefined)
  await control.connect()
  const link = new ControlLink({ control, processId: `${name}:${randomBytes(3).toString('hex')}`, ...timing })
  const directory = new SandboxDirectory({ link })
  const secret = new SharedSecret(link)
  await link.start()
  return { name, control, link, directory, secret }
}

export async function stopInstance(instance: Instance): Promise<void> {
  await instance.link.stop()
  instance.control.disconnect()
}

export const tokenHash = () => createHash('sha256').update(randomBytes(32)).digest('hex')

/** Three servers of 100 candidate databases each (server 0 keeps db 0 for bookkeeping). */
export const POOL: CandidateServers = [0, 1, 2].map((server) => ({
  server,
  dbs: Array.from({ length: 100 }, (_, i) => (server === 0 ? i + 1 : i)),
}))

export const request = (overrides: Partial<AttachRequest> = {}): AttachRequest => ({
  tokenHash: null,
  freshTokenHash: tokenHash(),
  address: '',
  candidates: POOL,
  ...overrides,
})

/** Polls until `check` resolves to something other than undefined (no fixed sleeps). */
export async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
