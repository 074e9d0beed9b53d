/**
 * @module Which visitor a WebSocket belongs to, for the per-address sandbox limit.
 *
 * Normally the TCP peer. Behind a reverse proxy (nginx, a load balancer) every visitor's peer is
 * the proxy, so the limit would count the whole room as one; when the peer is listed in
 * TRUSTED_PROXIES, the visitor is the right-most X-Forwarded-For address that is not itself a
 * trusted proxy (each proxy appends the address it saw; only the ones we trust are believed).
 * From any other peer the header is ignored, so a visitor cannot pick an address by sending one.
 */
import type { IncomingMessage } from 'node:http'

/** `::ffff:10.0.0.1` and `10.0.0.1` are one address. */
export const normalizeAddress = (address: string) => address.trim().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1')

export function clientAddress(request: IncomingMessage, trustedProxies: readonly string[]): string {
  const peer = normalizeAddress(request.socket.remoteAddress ?? '')
  if (trustedProxies.length === 0) return peer
  const trusted = new Set(trustedProxies.map(normalizeAddress))
  if (!trusted.has(peer)) return peer
  const header = request.headers['x-forwarded-for']
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map(normalizeAddress).filter(Boolean)
  for (let i = hops.length - 1; i >= 0; i--) if (!trusted.has(hops[i]!)) return hops[i]!
  return hops[0] ?? peer
}
