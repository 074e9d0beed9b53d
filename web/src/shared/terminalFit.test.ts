import { describe, expect, it } from 'vitest'
import { LONGEST_REPLY_LINES, TERMINAL_ROWS, terminalShareFor } from './terminalFit.ts'

// The lessons as text (Vite's glob import, which Vitest runs too): the page never imports them.
const missions = import.meta.glob<string>('../../../missions/*.md', { query: '?raw', import: 'default', eager: true })

/** Every ```response block of every mission, as its lines. */
function responseBlocks(): string[][] {
  return Object.values(missions)
    .flatMap((text) => [...text.matchAll(/^```response\n([\s\S]*?)^```/gm)])
    .map((match) => match[1].replace(/\n$/, '').split('\n'))
}

describe('the terminal fits the lessons', () => {
  it('knows the longest reply a mission shows', () => {
    const blocks = responseBlocks()
    expect(blocks.length).toBeGreaterThan(10)
    expect(Math.max(...blocks.map((lines) => lines.length))).toBe(LONGEST_REPLY_LINES)
    expect(TERMINAL_ROWS).toBe(LONGEST_REPLY_LINES + 2)
  })

  it('asks for the rows at laptop heights, and never more than 60 % nor less than 30 %', () => {
    // 1366x768: the main area's 704 px without padding, less the 12 px handle.
    const share = terminalShareFor(19, 692)
    expect(Math.floor((share * 692 - 19) / 19)).toBeGreaterThanOrEqual(TERMINAL_ROWS)
    expect(terminalShareFor(19, 300)).toBe(0.6)
    expect(terminalShareFor(19, 2000)).toBe(0.3)
    expect(terminalShareFor(19, 0)).toBe(0.3)
    expect(terminalShareFor(Number.NaN, 700)).toBe(0.3)
  })
})
