/**
 * @module How much of the server one terminal may keep busy: the cost-based half of the fair
 * share (FairWindow is the other half, how many commands may be at Valkey at once).
 *
 * Ordinary commands: a token bucket over time. A terminal may have commands at Valkey for
 * BURST_MS in a row at full speed, and past that for SHARE of the time. A pasted script of a
 * thousand lines fits in the burst; 4,000-line pastes back to back get half the time, so the
 * proxy's one thread (which parses, encodes and writes every one of those commands, and collects
 * their garbage) and Valkey's stay free the other half for everyone else. Without it the paste
 * kept the proxy about 90 % busy, and on a machine with other work every other attendee's reply
 * waited for the proxy to be scheduled again.
 *
 * Heavy commands (KEYS over 200,000 keys, HGETALL of 20,000 fields, a script): Valkey cannot
 * interrupt one, so whoever arrives while it runs waits for all of it. What another attendee
 * feels is how often that happens times how long it lasts; resting as long again (half the time)
 * still meant that one command in five of a neighbour's landed inside a 35-100 ms KEYS. So past
 * QUANTUM_MS the rest grows with the square of the time taken: a command that took 10 ms rests
 * 10 ms, one that took 100 ms rests a second (a tenth of the time), up to REST_MAX_MS; one that
 * took 5-10 ms rests as long again, and a quicker one not at all (a mission's HGETALL of a few
 * fields never waits). A lone KEYS or HGETALL runs at once; only the next one waits. The quantum
 * is no smaller because a rest counts in the next command's time, and valkey-cli prints a timing
 * line from 500 ms: that needs a heavy command of 70 ms before it.
 *
 * Ordinary commands are paced only while another terminal of this process has sent a command in
 * the last NEIGHBOUR_MS (Neighbours): alone, an attendee's pastes run at full speed, since the only
 * one they could slow down is themselves. Heavy commands rest whoever else there is, since their
 * cost is at Valkey, which terminals of other processes share too.
 *
 * Pure: the caller passes the clock. Limits: time is wall time from sending to the reply (for a
 * heavy command: to the reply having gone out to the page), so a busy machine makes everyone's
 * commands look costlier, the flooding terminal's too, which only makes it rest longer.
 */

/** Ordinary commands' time at the server a terminal may use in a row before it is paced. */
export const BURST_MS = 100
/** The share of the time a terminal's ordinary commands may keep the server busy, past the burst. */
export const SHARE = 0.5
/** A heavy command that took less than this does not rest at all. */
export const REST_FROM_MS = 5
/** Up to this, a heavy command rests as long as it took; past it, T × T / QUANTUM_MS. */
export const QUANTUM_MS = 10
/** The longest rest after one heavy command. */
export const REST_MAX_MS = 3000

/** How long a terminal rests after a heavy command that took `spentMs` (sent until its reply went out). */
export function restAfterHeavy(spentMs: number): number {
  if (spentMs < REST_FROM_MS) return 0
  return Math.min(REST_MAX_MS, spentMs * Math.max(1, spentMs / QUANTUM_MS))
}

export class ShareBudget {
  #tokens = BURST_MS
  #at: number

  constructor(now: number) {
    this.#at = now
  }

  /**
   * The terminal had ordinary commands at Valkey for `busyMs` since the last call, which was
   * before `now`: how long it must now rest (0 while its burst lasts).
   */
  charge(now: number, busyMs: number): number {
    // The busy time is the end of the span: the idle part before it refills up to the burst, then
    // the busy part drains at 1 while still refilling at SHARE.
    const idle = Math.max(0, now - this.#at - busyMs)
    this.#tokens = Math.min(BURST_MS, this.#tokens + idle * SHARE) - busyMs * (1 - SHARE)
    this.#at = now
    return this.#tokens >= 0 ? 0 : -this.#tokens / SHARE
  }
}

/** Another terminal that sent a command this recently counts as a neighbour to protect. */
export const NEIGHBOUR_MS = 1000

/**
 * Which terminal sent a command last, and the last other one: enough to tell in O(1) whether any
 * terminal but a given one sent something since a moment (the latest other one is always one of
 * the two), whatever the number of terminals.
 */
export class Neighbours {
  #latest: { who: object; at: number } | null = null
  #before: { who: object; at: number } | null = null

  sent(who: object, now: number): void {
    if (this.#latest?.who === who) this.#latest.at = now
    else {
      this.#before = this.#latest
      this.#latest = { who, at: now }
    }
  }

  /** Has a terminal other than `who` sent a command in the last NEIGHBOUR_MS? */
  othersActive(who: object, now: number): boolean {
    const other = this.#latest?.who === who ? this.#before : this.#latest
    return other !== null && now - other.at <= NEIGHBOUR_MS
  }
}
