/**
 * @module The lesson panel's state: the mission list and the open mission
 * (fetched over HTTP, they are static), the route from the URL, and this
 * sandbox's progress (pushed by the server over the socket). The server is
 * told which mission is open, again after every reconnect, so it checks
 * the right steps.
 */
import { useEffect, useState } from 'react'
import { isMissionProgress, type MissionDoc, type MissionProgressMessage, type MissionSummary } from '../../../../common/protocol/index.ts'
import { useConnection } from '../../connection/ConnectionContext.tsx'
import { parseMissionRoute, type MissionRoute } from './missionRoute.ts'

export type MissionsState = {
  route: MissionRoute
  list: MissionSummary[] | null
  doc: MissionDoc | null
  progress: MissionProgressMessage | null
  error: string | null
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path)
  if (!response.ok) throw new Error(((await response.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${response.status}`)
  return (await response.json()) as T
}

export function useMissions(): MissionsState {
  const connection = useConnection()
  const [route, setRoute] = useState(() => parseMissionRoute(window.location.hash))
  const [list, setList] = useState<MissionSummary[] | null>(null)
  // The fetched document remembers which mission it is, so a route change shows "loading" at
  // once without clearing state inside the effect.
  const [loaded, setLoaded] = useState<{ id: string; doc: MissionDoc } | null>(null)
  const [progress, setProgress] = useState<MissionProgressMessage | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    const follow = () => setRoute(parseMissionRoute(window.location.hash))
    window.addEventListener('hashchange', follow)
    return () => window.removeEventListener('hashchange', follow)
  }, [])

  useEffect(() => {
    getJson<{ missions: MissionSummary[] }>('/api/missions')
      .then((body) => setList(body.missions))
      .catch((reason: Error) => setError(`The missions could not be loaded: ${reason.message}`))
  }, [])

  useEffect(() => {
    const id = route.mission
    if (!id) return
    let current = true
    getJson<MissionDoc>(`/api/missions/${id}`)
      .then((body) => current && (setLoaded({ id, doc: body }), setError(null)))
      .catch((reason: Error) => current && setError(reason.message))
    return () => {
      current = false
    }
  }, [route.mission])

  useEffect(() => {
    if (!connection) return
    const announce = () => connection.mission({ type: 'missionOpen', id: route.mission })
    announce()
    const offStatus = connection.on('status', (status) => status.state === 'open' && announce())
    // What the page draws from is checked once here; a malformed report is dropped, not drawn.
    const offProgress = connection.on('missions', (message) => {
      if (isMissionProgress(message)) setProgress(message)
      else console.warn('mission progress ignored: malformed', message)
    })
    return () => {
      offStatus()
      offProgress()
    }
  }, [connection, route.mission])

  const doc = loaded !== null && loaded.id === route.mission ? loaded.doc : null
  return { route, list, doc, progress, error }
}
