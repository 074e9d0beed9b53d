/**
 * @module The instructor's announcement, under the header: a line of text and, when it points at
 * a mission step, a link to it. Never a jump: the attendee follows the link or dismisses it, and
 * a dismissed announcement stays dismissed on reload. A withdrawn one disappears for everyone.
 */
import { useEffect, useState } from 'react'
import type { Announcement } from '../../../../common/protocol/index.ts'
import { useConnection } from '../../connection/ConnectionContext.tsx'
import { missionHref } from '../Missions/missionRoute.ts'

const DISMISSED = 'valkey-playground:dismissed-announcement'

function dismissedId(): number {
  try {
    return Number(localStorage.getItem(DISMISSED) ?? 0)
  } catch {
    return 0
  }
}

function dismiss(id: number): void {
  try {
    localStorage.setItem(DISMISSED, String(id))
  } catch {
    // Without storage it comes back on reload; nothing else is lost.
  }
}

export function AnnouncementBar() {
  const connection = useConnection()
  const [announcement, setAnnouncement] = useState<Announcement | null>(null)
  useEffect(
    () => connection?.on('announcement', (next) => setAnnouncement(next.withdrawn || next.id === dismissedId() ? null : next)),
    [connection]
  )
  if (!announcement) return null
  const close = () => {
    dismiss(announcement.id)
    setAnnouncement(null)
  }
  return (
    <div className="announcement" role="status" data-testid="announcement" data-id={announcement.id}>
      {/* One paragraph, so on a phone the text wraps under its label instead of beside it. */}
      <p className="announcement-message">
        <strong>Instructor:</strong> {announcement.text && <span data-testid="announcement-text">{announcement.text}</span>}
      </p>
      {announcement.mission && (
        <a href={missionHref(announcement.mission, announcement.step)} data-testid="announcement-link" onClick={close}>
          {announcement.step ? 'Go to that step' : 'Open that mission'}
        </a>
      )}
      <button type="button" className="announcement-dismiss" data-testid="announcement-dismiss" aria-label="Dismiss" onClick={close}>
        ×
      </button>
    </div>
  )
}
