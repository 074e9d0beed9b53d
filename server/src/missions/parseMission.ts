/**
 * @module A mission file (markdown with front matter) → the mission the page
 * shows and the checks the server runs.
 *
 * Conventions (README, "Writing a mission"):
 *  - front matter: id, title, summary, minutes, order, requires (features);
 *  - text before the first `##` heading is the introduction; each `##`
 *    heading starts a step. `## Title {#step-id challenge}` sets the step's
 *    id (default: from the title) and makes it a challenge; `requires=a,b`
 *    there names features that step needs beyond the mission's own;
 *  - ```valkey fences are command lines (```valkey solution inside a
 *    challenge: hidden until revealed; `after=N`: the response only holds N
 *    seconds after the previous block, e.g. once a TTL ran out);
 *  - ```setup fences are what Set up runs (in the introduction: for every
 *    challenge of the mission; in a step: for that step);
 *  - every command fence is followed by a ```response fence (```response
 *    unordered for SCAN-like output), which CI runs against real Valkey;
 *  - ```check fences hold the step's checks (checkLanguage.ts), ```hint
 *    fences a challenge's hints, in the order they open.
 *
 * Safety: markdown is rendered here with raw HTML disabled, so a mission's
 * `<script>` or `onerror=` arrives as visible text; markdown-it's link
 * validation drops javascript:, vbscript:, file: and non-image data: URLs.
 */
import MarkdownIt from 'markdown-it'
import type { Token } from 'markdown-it'
import { parse as parseYaml } from 'yaml'
import {
  MISSION_FEATURES,
  MISSION_ID,
  type MissionBlock,
  type MissionCommands,
  type MissionFeature,
  type MissionStep,
  type MissionSummary,
} from '../../../common/protocol/index.ts'
import { CheckSyntaxError, parseCheck, type Check } from './checkLanguage.ts'
import { capturedNames, unknownPlaceholders, usedNames } from '../../../common/missions/responsePattern.ts'

/** Wildcard words, which a capture may not take as its name. */
const RESERVED_NAMES = new Set(['int', 'any', 'uuid', 'u64', 'timestamp', 'word', 'capture'])

/** What the front matter says; the summary the page gets adds availability and steps. */
export type MissionMeta = Pick<MissionSummary, 'id' | 'title' | 'summary' | 'minutes' | 'order' | 'requires'>

export type ParsedStep = MissionStep & { parsedChecks: Check[] }

export type ParsedMission = {
  meta: MissionMeta
  intro: MissionBlock[]
  setup: MissionCommands | null
  steps: ParsedStep[]
}

export class MissionError extends Error {
  override name = 'MissionError'
}

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false })
const defaultLinkOpen = markdown.renderer.rules.link_open
markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
  const token = tokens[index]!
  if (/^https?:\/\//i.test(String(token.attrGet('href') ?? ''))) {
    // Outside links leave the lesson in a new tab and learn nothing about it.
    token.attrSet('target', '_blank')
    token.attrSet('rel', 'noopener noreferrer')
  }
  return defaultLinkOpen ? defaultLinkOpen(tokens, index, options, env, self) : self.renderToken(tokens, index, options)
}

/** Markdown → safe HTML (raw HTML escaped). */
export const renderMarkdown = (text: string): string => markdown.render(text)

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/

function parseMeta(text: string): MissionMeta {
  let data: unknown
  try {
    data = parseYaml(text)
  } catch (error) {
    throw new MissionError(`front matter is not valid YAML: ${(error as Error).message}`)
  }
  if (typeof data !== 'object' || data === null) throw new MissionError('front matter must be a mapping')
  const meta = data as Record<string, unknown>
  const { id, title, summary = '', minutes, order = 100, requires = [] } = meta
  if (typeof id !== 'string' || !MISSION_ID.test(id)) throw new MissionError('front matter: id must be lower-case words joined by dashes')
  if (typeof title !== 'string' || title.trim() === '') throw new MissionError('front matter: title is required')
  if (typeof summary !== 'string') throw new MissionError('front matter: summary must be text')
  if (typeof minutes !== 'number' || !(minutes > 0)) throw new MissionError('front matter: minutes must be a positive number')
  if (typeof order !== 'number') throw new MissionError('front matter: order must be a number')
  if (!Array.isArray(requires) || requires.some((feature) => typeof feature !== 'string' || !Object.hasOwn(MISSION_FEATURES, feature))) {
    throw new MissionError(`front matter: requires lists features among: ${Object.keys(MISSION_FEATURES).join(', ')}`)
  }
  return { id, title: title.trim(), summary: summary.trim(), minutes, order, requires: requires as MissionFeature[] }
}

