/**
 * @module The grid's "on step" times, ticked without React: one timer a second writes the text of
 * every time cell that is mounted. With 500 rows, a React state per cell would re-render 500
 * components every second in one task; writing 500 text nodes (most of them in rows the browser
 * is not rendering) costs a fraction of that. Each cell registers its element and how to compute
 * its text, and is written at once on registering, so it never shows a stale time.
 */
type Cell = { element: HTMLElement; text(now: number): string }

const cells = new Set<Cell>()
let timer: ReturnType<typeof setInterval> | null = null

function write(cell: Cell, now: number): void {
  const text = cell.text(now)
  // Unchanged text is not written: a write invalidates the cell's layout even when equal.
  if (cell.element.textContent !== text) cell.element.textContent = text
}

function tick(): void {
  const now = Date.now()
  for (const cell of cells) write(cell, now)
}

/** Keeps `element`'s text as `text(page time)` every second until the returned function is called. */
export function registerStepClock(element: HTMLElement, text: (now: number) => string): () => void {
  const cell = { element, text }
  cells.add(cell)
  write(cell, Date.now())
  timer ??= setInterval(tick, 1000)
  return () => {
    cells.delete(cell)
    if (cells.size === 0 && timer !== null) {
      clearInterval(timer)
      timer = null
    }
  }
}
