/**
 * @module The page's first script, kept small: it starts the playground's connection, then loads
 * the app (React, xterm.js and the terminal, a separate chunk the page already preloads; the other
 * panels follow the first prompt, see useLaterPanels.ts). The
 * WebSocket handshake and the sandbox's welcome so run while the app's code loads and evaluates
 * (evaluation waits for the socket to open: see earlyConnection.ts).
 */
// The base stylesheet first, so each panel's own stylesheet (imported by the panel) comes after it.
import './styles.css'
import { startEarlyConnection } from './connection/earlyConnection.ts'
import { localNameStore } from './connection/storage.ts'
import { isTeachRoute } from './panels/Instructor/instructorKey.ts'
import { applyNamePreset } from './panels/Room/namePreset.ts'
import { prefetchCommandDocs } from './panels/Terminal/commandDocsPrefetch.ts'

applyNamePreset(window.location.search, localNameStore)
// The instructor's page never opens a sandbox.
let helloSent: Promise<void> = Promise.resolve()
if (!isTeachRoute(window.location.hash)) {
  helloSent = startEarlyConnection()
  prefetchCommandDocs()
}

// The app's chunk downloads meanwhile (modulepreload); it is evaluated once the hello is out.
void helloSent.then(() => import('./appRoot.tsx')).then(({ mountApp }) => mountApp(document.getElementById('root')!))
