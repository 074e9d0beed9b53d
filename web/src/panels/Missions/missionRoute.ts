/**
 * @module Where the lesson panel is, as a URL: `#/missions` (the list),
 * `#/missions/<mission>` and `#/missions/<mission>/<step>`. An instructor
 * can put one of these on the screen and everyone lands on the same step.
 * Kept in the hash so the server serves the same page for every route.
 */
import { MISSION_ID } from '../../../../common/protocol/index.ts'

export type MissionRoute = { mission: string | null; step: string | null }

export function parseMissionRoute(hash: string): MissionRoute {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean)
  if (parts[0] !== 'missions') return { mission: null, step: null }
  const mission = parts[1] && MISSION_ID.test(parts[1]) ? parts[1] : null
  const step = mission && parts[2] && MISSION_ID.test(parts[2]) ? parts[2] : null
  return { mission, step }
}

export function missionHref(mission: string | null, step: string | null = null): string {
  if (!mission) return '#/missions'
  return step ? `#/missions/${mission}/${step}` : `#/missions/${mission}`
}
