/**
 * @module What the playground checks on a server before it lends its databases to sandboxes.
 *
 * It fences each sandbox with ACL users of its own, recycles sandboxes with FLUSHDB and CLIENT
 * KILL, and reads the server's settings (CONFIG GET): a user without those rights would let the
 * playground start and then fail at the first attendee, so start-up refuses it and says what to
 * change instead.
 */
import type { AdminClient } from '../valkey/adminClient.ts'

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** Throws a message naming the user, the refused command and what to grant, unless the user may administer the server. */
export async function checkAdminRights(admin: AdminClient, where: string, username: string | undefined): Promise<void> {
  const probe = `playground-rights-probe-${process.pid}`
  const steps: [string, () => Promise<unknown>][] = [
    ['ACL SETUSER', () => admin.call('acl', 'setuser', probe, 'off')],
    ['ACL DELUSER', () => admin.call('acl', 'deluser', probe)],
    ['CONFIG GET', () => admin.call('config', 'get', 'databases')],
    ['FUNCTION LIST', () => admin.call('function', 'list', 'libraryname', 'playground-rights-probe')],
  ]
  for (const [command, run] of steps) {
    try {
      await run()
    } catch (error) {
      const user = username ?? 'default'
      throw new Error(
        `Valkey at ${where}: user '${user}' may not run ${command} (${errorText(error)}). The playground makes an ACL user ` +
          `per sandbox and recycles sandboxes, so it needs an administrator: give '${user}' every command ` +
          `(ACL SETUSER ${user} on +@all ~* &*), or put a user that has them in the URL (redis://user:password@host:port)`,
        { cause: error }
      )
    }
  }
}

/** Keyspace notifications drive the inspector; an existing server may have them off. */
export async function ensureNotifications(admin: AdminClient, log: (message: string) => void): Promise<void> {
  try {
    const [, current = ''] = (await admin.call('config', 'get', 'notify-keyspace-events')) as string[]
    const wanted = new Set([...current, 'K', 'A'])
    if (!current.includes('K') || !(current.includes('A') || current.includes('h'))) {
      await admin.call('config', 'set', 'notify-keyspace-events', [...wanted].join(''))
    }
  } catch (error) {
    log(`warning: could not enable keyspace notifications (${(error as Error).message}); the inspector will not update live`)
  }
}
