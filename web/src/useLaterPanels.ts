/**
 * @module Loads the panels of laterPanels.ts after the terminal's first drawing (its prompt, or
 * "not connected" while the server has not answered), so their code runs after it, not before.
 *
 * Until they are there, the connection started by main.tsx keeps what the server sends (see
 * ConnectionProvider's `release`): they then get the inspector's snapshot and the mission's
 * progress like panels that were there from the start.
 */
import { useEffect, useState } from 'react'
import type * as LaterPanelsModule from './laterPanels.ts'
import { afterFirstDraw } from './panels/Terminal/promptMark.ts'

export type LaterPanels = typeof LaterPanelsModule

/** Loaded, or could not be (the terminal then works on, without them). */
export type LaterPanelsState = { panels: LaterPanels | null; failed: boolean }

let loaded: LaterPanels | null = null

function loadLaterPanels(): Promise<LaterPanels> {
  return afterFirstDraw()
    .then(() => import('./laterPanels.ts'))
    .then((panels) => (loaded = panels))
}

export function useLaterPanels(): LaterPanelsState {
  const [state, setState] = useState<LaterPanelsState>({ panels: loaded, failed: false })
  useEffect(() => {
    if (state.panels || state.failed) return
    let mounted = true
    loadLaterPanels().then(
      (panels) => mounted && setState({ panels, failed: false }),
      (error: unknown) => {
        console.error('the lesson and inspector could not be loaded', error)
        if (mounted) setState({ panels: null, failed: true })
      }
    )
    return () => {
      mounted = false
    }
  }, [state])
  return state
}
