import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ServerInfo } from '../../../common/protocol/index.ts'
import { MissionCatalog } from './MissionCatalog.ts'

const valkey8: ServerInfo = { address: '', valkeyVersion: '8.0.1', embedded: true, features: { hashFieldExpiration: false } }
const mission = (id: string, order: number, requires = '[]') =>
  `---\nid: ${id}\ntitle: ${id}\nminutes: 3\norder: ${order}\nrequires: ${requires}\n---\n## Only step\n\n\`\`\`check\ndbsize = 0\n\`\`\`\n`

describe('the mission catalog', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

  it('lists missions in order, leaves out broken files with a reason, and picks up new files without a restart', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'missions-'))
    dirs.push(dir)
    writeFileSync(path.join(dir, 'b.md'), mission('second', 2))
    writeFileSync(path.join(dir, 'a.md'), mission('first', 1, '[hash-field-expiration]'))
    writeFileSync(path.join(dir, 'broken.md'), 'no front matter here')
    writeFileSync(path.join(dir, 'notes.txt'), 'not a mission')
    const logged: string[] = []
    const catalog = new MissionCatalog(dir, (line) => logged.push(line))

    const list = catalog.list(valkey8)
    expect(list.map((item) => item.id)).toEqual(['first', 'second'])
    expect(list[0]).toMatchObject({ available: false, unavailable: expect.stringContaining('Valkey 8.0.1') })
    expect(catalog.errors).toEqual([{ file: 'broken.md', message: expect.stringContaining('front matter') }])
    expect(logged.join('\n')).toContain('broken.md is left out')
    expect(catalog.doc('second', valkey8)?.steps[0]).toMatchObject({
      id: 'only-step',
      checks: [{ label: 'dbsize = 0', source: 'dbsize = 0' }],
    })
    expect(catalog.doc('missing', valkey8)).toBeNull()

    writeFileSync(path.join(dir, 'c.md'), mission('third', 3))
    writeFileSync(path.join(dir, 'd.md'), mission('second', 4))
    // Modification times can be equal within a test; make the change visible.
    utimesSync(path.join(dir, 'b.md'), new Date(), new Date(Date.now() + 5000))
    expect(catalog.list(valkey8).map((item) => item.id)).toEqual(['first', 'second', 'third'])
    expect(catalog.errors.map((error) => error.file)).toEqual(['broken.md', 'd.md'])
  })
})
