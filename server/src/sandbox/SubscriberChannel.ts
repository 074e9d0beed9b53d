/**
 * @module A terminal's subscribed mode in a sandbox: Subscriptions (resp/Subscriptions.ts) on a
 * connection signed in as the sandbox's subscriber user, with the sandbox's channel prefix put on
 * every channel name going out and taken off every one coming back.
 *
 * Valkey compares a PSUBSCRIBE pattern with ACL channel rules literally, so each (prefixed, hence
 * sandbox-bound) pattern is granted to the subscriber user as written. The rules are rebuilt from
 * the sandbox's patterns in use each time (on every playground process: PatternBook), so they do
 * not pile up; patterns are bytes and go to
 * Valkey as bytes (as text, a non-ASCII pattern would be encoded twice and refused).
 */
import type { Reply, ServerMessage } from '../../../common/protocol/index.ts'
import { RespConnection } from '../resp/RespConnection.ts'
import { Subscriptions } from '../resp/Subscriptions.ts'
import { stripPubSubReply, withPrefix } from './channels.ts'
import { upper } from '../../../common/commands/commandNames.ts'
import type { AdminClient } from '../valkey/adminClient.ts'
import type { SandboxUsers } from './aclRules.ts'
import type { PatternBook } from './PatternBook.ts'

/** Distinct PSUBSCRIBE patterns one sandbox may hold (each is an ACL rule on its subscriber user). */
const MAX_PATTERNS = 100

/** What the channel needs: a terminal session passes its own (declared here, so the channel does not depend on the session). */
export type SubscriberDeps = {
  valkey: { host: string; port: number }
  /** Grants the subscriber user its patterns. */
  admin: AdminClient
  users: SandboxUsers
  patterns: PatternBook
  send: (message: ServerMessage) => void
  /** Whose patterns these are in the PatternBook: the terminal session. */
  owner: object
}

const err = (s: string): Reply => ({ t: 'err', s })

export class SubscriberChannel {
  readonly #subscriptions: Subscriptions
  /** This terminal's patterns, as Valkey last confirmed them. */
  #patterns = new Set<string>()

  constructor(private readonly deps: SubscriberDeps) {
    const { users } = deps
    this.#subscriptions = new Subscriptions({
      open: () => this.#open(),
      send: deps.send,
      // PING keeps its argument; every other command here names channels.
      outgoing: (args) => (upper(args[0]!) === 'PING' ? args : withPrefix(args, users.channelPrefix)),
      incoming: (reply) => stripPubSubReply(reply, users.channelPrefix),
      confirmed: (kind, target) => {
        if (kind !== 'psubscribe' && kind !== 'punsubscribe') return
        if (kind === 'psubscribe') this.#patterns.add(target)
        else this.#patterns.delete(target)
        deps.patterns.set(users.db, deps.owner, new Set(this.#patterns))
      },
      left: () => {
        this.#patterns.clear()
        deps.patterns.set(users.db, deps.owner, new Set())
      },
    })
  }

  get subscribed(): boolean {
    return this.#subscriptions.active
  }

  /** SUBSCRIBE, PSUBSCRIBE or SSUBSCRIBE: the replies come as pushes, so this answers nothing itself. */
  async subscribe(args: string[], name: string): Promise<Reply[]> {
    if (name === 'PSUBSCRIBE' && args.length >= 2) {
      const { admin, users } = this.deps
      const local = new Set([...this.deps.patterns.all(users.db), ...args.slice(1)])
      if (local.size > MAX_PATTERNS) {
        return [err(`ERR a sandbox may hold at most ${MAX_PATTERNS} pattern subscriptions at once in the playground`)]
      }
      // With the patterns the sandbox's tabs on other processes hold: rebuilt without them, Valkey
      // would disconnect those tabs' subscriptions.
      const wanted = await this.deps.patterns.everywhere(users.db, args.slice(1))
      const rules = [...wanted].map((pattern) => Buffer.from(`&${users.channelPrefix}${pattern}`, 'latin1'))
      await admin.call('acl', 'setuser', users.subscriberUser, 'resetchannels', `&${users.channelPrefix}*`, ...rules)
    }
    return this.#subscriptions.subscribe(args)
  }

  /** While subscribed, (P|S)UNSUBSCRIBE and PING go on the subscriber connection; false when not subscribed. */
  forward(args: string[]): boolean {
    return this.#subscriptions.forward(args)
  }

  /** Back to the prompt: the subscriber connection is closed, which ends every subscription. */
  leave(): void {
    this.#subscriptions.leave()
  }

  close(): void {
    this.#subscriptions.close()
  }

  async #open(): Promise<RespConnection> {
    const { users, valkey } = this.deps
    const connection = await RespConnection.connect(valkey)
    const auth = await connection.send(['AUTH', users.subscriberUser, users.subscriberPassword])
    if (auth.t === 'err') {
      connection.close()
      throw new Error(`subscriber sign-in failed: ${auth.s}`)
    }
    return connection
  }
}
