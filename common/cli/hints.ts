/**
 * @module valkey-cli's inline hints: the grey syntax after the cursor.
 *
 * Given the typed line, find the help entry for its command (the longest
 * matching one or two words), match the typed arguments against the
 * entry's argument tree, and describe what is still missing. The rules are
 * valkey-cli's own (its inline hints), including its
 * oddities, because lessons show its hints:
 *  - the last word counts only once a space follows it;
 *  - a run of optional arguments may come in any order, and one that was
 *    started but not finished is hinted first;
 *  - the `[x ...]` tail of a repeatable argument is always shown;
 *  - integers and doubles match only words that C's sscanf would read as
 *    numbers; any other type matches any word;
 *  - if the typed words do not fit the syntax, the hint is empty.
 * The same code renders the full syntax that `help` prints.
 */
import type { HelpArg, HelpEntry } from '../protocol/index.ts'
import { splitArgs, type QuoteRules } from './splitArgs.ts'

/** Per-call matching progress for one argument (the docs themselves stay immutable). */
type Progress = {
  arg: HelpArg
  /** How many words this argument took so far (0 = untouched). */
  matched: number
  tokenSeen: boolean
  valueSeen: boolean
  complete: boolean
  subs: Progress[]
}

const track = (arg: HelpArg): Progress => ({
  arg,
  matched: 0,
  tokenSeen: false,
  valueSeen: false,
  complete: false,
  subs: (arg.args ?? []).map(track),
})

function reset(progress: Progress): void {
  progress.matched = 0
  progress.tokenSeen = false
  progress.valueSeen = false
  progress.complete = false
  progress.subs.forEach(reset)
}

/** Would C's sscanf("%lld") read a number at the start of this word? */
const scansInteger = (word: string) => /^[ \t\n\v\f\r]*[+-]?\d/.test(word)
/** Would C's sscanf("%lf") read a number (including inf, nan and hex floats)? */
const scansDouble = (word: string) => /^[ \t\n\v\f\r]*[+-]?(?:\d|\.\d|inf|nan)/i.test(word)

/** strcasecmp's idea of case: ASCII letters only. */
export const asciiLower = (text: string) => text.replace(/[A-Z]+/g, (run) => run.toLowerCase())

/** An empty token or name is shown as "" so that it can be seen. */
const shown = (value: string) => (value === '' ? '""' : value)

// ---------------------------------------------------------------------------
// Matching typed words against the argument tree

/** Matches the words against the argument's value (after any token). */
function matchValue(words: string[], at: number, p: Progress): number {
  switch (p.arg.type) {
    case 'block': {
      p.matched += matchList(words, at, p.subs)
      p.complete = p.subs.every((sub) => sub.complete)
      break
    }
    case 'oneof': {
      for (const sub of p.subs) {
        if (matchRepeated(words, at, sub) > 0) {
          p.matched += sub.matched
          p.complete = sub.complete
          break
        }
      }
      break
    }
    case 'integer':
    case 'unix-time':
    case 'double': {
      const fits = p.arg.type === 'double' ? scansDouble(words[at]!) : scansInteger(words[at]!)
      if (fits) {
        p.matched += 1
        p.valueSeen = true
        p.complete = true
      } else {
        p.matched = 0
        p.valueSeen = false
      }
      break
    }
    default:
      p.matched += 1
      p.valueSeen = true
      p.complete = true
  }
  return p.matched
}

/** Matches one occurrence of the argument: its token (if any), then its value. */
function matchOnce(words: string[], at: number, p: Progress): number {
  const token = p.arg.token
  if (token !== undefined) {
    if (asciiLower(words[at]!) !== asciiLower(token)) return 0
    p.tokenSeen = true
    p.matched = 1
    if (p.arg.type === 'pure-token') {
      p.complete = true
      return 1
    }
    if (words.length - at === 1) return 1
    at += 1
  }
  if (matchValue(words, at, p) === 0) return 0
  return p.matched
}

/** Matches the argument, as many times as the words allow when it is repeatable. */
function matchRepeated(words: string[], at: number, p: Progress): number {
  const first = matchOnce(words, at, p)
  if (!p.arg.multiple) return first
  let taken = first
  while (p.complete && at + taken < words.length) {
    reset(p)
    let more: number
    if (p.arg.token !== undefined && !p.arg.multipleToken) {
      // The token is written once, before the first value only.
      more = matchValue(words, at + taken, p)
      if (p.matched) p.tokenSeen = true
    } else {
      more = matchOnce(words, at + taken, p)
    }
    taken += more
  }
  p.complete = false // another repetition may always follow
  return taken
}

/** Matches the next words against any one not yet matched argument of an optional run. */
function matchAnyOptional(words: string[], at: number, run: Progress[]): { taken: number; which: number } {
  for (let which = 0; which < run.length; which++) {
    if (at >= words.length) break
    if (run[which]!.matched) continue
    const taken = matchRepeated(words, at, run[which]!)
    if (taken !== 0) return { taken, which }
  }
  return { taken: 0, which: -1 }
}

/** Matches as many words as possible against a run of optional arguments, in any order. */
function matchOptionalRun(words: string[], at: number, run: Progress[]): number {
  let next = at
  let last = -1
  while (next < words.length) {
    const { taken, which } = matchAnyOptional(words, next, run)
    if (taken === 0) break
    // A later match means the earlier one is finished: do not hint its remainder.
    if (last !== -1) run[last]!.complete = true
    last = which
    next += taken
  }
  return next - at
}

