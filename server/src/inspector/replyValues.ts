/** @module Small readers of RESP replies for the inspector's reads: text, numbers, lists, expiry times. */
import type { Reply } from '../../../common/protocol/index.ts'

export const asText = (reply: Reply | undefined): string | null => (reply && (reply.t === 'bulk' || reply.t === 'str') ? reply.s : null)
export const asNumber = (reply: Reply | undefined): number | null => (reply?.t === 'int' ? Number(reply.n) : null)
export const asList = (reply: Reply | undefined): Reply[] => (reply?.t === 'arr' ? reply.a : [])

/** PEXPIRETIME / HPEXPIRETIME: -1 no expiry, -2 no such key or field. */
export const expiry = (reply: Reply | undefined): number | null => {
  const ms = asNumber(reply)
  return ms !== null && ms >= 0 ? ms : null
}
