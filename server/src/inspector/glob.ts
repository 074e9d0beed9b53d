/**
 * @module Valkey's glob matching (stringmatchlen in util.c), for keys and
 * fields the inspector re-reads after an event: `*`, `?`, `[abc]`, `[^a-z]`
 * and backslash escapes, on byte strings, case-sensitive.
 */

export function globMatch(pattern: string, text: string): boolean {
  return matchFrom(pattern, 0, text, 0)
}

function matchFrom(pattern: string, p: number, text: string, t: number): boolean {
  while (p < pattern.length) {
    const char = pattern[p]!
    if (char === '*') {
      while (pattern[p + 1] === '*') p++
      if (p + 1 === pattern.length) return true
      for (let start = t; start <= text.length; start++) if (matchFrom(pattern, p + 1, text, start)) return true
      return false
    }
    if (t >= text.length) return false
    if (char === '?') {
      p++
      t++
      continue
    }
    if (char === '[') {
      const result = matchClass(pattern, p + 1, text[t]!)
      if (!result.matched) return false
      p = result.next
      t++
      continue
    }
    if (char === '\\' && p + 1 < pattern.length) p++
    if (pattern[p] !== text[t]) return false
    p++
    t++
  }
  return t === text.length
}

/** Matches one character against a class starting after '['; returns where the pattern continues. */
function matchClass(pattern: string, p: number, char: string): { matched: boolean; next: number } {
  const negate = pattern[p] === '^'
  if (negate) p++
  let matched = false
  while (p < pattern.length && pattern[p] !== ']') {
    if (pattern[p] === '\\' && p + 1 < pattern.length) {
      p++
      if (pattern[p] === char) matched = true
    } else if (pattern[p + 1] === '-' && p + 2 < pattern.length) {
      let low = pattern[p]!
      let high = pattern[p + 2]!
      if (low > high) [low, high] = [high, low]
      if (char >= low && char <= high) matched = true
      p += 2
    } else if (pattern[p] === char) {
      matched = true
    }
    p++
  }
  // An unterminated class ends at the end of the pattern, as in Valkey.
  return { matched: negate ? !matched : matched, next: Math.min(p + 1, pattern.length) }
}
