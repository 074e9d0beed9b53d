/**
 * @module Loads the playground's Functions library (the session-manager commands) into Valkey.
 *
 * Loaded at every start with REPLACE, so a changed library takes effect and a server that already
 * has it (a restart from the append-only file, a VALKEY_URL server) is not an error. Sandbox users
 * can call its functions but not load or change libraries (their ACL denies FUNCTION).
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { AdminClient } from '../valkey/adminClient.ts'

const LIBRARY = fileURLToPath(new URL('./playgroundLibrary.lua', import.meta.url))

export async function loadSessionLibrary(admin: AdminClient): Promise<void> {
  const code = await readFile(LIBRARY, 'utf8')
  await admin.call('function', 'load', 'replace', code)
}
