/**
 * @module The secret every playground process derives the sandboxes' ACL passwords from
 * (aclRules.sandboxUsers), shared through the control server: the first process writes a random
 * one (SET NX), every process reads the one that won. Two processes with different secrets would
 * each reset the other's sandbox users to passwords the other does not know.
 *
 * The process keeps it once read, so a control server that is down or came back empty does not
 * change it: `restore` writes it back (SET NX again) for processes started afterwards.
 * Limit: a process started while the control server is empty, before any older process wrote the
 * secret back, makes a new one; the older processes then log the mismatch and keep theirs.
 */
import { randomBytes } from 'node:crypto'
import type { ControlLink } from './ControlLink.ts'
import { controlCall } from './controlCall.ts'
import { ACL_SECRET } from './keys.ts'

export class SharedSecret {
  #value: string | null = null

  constructor(
    private readonly link: ControlLink,
    private readonly log: (message: string) => void = () => undefined
  ) {
    link.onRestore(async () => {
      if (this.#value === null) return
      await controlCall(link.control, 'set', ACL_SECRET, this.#value, 'NX')
      const now = await controlCall(link.control, 'get', ACL_SECRET)
      if (now !== this.#value)
        this.log('warning: the control server holds another ACL secret than this process uses; restart this process to share it')
    })
  }

  /** The shared secret (read once, then cached); throws ControlUnavailableError before the first read. */
  async get(): Promise<string> {
    if (this.#value !== null) return this.#value
    await controlCall(this.link.control, 'set', ACL_SECRET, randomBytes(32).toString('hex'), 'NX')
    const value = await controlCall(this.link.control, 'get', ACL_SECRET)
    if (typeof value !== 'string' || value === '') throw new Error(`${ACL_SECRET} is not a string`)
    this.#value ??= value
    return this.#value
  }
}
