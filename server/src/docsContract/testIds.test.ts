/**
 * docs/test-ids.md is the test-id contract: every `data-testid` the page can carry must be in its
 * table, so an id added later cannot go undocumented. Literal ids are read from web/src; ids built
 * in code from a template must match a pattern the doc lists (a new template fails until both this
 * list and the doc's "Test ids made from a pattern" name it).
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const doc = readFileSync(path.join(root, 'docs/test-ids.md'), 'utf8')

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : []
  })
}

const sources = sourceFiles(path.join(root, 'web/src')).map((file) => ({
  file: path.relative(root, file),
  text: readFileSync(file, 'utf8'),
}))

/** `data-testid="x"`, `data-testid={'x'}`, a `testId="x"` prop, and `testId: 'x'` in an object. */
const LITERAL = /(?:data-testid|testId)\s*(?:=\s*\{?\s*|:\s*)(['"])([a-z0-9-]+)\1/g
/** `data-testid={`…${…}…`}` and `testId={`…`}`: ids made from a template. */
const TEMPLATE = /(?:data-testid|testId)\s*(?:=\s*\{\s*|:\s*)`([^`]*)`/g

/** Each template in web/src, with the doc's pattern for it and the ids it makes (each must be in the table). */
const PATTERNS: { template: RegExp; pattern: string; ids: string[] }[] = [
  {
    template: /^\$\{testId\}-(confirm|yes|no)$/,
    pattern: '`<id>-confirm`, `<id>-yes`, `<id>-no`',
    ids: ['delete-key', 'delete-field', 'attendee-reset'].flatMap((id) => [`${id}-confirm`, `${id}-yes`, `${id}-no`]),
  },
  { template: /^sort-\$\{column\}$/, pattern: '`sort-<column>`', ids: ['sort-name', 'sort-value', 'sort-ttl'] },
  {
    template: /^value-mode-\$\{each\}$/,
    pattern: '`value-mode-<mode>`',
    ids: ['value-mode-text', 'value-mode-json', 'value-mode-java', 'value-mode-hex'],
  },
  {
    template: /^item-\$\{COLUMNS\[kind\]\[column \+ 1\]!\.replace\(' ', '-'\)\}$/,
    pattern: '`item-<column>`',
    ids: ['item-element', 'item-member', 'item-score', 'item-fields'],
  },
  { template: /^devtools-\$\{tool\}$/, pattern: '`devtools-<tool>`', ids: ['devtools-search', 'devtools-server'] },
]

/** The ids in the doc's table: the first cell of each row. */
const documented = new Set([...doc.matchAll(/^\| `([a-z0-9-]+)`/gm)].map((match) => match[1]!))

describe('docs/test-ids.md', () => {
  it('documents every literal test id in web/src', () => {
    const found = new Map<string, string>()
    for (const { file, text } of sources) for (const match of text.matchAll(LITERAL)) found.set(match[2]!, file)
    expect(found.size).toBeGreaterThan(100)
    const missing = [...found].filter(([id]) => !documented.has(id)).map(([id, file]) => `${id} (${file})`)
    expect(missing, 'add these to the table in docs/test-ids.md').toEqual([])
  })

  it('documents the pattern of every id made from a template, and each id it makes', () => {
    const unknown: string[] = []
    const used = new Set<(typeof PATTERNS)[number]>()
    for (const { file, text } of sources) {
      for (const match of text.matchAll(TEMPLATE)) {
        const known = PATTERNS.find((each) => each.template.test(match[1]!))
        if (known) used.add(known)
        else unknown.push(`\`${match[1]}\` (${file})`)
      }
    }
    expect(unknown, 'document the pattern in docs/test-ids.md and add it to PATTERNS here').toEqual([])
    for (const each of used) {
      expect(doc).toContain(each.pattern)
      expect(each.ids.filter((id) => !documented.has(id))).toEqual([])
    }
    expect(used.size).toBe(PATTERNS.length)
  })
})
