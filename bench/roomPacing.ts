/**
 * @module How a bench's load generator paces a room: each attendee starts at its own point of the
 * first second (spread as a real room is, not all at once) and then acts once a second for
 * `seconds` seconds, waiting out what is left of each second after its action.
 */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function paceRoom<A>(
  room: readonly A[],
  seconds: number,
  act: (attendee: A, second: number, startedAt: number) => Promise<void>
): Promise<void> {
  await Promise.all(
    room.map(async (attendee, index) => {
      await sleep((index * 1000) / room.length)
      for (let second = 0; second < seconds; second++) {
        const tick = performance.now()
        await act(attendee, second, tick)
        await sleep(Math.max(0, 1000 - (performance.now() - tick)))
      }
    })
  )
}
