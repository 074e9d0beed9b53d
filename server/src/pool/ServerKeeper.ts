/**
 * @module What a playground process may ask of whoever keeps the pool's embedded valkey-servers
 * alive: this same process (one worker), or the cluster primary (several workers, over IPC).
 *
 * External servers (VALKEY_URL) have no keeper: nobody here may restart them.
 */
export interface ServerKeeper {
  /**
   * Kills server `index` and starts it again from its append-only file: the last resort against a
   * script SCRIPT KILL cannot stop. Returns false when that is not possible now (not embedded, or
   * already restarting). Only that server's sandboxes notice.
   */
  restart(index: number): boolean
  /** Server `index` stopped on its own (or was restarted by restart()); `detail` says why. */
  onCrashed(listener: (index: number, detail: string) => void): () => void
  /** Server `index` is serving again, with its data back from the append-only file. */
  onRestarted(listener: (index: number) => void): () => void
}
