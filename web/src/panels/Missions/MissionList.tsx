/**
 * @module The missions, in order, with this sandbox's progress on each. A click anywhere in an
 * item opens its mission; the link inside stays the one control for the keyboard and screen
 * readers (the item itself is not made interactive, so nothing interactive is nested).
 */
import type { MouseEvent } from 'react'
import type { MissionProgressMessage, MissionSummary } from '../../../../common/protocol/index.ts'
import { missionHref } from './missionRoute.ts'

export function MissionList({ list, progress }: { list: MissionSummary[]; progress: MissionProgressMessage | null }) {
  return (
    <div className="mission-list" data-testid="mission-list">
      <h2>Missions</h2>
      <p className="muted">Short lessons that run in the terminal beside them. Every step checks itself.</p>
      <ol>
        {list.map((mission) => {
          const done = progress?.done[mission.id]?.length ?? 0
          return (
            <li key={mission.id} data-testid="mission-list-item" data-mission-id={mission.id} onClick={openFromItem}>
              <a href={missionHref(mission.id)}>{mission.title}</a>
              <span className="muted">
                {' '}
                · {mission.minutes} min · {done}/{mission.steps.length} steps
              </span>
              <p>{mission.summary}</p>
              {!mission.available && <p className="unavailable">{mission.unavailable}</p>}
            </li>
          )
        })}
      </ol>
    </div>
  )
}

/** A click on an item's text opens the mission, as its link would (a click on the link itself, or text being selected, is left alone). */
function openFromItem(event: MouseEvent<HTMLLIElement>): void {
  const target = event.target as Element
  if (target.closest('a') || event.button !== 0 || window.getSelection()?.toString()) return
  event.currentTarget.querySelector('a')?.click()
}
