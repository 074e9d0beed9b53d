/** @module Hands the page's inspector requests to an inspector session (the playground's, a watch's, inspect mode's). */
import type { InspectorRequest } from '../../../common/protocol/index.ts'
import type { InspectorSession } from './InspectorSession.ts'

/** What any inspector answers; inspect mode's own requests (databases, polling) are not among them. */
export type InspectorViewRequest = Extract<
  InspectorRequest,
  { type: 'watchKeys' | 'moreKeys' | 'openKey' | 'moreFields' | 'moreItems' | 'searchValues' }
>

export const isInspectModeRequest = (message: InspectorRequest): message is Exclude<InspectorRequest, InspectorViewRequest> =>
  message.type === 'selectDb' ||
  message.type === 'pollEvery' ||
  message.type === 'enableNotifications' ||
  message.type === 'searchKeys' ||
  message.type === 'stopKeySearch' ||
  message.type === 'serverView' ||
  message.type === 'databasesNow'

export function inspectorRequest(inspector: InspectorSession, message: InspectorViewRequest): void {
  switch (message.type) {
    case 'watchKeys':
      return inspector.watchKeys(message.pattern)
    case 'moreKeys':
      return inspector.moreKeys(message.pattern, message.cursor)
    case 'openKey':
      return inspector.openKey(message.key, message.match)
    case 'moreFields':
      return inspector.moreFields(message.key, message.cursor)
    case 'moreItems':
      return inspector.moreItems(message.key, message.cursor)
    case 'searchValues':
      return inspector.searchValues(message.key, message.text)
    default: {
      const unreachable: never = message
      return unreachable
    }
  }
}
