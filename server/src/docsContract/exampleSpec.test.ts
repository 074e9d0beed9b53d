/**
 * The example spec in docs/test-ids.md is e2e/tests/example.spec.ts, run by `npm test`: the doc's
 * copy (the ts block after its `example-spec` marker) must be the file, byte for byte.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

it('docs/test-ids.md shows e2e/tests/example.spec.ts exactly', () => {
  const doc = readFileSync(path.join(root, 'docs/test-ids.md'), 'utf8')
  const spec = readFileSync(path.join(root, 'e2e/tests/example.spec.ts'), 'utf8')
  const block = /<!-- example-spec: e2e\/tests\/example\.spec\.ts -->\n\n?```ts\n([\s\S]*?)```\n/.exec(doc)
  expect(block, 'the example-spec marker and its ts block').not.toBeNull()
  expect(block![1]).toBe(spec)
})
