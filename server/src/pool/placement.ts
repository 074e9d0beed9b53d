/**
 * @module Where a new sandbox goes: the order in which the pool's servers are tried.
 *
 * The server with the smallest share of its databases in use comes first (the first of equals),
 * so the pool fills evenly and no server fills while another has room, also when the servers
 * have different numbers of databases. A sandbox is never moved afterwards: this only decides
 * where new ones go.
 */

/** Server indexes, best first; `held[i]` sandboxes are on server i, which has `capacity[i]` databases. */
export function placementOrder(held: readonly number[], capacity: readonly number[]): number[] {
  const fill = (index: number) => (capacity[index]! > 0 ? held[index]! / capacity[index]! : Infinity)
  return held.map((_, index) => index).sort((a, b) => fill(a) - fill(b) || a - b)
}
