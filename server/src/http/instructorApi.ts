/**
 * @module GET /api/instructor/progress.csv: the room's progress table, for the instructor only.
 *
 * The key travels in an `Authorization: Bearer` header (the instructor page fetches it and saves
 * the file), never in the URL, so no access log or browser history holds it. Every request is
 * checked; a wrong or missing key gets 401 whatever else the request says.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { SecretKey } from './SecretKey.ts'
import type { Room } from '../instructor/Room.ts'
import { progressCsv } from '../instructor/progressCsv.ts'
import type { MissionCatalog } from '../missions/MissionCatalog.ts'
import { clientAddress } from './clientAddress.ts'

const PREFIX = '/api/instructor'

export type InstructorApiDeps = { room: Room; key: SecretKey; missions: MissionCatalog; trustedProxies: string[] }

/** Answers the request when it is for the instructor API; false otherwise. */
export function createInstructorHandler({ room, key, missions, trustedProxies }: InstructorApiDeps) {
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (path !== PREFIX && !path.startsWith(`${PREFIX}/`)) return false
    const plain = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
    if (!key.checkHeader(request.headers.authorization, clientAddress(request, trustedProxies))) {
      response.writeHead(401, { ...plain, 'www-authenticate': 'Bearer realm="instructor"' })
      response.end('the instructor key is required (Authorization: Bearer <key>)\n')
      return true
    }
    if (path !== `${PREFIX}/progress.csv`) {
      response.writeHead(404, plain)
      response.end('not found\n')
      return true
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...plain, allow: 'GET, HEAD' })
      response.end('only GET is supported\n')
      return true
    }
    const table = progressCsv(
      room.rows(),
      missions.all().map((mission) => ({ id: mission.meta.id, steps: mission.steps.map((step) => step.id) })),
      Date.now()
    )
    const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-')
    response.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="progress-${stamp}.csv"`,
      'cache-control': 'no-store',
    })
    response.end(request.method === 'HEAD' ? undefined : table)
    return true
  }
}