/** `requires=a,b` (on a heading) → the features, each one known. */
function parseRequires(list: string, title: string): MissionFeature[] {
  const features = list.split(',').filter(Boolean)
  const unknown = features.find((feature) => !Object.hasOwn(MISSION_FEATURES, feature))
  if (features.length === 0 || unknown !== undefined) {
    throw new MissionError(
      `heading "${title}": requires= lists features among: ${Object.keys(MISSION_FEATURES).join(', ')}` +
        (unknown ? ` (not '${unknown}')` : '')
    )
  }
  return [...new Set(features)] as MissionFeature[]
}

/** `Title {#id challenge requires=hgetdel}` → its parts. */
function parseHeading(text: string): { title: string; id: string | null; challenge: boolean; requires: MissionFeature[] } {
  const attributes = /\s*\{([^}]*)\}\s*$/.exec(text)
  const title = (attributes ? text.slice(0, attributes.index) : text).trim()
  let id: string | null = null
  let challenge = false
  let requires: MissionFeature[] = []
  for (const word of attributes?.[1]!.split(/\s+/).filter(Boolean) ?? []) {
    if (word.startsWith('#')) id = word.slice(1)
    else if (word === 'challenge') challenge = true
    else if (word.startsWith('requires=')) requires = parseRequires(word.slice('requires='.length), title)
    else throw new MissionError(`heading "${title}": unknown attribute '${word}' (use #id, challenge or requires=feature)`)
  }
  return { title, id, challenge, requires }
}

const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64) || 'step'

/** ```valkey solution after=11 → its words. */
function fenceWords(token: Token): { kind: string; options: string[] } {
  const [kind = '', ...options] = token.info.trim().split(/\s+/)
  return { kind: kind.toLowerCase(), options }
}

type Section = {
  blocks: MissionBlock[]
  checks: Check[]
  setup: MissionCommands | null
  step: Omit<MissionStep, 'blocks' | 'checks' | 'setup' | 'key' | 'unavailable'> | null
}

