/**
 * @module Reading a server's own COMMAND DOCS to learn which options a command accepts, so a
 * feature is detected by what the server says it can do, never by its version number (Valkey
 * reports redis_version 7.2.4 whatever its own version is).
 */

/**
 * Whether COMMAND DOCS (as iovalkey returns it over RESP2: nested arrays of name/value pairs)
 * lists `token` among the command's arguments, at any depth (FNX sits inside a `oneof`).
 * An empty reply (an unknown command) or one of another shape lists nothing.
 */
export function docsListToken(docs: unknown, token: string): boolean {
  const wanted = token.toUpperCase()
  const walk = (node: unknown, depth: number): boolean => {
    // COMMAND DOCS nests a few levels per argument block; 32 is far beyond any real command.
    if (!Array.isArray(node) || depth > 32) return false
    for (let i = 0; i < node.length; i++) {
      const item: unknown = node[i]
      if (item === 'token' && typeof node[i + 1] === 'string' && (node[i + 1] as string).toUpperCase() === wanted) return true
      if (walk(item, depth + 1)) return true
    }
    return false
  }
  return walk(docs, 0)
}

/** Whether COMMAND INFO for one command names a command (an unknown one answers [null]). */
export const commandInfoKnows = (info: unknown): boolean => Array.isArray(info) && info[0] != null
