/**
 * @module A TTL that counts down, valkey-cli style in whole seconds
 * (TTL rounds up), with the exact PTTL in the tooltip.
 */
import { useNow } from '../../shared/useNow.ts'
import { remainingMs } from './inspectorStore.ts'

export function formatSeconds(totalSeconds: number): string {
  if (totalSeconds < 60) return `${totalSeconds}s`
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  return hours > 0 ? `${hours}h ${minutes}m ${seconds}s` : `${minutes}m ${seconds}s`
}

export function Countdown({ expiresAt, clockOffset, testId }: { expiresAt: number; clockOffset: number; testId?: string }) {
  const now = useNow()
  const ms = Math.max(0, remainingMs(expiresAt, clockOffset, now))
  const seconds = Math.ceil(ms / 1000)
  return (
    <span
      className={`ttl${seconds <= 5 ? ' ttl-soon' : ''}`}
      title={`PTTL ${ms} ms (expires at ${new Date(expiresAt).toISOString()})`}
      data-testid={testId}
      data-ttl={seconds}
    >
      {formatSeconds(seconds)}
    </span>
  )
}
