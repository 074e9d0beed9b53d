/**
 * @module GET /api/missions (the list, with what this server can run) and
 * GET /api/missions/<id> (one mission, rendered). Read-only; the markdown
 * is re-read when a file in the missions folder changes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { MISSION_ID, type ServerInfo } from '../../../common/protocol/index.ts'
import type { MissionCatalog } from '../missions/MissionCatalog.ts'

const PREFIX = '/api/missions'

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' })
  response.end(JSON.stringify(body))
}

/** Answers the request when it is for the missions API; false otherwise. */
export function createMissionsHandler(catalog: MissionCatalog, serverInfo: () => ServerInfo) {
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (path !== PREFIX && !path.startsWith(`${PREFIX}/`)) return false
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      json(response, 405, { error: 'only GET is supported' })
      return true
    }
    if (path === PREFIX) {
      json(response, 200, { missions: catalog.list(serverInfo()) })
      return true
    }
    const id = path.slice(PREFIX.length + 1)
    const doc = MISSION_ID.test(id) ? catalog.doc(id, serverInfo()) : null
    if (doc) json(response, 200, doc)
    else json(response, 404, { error: `there is no mission '${id.slice(0, 64)}'` })
    return true
  }
}
