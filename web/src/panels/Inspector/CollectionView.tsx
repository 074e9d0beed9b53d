/**
 * @module The elements of a list (by index), a set, a sorted set (by rank, with scores) or a stream
 * (entries oldest first, with their fields), loaded a page at a time from the server, filtered by
 * text on the page, and the selected element in full below the table.
 */
import { useMemo, useState } from 'react'
import type { CollectionItem } from '../../../../common/protocol/index.ts'
import { epochDate, showName, showValue, streamIdDate } from './displayValue.ts'
import type { KeyView } from './inspectorStore.ts'
import { ValuePane } from './ValueModes.tsx'

const COLLECTIONS = new Set(['list', 'set', 'zset', 'stream'])
export const isCollection = (type: string) => COLLECTIONS.has(type)

/** Cells are cut to this many characters; the detail shows all. */
const CELL_CHARS = 120
const cut = (text: string) => (text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS)}…` : text)

/** Column widths: numbers and ids narrow, the values the rest. */
const WIDTHS: Record<CollectionItem['kind'], string[]> = {
  list: ['6rem', 'auto'],
  set: ['auto'],
  zset: ['5rem', 'auto', '10rem'],
  stream: ['15rem', 'auto'],
}

const COLUMNS: Record<CollectionItem['kind'], string[]> = {
  list: ['index', 'element'],
  set: ['member'],
  zset: ['rank', 'member', 'score'],
  stream: ['entry id', 'fields'],
}

/** A stream entry's fields as one line: `field=value field=value`. */
const entryLine = (fields: string[]) =>
  fields
    .reduce<string[]>(
      (parts, _, i) => (i % 2 === 0 ? [...parts, `${showName(fields[i]!)}=${showValue(fields[i + 1] ?? '').text}`] : parts),
      []
    )
    .join(' ')

/** A cell's text with the date it stands for beside it (a Unix time in seconds or milliseconds). */
const withDate = (text: string, date: string | null) => (date ? `${text} · ${date}` : text)
const shownWithDate = (bytes: string) => {
  const shown = showValue(bytes)
  return withDate(shown.text, shown.date ?? null)
}

/** The text a row is found by and shows. */
function cells(item: CollectionItem, rank: number): string[] {
  switch (item.kind) {
    case 'list':
      return [String(item.index), shownWithDate(item.value)]
    case 'set':
      return [shownWithDate(item.value)]
    case 'zset':
      return [String(rank), shownWithDate(item.value), withDate(item.score, epochDate(item.score))]
    case 'stream':
      return [withDate(item.id, streamIdDate(item.id)), entryLine(item.fields)]
  }
}

export function CollectionView({ view, onMore }: { view: KeyView; onMore: () => void }) {
  const [filter, setFilter] = useState('')
  const [selected, setSelected] = useState<number | null>(null)
  const kind = (view.meta?.type === 'stream' ? 'stream' : view.meta?.type) as CollectionItem['kind']
  const rows = useMemo(() => view.items.map((item, i) => ({ item, i, cells: cells(item, i) })), [view.items])
  const needle = filter.trim().toLowerCase()
  const shown = needle === '' ? rows : rows.filter((row) => row.cells.some((cell) => cell.toLowerCase().includes(needle)))
  const chosen = selected === null ? null : (view.items[selected] ?? null)
  const total = view.meta?.length ?? view.items.length

  return (
    <div className="collection" data-testid="collection-view" data-kind={kind}>
      <div className="field-tools">
        <input
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          placeholder="Filter loaded elements"
          aria-label="Filter the loaded elements"
          data-testid="item-filter"
        />
        <span className="muted" data-testid="item-count" data-loaded={view.items.length} data-total={total}>
          {needle !== '' ? `${shown.length} of ` : ''}
          {view.items.length} of {total} loaded
        </span>
        {view.cursor !== '0' && (
          <button type="button" data-testid="more-items" onClick={onMore}>
            Load more
          </button>
        )}
      </div>
      <div className="collection-table-area">
        <table className="collection-table" aria-label={`Elements of ${showName(view.key)}`}>
          <colgroup>
            {WIDTHS[kind].map((width, i) => (
              <col key={i} style={width === 'auto' ? undefined : { width }} />
            ))}
          </colgroup>
          <thead>
            <tr>
              {COLUMNS[kind].map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map(({ i, cells: texts }) => (
              <tr key={i} data-testid="item-row" data-index={i} aria-selected={selected === i} className={selected === i ? 'selected' : ''}>
                <td>
                  <button type="button" className="item-open" onClick={() => setSelected(i)} data-testid="item-open">
                    {cut(texts[0]!)}
                  </button>
                </td>
                {texts.slice(1).map((text, column) => (
                  <td key={column} data-testid={`item-${COLUMNS[kind][column + 1]!.replace(' ', '-')}`}>
                    {cut(text)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {chosen && <ItemDetail item={chosen} />}
    </div>
  )
}

function ItemDetail({ item }: { item: CollectionItem }) {
  if (item.kind !== 'stream') {
    const label = item.kind === 'list' ? `index ${item.index}` : item.kind === 'zset' ? `score ${item.score}` : undefined
    return (
      <div className="field-detail" data-testid="item-detail">
        <ValuePane key={item.value} bytes={item.value} testId="item-value-full" label={label} />
      </div>
    )
  }
  const pairs: [string, string][] = []
  for (let i = 0; i + 1 < item.fields.length; i += 2) pairs.push([item.fields[i]!, item.fields[i + 1]!])
  return (
    <div className="field-detail" data-testid="item-detail">
      <strong>{item.id}</strong>
      {pairs.map(([field, value], i) => (
        <ValuePane key={`${i}:${field}`} bytes={value} testId="item-value-full" label={showName(field)} />
      ))}
    </div>
  )
}
