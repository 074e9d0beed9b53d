// @ts-check
/**
 * @module An ESLint rule for the import cycles import-x/no-cycle cannot see: it skips type-only
 * imports (`import type`, or every name marked `type`) and has no option to count them. A cycle
 * through types costs nothing at run time, but it still ties two modules together: neither can be
 * understood, or moved, without the other. This rule reports a cycle with at least one type-only
 * edge, so that together with import-x/no-cycle (the all-value cycles) no cycle is allowed.
 *
 * It follows relative specifiers only (every import inside this repository is relative), reading
 * each file with TypeScript's parser, and counts static imports, re-exports, `import()` and
 * `import('…')` types. Limits: a specifier that does not resolve to a file is ignored (tsc reports
 * it); parsed files are cached per process by modification time. Only eslint.config.js loads this
 * file, so unlike the bootstrap scripts beside it, it may use an installed package (TypeScript).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

/** @typedef {{ to: string; typeOnly: boolean; specifier: string }} Edge */

/** @type {Map<string, { mtimeMs: number; edges: Edge[] }>} */
const parsed = new Map()

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.mjs', '.js']

/**
 * The file a relative specifier names, or null (not relative, or nothing there).
 * @param {string} from
 * @param {string} specifier
 * @returns {string | null}
 */
function resolveRelative(from, specifier) {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null
  const base = path.resolve(path.dirname(from), specifier)
  const candidates = [base, ...EXTENSIONS.map((ext) => base + ext), ...EXTENSIONS.map((ext) => path.join(base, `index${ext}`))]
  return candidates.find((file) => existsSync(file) && statSync(file).isFile()) ?? null
}

/** @param {ts.ImportDeclaration | ts.ExportDeclaration} node */
function isTypeOnly(node) {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause
    if (!clause) return false // `import './x'` runs the module
    if (clause.isTypeOnly) return true
    const bindings = clause.namedBindings
    return (
      !clause.name &&
      !!bindings &&
      ts.isNamedImports(bindings) &&
      bindings.elements.length > 0 &&
      bindings.elements.every((e) => e.isTypeOnly)
    )
  }
  if (node.isTypeOnly) return true
  const clause = node.exportClause
  return !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly)
}

/**
 * Every relative import of `file` that resolves, with whether it is type-only.
 * @param {string} file
 * @returns {Edge[]}
 */
function edgesOf(file) {
  const { mtimeMs } = statSync(file)
  const cached = parsed.get(file)
  if (cached && cached.mtimeMs === mtimeMs) return cached.edges
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false)
  /** @type {Edge[]} */
  const edges = []
  const add = (/** @type {ts.Node | undefined} */ literal, /** @type {boolean} */ typeOnly) => {
    if (!literal || !ts.isStringLiteralLike(literal)) return
    const to = resolveRelative(file, literal.text)
    if (to) edges.push({ to, typeOnly, specifier: literal.text })
  }
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier, isTypeOnly(node))
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      add(node.moduleReference.expression, node.isTypeOnly)
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false)
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, true)
    ts.forEachChild(node, visit)
  }
  visit(source)
  parsed.set(file, { mtimeMs, edges })
  return edges
}

/**
 * A way back from `start` to `file` that uses a type-only edge somewhere (counting the first edge,
 * `startTyped`), as the specifiers followed; null when there is none. Breadth first over
 * (file, seen a type edge yet), so each file is visited at most twice.
 * @param {string} file
 * @param {string} start
 * @param {boolean} startTyped
 * @returns {string[] | null}
 */
function typedWayBack(file, start, startTyped) {
  const seen = new Set([`${start}|${startTyped}`])
  /** @type {{ at: string; typed: boolean; route: string[] }[]} */
  const queue = [{ at: start, typed: startTyped, route: [] }]
  for (let i = 0; i < queue.length; i++) {
    const { at, typed, route } = /** @type {(typeof queue)[number]} */ (queue[i])
    for (const edge of edgesOf(at)) {
      const nowTyped = typed || edge.typeOnly
      const step = `${path.relative(path.dirname(file), edge.to)}${edge.typeOnly ? ' (types)' : ''}`
      if (edge.to === file) {
        if (nowTyped) return [...route, step]
        continue
      }
      const key = `${edge.to}|${nowTyped}`
      if (seen.has(key)) continue
      seen.add(key)
      queue.push({ at: edge.to, typed: nowTyped, route: [...route, step] })
    }
  }
  return null
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles that pass through a type-only import (import-x/no-cycle skips those).' },
    schema: [],
    messages: { cycle: 'Import cycle through a type-only import: this file → {{route}}.' },
  },
  create(context) {
    const file = context.physicalFilename
    if (!path.isAbsolute(file)) return {}
    return {
      Program() {
        /** @type {Set<string>} */
        const reported = new Set()
        for (const edge of edgesOf(file)) {
          if (edge.to === file || reported.has(edge.to)) continue
          const back = typedWayBack(file, edge.to, edge.typeOnly)
          if (!back) continue
          reported.add(edge.to)
          const first = `${edge.specifier}${edge.typeOnly ? ' (types)' : ''}`
          context.report({
            loc: findSpecifier(context.sourceCode, edge.specifier),
            messageId: 'cycle',
            data: { route: [first, ...back].join(' → ') },
          })
        }
      },
    }
  },
}

/**
 * Where the import of `specifier` is written (the first line, when not found).
 * @param {import('eslint').SourceCode} sourceCode
 * @param {string} specifier
 */
function findSpecifier(sourceCode, specifier) {
  for (const quote of ["'", '"']) {
    const index = sourceCode.text.indexOf(`${quote}${specifier}${quote}`)
    if (index >= 0) {
      const start = sourceCode.getLocFromIndex(index)
      const end = sourceCode.getLocFromIndex(index + specifier.length + 2)
      return { start, end }
    }
  }
  return { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } }
}

export default { rules: { 'no-type-cycle': rule } }
