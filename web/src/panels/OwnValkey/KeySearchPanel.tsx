/**
 * @module Search by value across keys (issue 22, point 26): a text, the keys to look in (a glob),
 * and how far to go (matching keys, keys read). The server walks the database with SCAN and reads
 * each key in bounded pages; the page shows its progress as it goes, can stop it, and opens a
 * match in the inspector.
 */
import { useState, type FormEvent } from 'react'
import { KEY_SEARCH, MAX_VALUE_SEARCH } from '../../../../common/protocol/index.ts'
import { showName } from '../Inspector/displayValue.ts'
import { useKeySearch, type KeySearchState } from './useKeySearch.ts'

const ENDED: Record<Exclude<KeySearchState['state'], 'idle' | 'running'>, string> = {
  done: 'Searched every matching key',
  matchLimit: 'Stopped at the match limit',
  keyBudget: 'Stopped at the key budget',
  stopped: 'Stopped',
  failed: 'Failed',
}

const clamp = (value: string, max: number, fallback: number) => {
  const n = Math.floor(Number(value))
  return Number.isFinite(n) && n >= 1 ? Math.min(n, max) : fallback
}

function progressText(search: KeySearchState): string {
  if (search.state === 'idle') return 'Finds keys whose value contains the text (case-insensitive), walking the database with SCAN.'
  const counts = `${search.keysScanned.toLocaleString('en')} key${search.keysScanned === 1 ? '' : 's'} read, ${search.keysMatched.toLocaleString('en')} matched`
  const partial = search.partialKeys ? ` (${search.partialKeys} too large to read whole: their first elements only)` : ''
  if (search.state === 'running') return `Searching… ${counts}${partial}`
  return `${ENDED[search.state]}: ${counts}${partial}${search.error ? `. ${search.error}` : ''}`
}

export function KeySearchPanel({ onOpenKey }: { onOpenKey: (key: string) => void }) {
  const { search, start, stop } = useKeySearch()
  const [text, setText] = useState('')
  const [pattern, setPattern] = useState('*')
  const [maxMatches, setMaxMatches] = useState('100')
  const [maxKeys, setMaxKeys] = useState('10000')
  const running = search.state === 'running'
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (text.trim() === '' || pattern === '') return
    start({
      pattern,
      text,
      maxMatches: clamp(maxMatches, KEY_SEARCH.maxMatches, 100),
      maxKeys: clamp(maxKeys, KEY_SEARCH.maxKeys, 10_000),
    })
  }
  return (
    <div className="key-search" data-testid="key-search">
      <form className="key-search-form" onSubmit={submit}>
        <label>
          Text
          <input
            data-testid="key-search-text"
            value={text}
            maxLength={MAX_VALUE_SEARCH}
            placeholder="Ada"
            onChange={(event) => setText(event.target.value)}
          />
        </label>
        <label>
          In keys
          <input
            data-testid="key-search-pattern"
            value={pattern}
            placeholder="session:*"
            onChange={(event) => setPattern(event.target.value)}
          />
        </label>
        <label>
          Matches
          <input
            data-testid="key-search-max-matches"
            type="number"
            min={1}
            max={KEY_SEARCH.maxMatches}
            value={maxMatches}
            onChange={(event) => setMaxMatches(event.target.value)}
          />
        </label>
        <label>
          Keys read
          <input
            data-testid="key-search-max-keys"
            type="number"
            min={1}
            max={KEY_SEARCH.maxKeys}
            value={maxKeys}
            onChange={(event) => setMaxKeys(event.target.value)}
          />
        </label>
        <button type="submit" data-testid="key-search-start" disabled={text.trim() === '' || pattern === ''}>
          Search
        </button>
        <button type="button" data-testid="key-search-stop" disabled={!running} onClick={stop}>
          Stop
        </button>
      </form>
      <p
        className="key-search-progress muted"
        data-testid="key-search-progress"
        data-state={search.state}
        data-scanned={search.keysScanned}
        data-matched={search.keysMatched}
        role="status"
      >
        {progressText(search)}
      </p>
      {search.matches.length > 0 && (
        <ul className="key-search-results" data-testid="key-search-results">
          {search.matches.map((match) => (
            <li key={match.key}>
              <button
                type="button"
                data-testid="key-search-result"
                data-key={match.key}
                title={`Open ${showName(match.key)} in the inspector`}
                onClick={() => onOpenKey(match.key)}
              >
                <span className="key-search-key">{showName(match.key)}</span>
                <span className="muted">
                  {' '}
                  {match.type}
                  {match.where !== null ? ` · ${whereLabel(match.type)} ${showName(match.where)}` : ''}
                </span>
                <span className="key-search-preview">{match.preview}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

const whereLabel = (type: string) => ({ hash: 'field', list: 'index', zset: 'score', stream: 'entry' })[type] ?? 'in'