/** Matches words from `at` against an argument list; returns how many words were taken. */
function matchList(words: string[], at: number, list: Progress[]): number {
  let next = at
  for (let index = 0; next < words.length && index < list.length; index++) {
    if (list[index]!.arg.optional) {
      let end = index
      while (end < list.length && list[end]!.arg.optional) end++
      next += matchOptionalRun(words, next, list.slice(index, end))
      index = end - 1
    } else {
      const taken = matchRepeated(words, next, list[index]!)
      if (taken === 0) return 0 // a required argument does not fit: no match at all
      next += taken
    }
  }
  return next - at
}

// ---------------------------------------------------------------------------
// Describing what is still missing

/** The hint being written; shared by the recursive describers, as valkey-cli shares its sds. */
type HintText = { text: string }

function describeList(out: HintText, list: Progress[], separator: string): void {
  let mark = out.text.length
  // A separator follows a piece only when the piece wrote something and more may come.
  const separate = (isLast: boolean) => {
    if (out.text.length > mark && !isLast) {
      out.text += separator
      mark = out.text.length
    }
  }
  for (let i = 0; i < list.length; i++) {
    if (!list[i]!.arg.optional) {
      describe(out, list[i]!)
      separate(i === list.length - 1)
      continue
    }
    let end = i
    let started = -1
    for (; end < list.length && list[end]!.arg.optional; end++) {
      const candidate = list[end]!
      if (candidate.matched !== 0 && !candidate.complete) {
        // Started but unfinished: its completion comes first.
        describe(out, candidate)
        separate(i === list.length - 1)
        started = end
      }
    }
    if (end === list.length || list[end]!.matched === 0) {
      for (; i < end; i++) {
        if (i !== started) {
          describe(out, list[i]!)
          separate(i === list.length - 1)
        }
      }
    }
    i = end - 1
  }
}

function describeRepetition(out: HintText, p: Progress): void {
  if (!p.arg.multiple) return
  reset(p)
  if (out.text !== '') out.text += ' '
  out.text += '['
  if (p.arg.multipleToken) {
    out.text += shown(p.arg.token ?? '')
    if (p.arg.type !== 'pure-token') out.text += ' '
  }
  if (p.arg.type === 'oneof') describeList(out, p.subs, '|')
  else if (p.arg.type === 'block') describeList(out, p.subs, ' ')
  else if (p.arg.type !== 'pure-token') out.text += shown(p.arg.displayText ?? p.arg.name)
  out.text += ' ...]'
}

function describe(out: HintText, p: Progress): void {
  if (p.complete) return
  if (p.arg.optional && !p.matched) out.text += '['
  if (p.arg.token !== undefined && !p.tokenSeen) {
    out.text += shown(p.arg.token)
    if (p.arg.type !== 'pure-token') out.text += ' '
  }
  if (p.arg.type === 'oneof') {
    if (p.matched === 0) describeList(out, p.subs, '|')
    else for (const sub of p.subs) if (sub.matched !== 0) describe(out, sub)
  } else if (p.arg.type === 'block') {
    describeList(out, p.subs, ' ')
  } else if (p.arg.type !== 'pure-token' && !p.valueSeen) {
    out.text += shown(p.arg.displayText ?? p.arg.name)
  }
  describeRepetition(out, p)
  // Checked again on purpose: describing a repetition resets the progress, so
  // a started repeatable optional argument gets a closing bracket only, as in valkey-cli.
  if (p.arg.optional && !p.matched) out.text += ']'
}

// ---------------------------------------------------------------------------

/**
 * The syntax still missing after `typed` words of arguments, or "" when they
 * do not fit. Null when the entry has no argument list.
 */
export function describeArgs(entry: HelpEntry, typed: readonly string[] = []): string | null {
  if (entry.args === null) return null
  const progress = entry.args.map(track)
  const words = [...typed]
  const taken = words.length ? matchList(words, 0, progress) : 0
  if (taken !== words.length) return ''
  const out: HintText = { text: '' }
  describeList(out, progress, ' ')
  return out.text
}

/** The entry whose name matches the most leading words (one or two). */
export function findEntry(entries: readonly HelpEntry[], words: readonly string[]): HelpEntry | null {
  let best: HelpEntry | null = null
  for (const entry of entries) {
    if (entry.words.length > words.length || (best && entry.words.length <= best.words.length)) continue
    if (entry.words.every((word, i) => asciiLower(word) === asciiLower(words[i]!))) best = entry
  }
  return best
}

const isSpace = (char: string | undefined) => char !== undefined && ' \t\n\v\f\r'.includes(char)

/**
 * valkey-cli's hint for a line (getHintForInput), without the leading space
 * the prompt adds; null when there is no hint at all.
 */
export function hintForLine(entries: readonly HelpEntry[], line: string, rules: QuoteRules): string | null {
  const words = splitArgs(line, rules)
  if (words === null) return null
  // The last word is not matched until a space follows it.
  const counted = isSpace(line[line.length - 1]) ? words : words.slice(0, -1)
  const entry = findEntry(entries, counted)
  if (!entry) return null
  if (entry.args === null) return '' // no argument list: nothing to show (valkey-cli's params are NULL)
  return describeArgs(entry, counted.slice(entry.words.length)) ?? ''
}

/** What the prompt shows after the line: a space first unless the line ends in one. */
export function displayedHint(entries: readonly HelpEntry[], line: string, rules: QuoteRules): string {
  const hint = hintForLine(entries, line, rules)
  if (hint === null) return ''
  return isSpace(line[line.length - 1]) || line === '' ? hint : ` ${hint}`
}
