/**
 * @module The attendee's display name in the header: "Attendee 17" until they choose one. Only
 * the instructor sees it; the attendee can change it at any time (it is kept in the browser).
 */
import { useEffect, useState } from 'react'
import { LIMITS } from '../../../../common/protocol/index.ts'
import { useConnection } from '../../connection/ConnectionContext.tsx'

export function AttendeeName() {
  const connection = useConnection()
  const [who, setWho] = useState<{ number: number; name: string | null } | null>(null)
  const [editing, setEditing] = useState<string | null>(null)
  useEffect(() => connection?.on('attendee', (number, name) => setWho({ number, name })), [connection])
  if (!connection || !who) return null
  const shown = who.name ?? `Attendee ${who.number}`

  const save = (text: string) => {
    const name = text.trim() === '' ? null : text.trim()
    connection.setName(name)
    setWho({ ...who, name })
    setEditing(null)
  }

  if (editing !== null) {
    return (
      <form
        className="attendee-name editing"
        data-testid="attendee-name"
        data-name={shown}
        onSubmit={(event) => {
          event.preventDefault()
          save(editing)
        }}
      >
        <input
          autoFocus
          value={editing}
          maxLength={LIMITS.maxName}
          placeholder={`Attendee ${who.number}`}
          aria-label="Your name, as your instructor sees it"
          data-testid="attendee-name-input"
          onChange={(event) => setEditing(event.target.value)}
          onKeyDown={(event) => event.key === 'Escape' && setEditing(null)}
        />
        <button type="submit" data-testid="attendee-name-save">
          Save
        </button>
      </form>
    )
  }
  return (
    <button
      type="button"
      className="attendee-name"
      data-testid="attendee-name"
      data-name={shown}
      title="Your name, as your instructor sees it (only they see it). Click to change."
      onClick={() => setEditing(who.name ?? '')}
    >
      {shown} <span aria-hidden="true">✎</span>
    </button>
  )
}
