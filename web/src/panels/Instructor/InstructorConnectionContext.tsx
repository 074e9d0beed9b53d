/**
 * @module How the instructor page's parts reach its connection: InstructorPage owns it
 * (useInstructorSocket) and provides it; the room controls and the watch call useInstructorConnection().
 */
import { createContext, useContext } from 'react'
import type { InstructorConnection } from '../../../../common/connection/InstructorConnection.ts'

export const InstructorConnectionContext = createContext<InstructorConnection | null>(null)

/** The instructor page's connection. Only for parts the page renders once the connection exists. */
export function useInstructorConnection(): InstructorConnection {
  const connection = useContext(InstructorConnectionContext)
  if (!connection) throw new Error('useInstructorConnection: rendered before the instructor connection exists')
  return connection
}
