/**
 * @module The opened key's header: name, type, length, encoding, memory and live TTL, with the
 * key-level edits (set or remove the TTL, delete the key after asking), run in the terminal.
 */
import { useState } from 'react'
import type { KeyMeta } from '../../../../common/protocol/index.ts'
import { ConfirmButton } from '../../shared/ConfirmButton.tsx'
import { Countdown } from './Countdown.tsx'
import { showName } from './displayValue.ts'
import { commandLine, editCommands, parseSeconds } from './editCommands.ts'

export type KeyHeaderProps = {
  keyName: string
  meta: KeyMeta
  clockOffset: number
  /** Runs an edit's command line in the terminal; null: read-only (the instructor's watch), no edit controls. */
  run: ((line: string) => void) | null
}

export function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

export function KeyHeader({ keyName: key, meta, clockOffset, run }: KeyHeaderProps) {
  const [keyTtl, setKeyTtl] = useState('')
  return (
    <div className="key-head">
      <h2 title={showName(key)}>{showName(key)}</h2>
      <div className="key-meta" data-testid="key-meta">
        <span className={`type type-${meta.type}`}>{meta.type}</span>
        <span data-testid="key-length">
          {meta.type === 'hash'
            ? `${meta.length.toLocaleString('en-US')} field${meta.length === 1 ? '' : 's'}`
            : `length ${meta.length.toLocaleString('en-US')}`}
        </span>
        <span data-testid="key-encoding" title="OBJECT ENCODING">
          {meta.encoding}
        </span>
        <span
          data-testid="key-memory"
          data-exact={meta.memoryExact ? 'true' : 'false'}
          title={
            meta.memoryExact
              ? 'MEMORY USAGE … SAMPLES 0: every element counted'
              : 'MEMORY USAGE … SAMPLES 5: estimated from five elements (counting all of a key this large would hold up the server)'
          }
        >
          {meta.memoryExact ? formatBytes(meta.memory) : `≈ ${formatBytes(meta.memory)} (estimate)`}
        </span>
        {meta.expiresAt !== null ? (
          <Countdown expiresAt={meta.expiresAt} clockOffset={clockOffset} testId="key-view-ttl" />
        ) : (
          <span className="muted" data-testid="key-view-ttl" data-ttl="none">
            no TTL
          </span>
        )}
      </div>
      {run && (
        <div className="actions">
          <input
            value={keyTtl}
            onChange={(event) => setKeyTtl(event.target.value)}
            placeholder="seconds"
            size={7}
            aria-label="Key TTL in seconds"
            data-testid="key-ttl-input"
          />
          <button
            type="button"
            data-testid="set-key-ttl"
            disabled={parseSeconds(keyTtl) === null}
            onClick={() => run(commandLine(editCommands.keyTtl(key, parseSeconds(keyTtl)!)))}
          >
            Set TTL
          </button>
          {meta.expiresAt !== null && (
            <button type="button" data-testid="persist-key" onClick={() => run(commandLine(editCommands.persistKey(key)))}>
              Persist
            </button>
          )}
          <ConfirmButton
            label="Delete key"
            question={`Delete ${showName(key)} and everything in it?`}
            testId="delete-key"
            onConfirm={() => run(commandLine(editCommands.deleteKey(key)))}
          />
        </div>
      )}
    </div>
  )
}