export function parseMission(source: string): ParsedMission {
  const front = FRONT_MATTER.exec(source)
  if (!front) throw new MissionError('the file must start with front matter between --- lines')
  const meta = parseMeta(front[1]!)
  const body = source.slice(front[0].length)
  const tokens = markdown.parse(body, {})

  const sections: Section[] = [{ blocks: [], checks: [], setup: null, step: null }]
  let section = sections[0]!
  let prose: Token[] = []
  const flushProse = () => {
    if (prose.length === 0) return
    // In a challenge, text after the first solution block talks about the solution's output, so
    // it stays hidden with the solution: the learner has not produced that output yet.
    const withSolution =
      section.step?.challenge === true && section.blocks.some((block) => block.kind === 'commands' && block.role === 'solution')
    section.blocks.push({ kind: 'prose', html: markdown.renderer.render(prose, markdown.options, {}), withSolution })
    prose = []
  }
  const where = () => (section.step ? `step "${section.step.title}"` : 'the introduction')
  /** Line numbers in messages count from the top of the file, front matter included. */
  const bodyStartsAt = front[0].split('\n').length - 1
  const lineOf = (token: Token) => (token.map ? token.map[0] + 1 + bodyStartsAt : 0)

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (token.type === 'heading_open' && token.tag === 'h2') {
      flushProse()
      const heading = parseHeading(tokens[i + 1]?.content ?? '')
      i += 2 // inline + heading_close
      section = {
        blocks: [],
        checks: [],
        setup: null,
        step: { id: heading.id ?? slug(heading.title), title: heading.title, challenge: heading.challenge, requires: heading.requires },
      }
      if (!MISSION_ID.test(section.step!.id))
        throw new MissionError(`${where()}: id '${section.step!.id}' must be lower-case words joined by dashes`)
      sections.push(section)
      continue
    }
    if (token.type !== 'fence') {
      prose.push(token)
      continue
    }
    const { kind, options } = fenceWords(token)
    const at = `${where()} (line ${lineOf(token)})`
    switch (kind) {
      case 'valkey':
      case 'setup': {
        flushProse()
        let role: MissionCommands['role'] = kind === 'setup' ? 'setup' : 'run'
        let afterSeconds: number | null = null
        for (const option of options) {
          const after = /^after=(\d+(?:\.\d+)?)$/.exec(option)
          if (kind === 'valkey' && option === 'solution') role = 'solution'
          else if (after) afterSeconds = Number(after[1])
          else throw new MissionError(`${at}: unknown option '${option}' on a ${kind} block`)
        }
        if (role === 'solution' && !section.step?.challenge) throw new MissionError(`${at}: solutions belong in challenge steps`)
        const lines = token.content.split('\n').filter((line) => line.trim() !== '')
        if (lines.length === 0) throw new MissionError(`${at}: empty command block`)
        const block: MissionCommands = { kind: 'commands', role, lines, response: null, afterSeconds }
        if (role === 'setup') {
          if (section.setup) throw new MissionError(`${at}: only one setup block per section`)
          section.setup = block
        }
        section.blocks.push(block)
        break
      }
      case 'response': {
        flushProse()
        const previous = section.blocks.at(-1)
        if (previous?.kind !== 'commands' || previous.response) {
          throw new MissionError(`${at}: a response block must directly follow the command block it answers`)
        }
        const unordered = options.includes('unordered')
        if (options.some((option) => option !== 'unordered')) throw new MissionError(`${at}: the only response option is 'unordered'`)
        previous.response = { text: token.content, unordered }
        break
      }
      case 'check': {
        if (!section.step) throw new MissionError(`${at}: checks belong in steps`)
        token.content.split('\n').forEach((line, offset) => {
          if (line.trim() === '' || line.trim().startsWith('#')) return
          try {
            section.checks.push(parseCheck(line))
          } catch (error) {
            if (error instanceof CheckSyntaxError)
              throw new MissionError(`${where()} (line ${lineOf(token) + 1 + offset}): ${error.message}`)
            throw error
          }
        })
        break
      }
      case 'hint':
        flushProse()
        if (!section.step?.challenge) throw new MissionError(`${at}: hints belong in challenge steps`)
        section.blocks.push({ kind: 'hint', html: renderMarkdown(token.content) })
        break
      default:
        prose.push(token) // an ordinary code sample
    }
  }
  flushProse()

  const [intro, ...stepSections] = sections
  const ids = new Set<string>()
  const steps: ParsedStep[] = stepSections.map(({ blocks, checks, setup, step }) => {
    if (ids.has(step!.id)) throw new MissionError(`two steps have the id '${step!.id}'`)
    ids.add(step!.id)
    if (checks.length === 0) throw new MissionError(`step "${step!.title}" has no check block`)
    return {
      ...step!,
      blocks,
      checks: checks.map(({ label, source: text }) => ({ label, source: text })),
      setup,
      key: checks.map(({ probe }) => ('key' in probe ? probe.key : null)).find((key) => key !== null) ?? null,
      // Whether this server has what the step requires is the catalog's to say (MissionCatalog.doc).
      unavailable: null,
      parsedChecks: checks,
    }
  })
  if (steps.length === 0) throw new MissionError('a mission needs at least one ## step')
  // Values from earlier replies ({{capture id}} in a response, {{id}} later): declared, never guessed.
  const captured = new Set<string>()
  for (const { blocks, checks, step } of [intro!, ...stepSections]) {
    for (const block of blocks) {
      if (block.kind !== 'commands') continue
      if (!block.response) {
        throw new MissionError(`the block "${block.lines[0]}" has no response block: every shown command is verified`)
      }
      // Anything else between double braces would reach the page as it is.
      const strange = [
        ...block.lines.flatMap((line) => unknownPlaceholders(line, false)),
        ...unknownPlaceholders(block.response.text, true),
      ]
      if (strange.length > 0) {
        throw new MissionError(`the block "${block.lines[0]}" has ${strange[0]}, which is neither a wildcard nor a captured name`)
      }
      for (const line of block.lines) {
        const unknown = usedNames(line).find((name) => !captured.has(name))
        if (unknown) throw new MissionError(`the line "${line}" uses {{${unknown}}}, which no earlier response captures`)
      }
      const unknownInResponse = usedNames(block.response.text).find((name) => !captured.has(name) && !RESERVED_NAMES.has(name))
      if (unknownInResponse) {
        throw new MissionError(`the response to "${block.lines[0]}" uses {{${unknownInResponse}}}, which no earlier response captures`)
      }
      const names = capturedNames(block.response.text)
      if (names.length > 0 && block.lines.length !== 1) {
        throw new MissionError(`the block "${block.lines[0]}" captures a value: a block that captures has exactly one line`)
      }
      for (const name of names) {
        if (RESERVED_NAMES.has(name)) throw new MissionError(`'${name}' cannot be captured: it is the name of a wildcard`)
        captured.add(name)
      }
    }
    for (const check of checks) {
      const strange = unknownPlaceholders(check.source, false)[0]
      if (strange) throw new MissionError(`step "${step?.title}": the check "${check.label}" has ${strange}, which is not a captured name`)
      const unknown = usedNames(check.source).find((name) => !captured.has(name))
      if (unknown)
        throw new MissionError(`step "${step?.title}": the check "${check.label}" uses {{${unknown}}}, which nothing before it captures`)
    }
  }
  return { meta, intro: intro!.blocks, setup: intro!.setup, steps }
}
