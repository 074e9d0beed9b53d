/**
 * @module The database being inspected, one choice per database that holds keys (INFO keyspace),
 * with how many. Choosing one runs SELECT in the terminal, so the terminal, its prompt and the
 * inspector move together, and the command shows how it is done.
 */
import type { DatabaseInfo } from '../../../../common/protocol/index.ts'

type Props = {
  databases: DatabaseInfo[]
  db: number
  onChoose: (db: number) => void
  /** The menu is about to open: its counts are read again (they also follow key changes, and a 5 s timer). */
  onOpen: () => void
}

export function DatabaseSelect({ databases, db, onChoose, onOpen }: Props) {
  const list = databases.some((entry) => entry.db === db) ? databases : [...databases, { db, keys: 0, expires: 0 }]
  return (
    <label className="db-select">
      <span>Database</span>
      <select
        data-testid="db-select"
        value={db}
        onChange={(event) => onChoose(Number(event.target.value))}
        onFocus={onOpen}
        onPointerDown={onOpen}
        title="Runs SELECT in the terminal; the inspector follows"
      >
        {list.map((entry) => (
          <option key={entry.db} value={entry.db} data-db={entry.db}>
            {`db${entry.db} · ${entry.keys.toLocaleString('en')} key${entry.keys === 1 ? '' : 's'}`}
          </option>
        ))}
      </select>
    </label>
  )
}
