/**
 * @module The sandbox's keys: filter by pattern, type, live TTL. With many
 * keys, a tree by `:` segments (session:han_solo → session ▸ han_solo).
 */
import { useEffect, useMemo, useState } from 'react'
import { LIMITS, type KeyInfo } from '../../../../common/protocol/index.ts'
import { Countdown } from './Countdown.tsx'
import { showName } from './displayValue.ts'
import { MiddleName } from './MiddleName.tsx'
import { useFlash } from './useFlash.ts'

/** Above this many keys the list becomes a tree. */
const TREE_FROM = 30

type Folder = { name: string; path: string; folders: Map<string, Folder>; keys: KeyInfo[]; count: number }

function buildTree(keys: KeyInfo[]): Folder {
  const root: Folder = { name: '', path: '', folders: new Map(), keys: [], count: 0 }
  for (const info of keys) {
    const parts = info.key.split(':')
    let folder = root
    folder.count++
    for (const part of parts.slice(0, -1)) {
      const path = folder.path + part + ':'
      let child = folder.folders.get(part)
      if (!child) folder.folders.set(part, (child = { name: part, path, folders: new Map(), keys: [], count: 0 }))
      child.count++
      folder = child
    }
    folder.keys.push(info)
  }
  return root
}

type RowProps = {
  info: KeyInfo
  label: string
  selected: boolean
  changedAt: number | undefined
  clockOffset: number
  onSelect: (key: string) => void
}

function KeyRow({ info, label, selected, changedAt, clockOffset, onSelect }: RowProps) {
  const flash = useFlash<HTMLButtonElement>(changedAt)
  const full = showName(info.key)
  return (
    <li>
      <button
        ref={flash}
        type="button"
        className={`key-item${selected ? ' selected' : ''}`}
        data-testid="key-item"
        data-key={info.key}
        title={full}
        onClick={() => onSelect(info.key)}
      >
        <span className={`type type-${info.type}`}>{info.type}</span>
        <MiddleName name={label} title={full} className="key-name" />
        {info.expiresAt !== null && <Countdown expiresAt={info.expiresAt} clockOffset={clockOffset} testId="key-ttl" />}
      </button>
    </li>
  )
}

export type KeyListProps = {
  keys: KeyInfo[]
  /** SCAN cursor of the next page; "0" when every matching key is listed. */
  keysCursor: string
  selected: string | null
  keyChangedAt: ReadonlyMap<string, number>
  clockOffset: number
  onSelect: (key: string) => void
  onPattern: (pattern: string) => void
  onMoreKeys: () => void
}

export function KeyList(props: KeyListProps) {
  const [filter, setFilter] = useState('')
  const [open, setOpen] = useState<Set<string>>(new Set())
  const { onPattern } = props

  useEffect(() => {
    const timer = setTimeout(
      () => onPattern(filter.trim() === '' ? '*' : filter.includes('*') || filter.includes('?') ? filter : `*${filter}*`),
      200
    )
    return () => clearTimeout(timer)
  }, [filter, onPattern])

  const tree = useMemo(() => (props.keys.length >= TREE_FROM ? buildTree(props.keys) : null), [props.keys])
  const row = (info: KeyInfo, label: string) => (
    <KeyRow
      key={info.key}
      info={info}
      label={label}
      selected={info.key === props.selected}
      changedAt={props.keyChangedAt.get(info.key)}
      clockOffset={props.clockOffset}
      onSelect={props.onSelect}
    />
  )
  const toggle = (path: string) =>
    setOpen((before) => {
      const next = new Set(before)
      if (next.has(path)) next.delete(path)
      else next.add(path)
      return next
    })
  const renderFolder = (folder: Folder) => (
    <>
      {[...folder.folders.values()].map((child) => (
        <li key={child.path}>
          <button
            type="button"
            className="folder"
            data-testid="key-folder"
            onClick={() => toggle(child.path)}
            aria-expanded={open.has(child.path)}
          >
            <span aria-hidden="true">{open.has(child.path) ? '▾' : '▸'}</span>
            <MiddleName name={`${showName(child.name)}:`} title={showName(child.path)} className="folder-name" />
            <span className="count">{child.count}</span>
          </button>
          {open.has(child.path) && <ul className="tree">{renderFolder(child)}</ul>}
        </li>
      ))}
      {folder.keys.map((info) => row(info, showName(info.key.slice(folder.path.length))))}
    </>
  )

  return (
    <div className="key-list" data-testid="key-list">
      <input
        className="filter"
        data-testid="key-filter"
        placeholder="Filter keys"
        title="Text the names contain, or a glob such as session:*"
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
        aria-label="Filter keys"
      />
      <div className="key-count" data-testid="key-count" data-complete={props.keysCursor === '0' ? 'true' : 'false'}>
        {props.keys.length} key{props.keys.length === 1 ? '' : 's'}
        {props.keysCursor !== '0' && (props.keys.length >= LIMITS.inspectorKeysLoaded ? ' (more exist: narrow the filter)' : ' so far')}
      </div>
      <ul className="keys">{tree ? renderFolder(tree) : props.keys.map((info) => row(info, showName(info.key)))}</ul>
      {props.keysCursor !== '0' && props.keys.length < LIMITS.inspectorKeysLoaded && (
        <button type="button" className="more-keys" data-testid="more-keys" onClick={props.onMoreKeys}>
          Load more keys (SCAN goes on)
        </button>
      )}
    </div>
  )
}
