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

  it('says which step needs a feature this server lacks, detected by capability, and leaves the others runnable', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'missions-'))
    dirs.push(dir)
    const steps =
      '## Plain {#plain}\n\n```check\ndbsize = 0\n```\n\n## Use once {#consume requires=hgetdel}\n\n```check\nran HGETDEL k ...\n```\n'
    writeFileSync(path.join(dir, 'otp.md'), `---\nid: otp\ntitle: OTP\nminutes: 3\nrequires: [hash-field-expiration]\n---\n${steps}`)
    const catalog = new MissionCatalog(dir)
    // A 9.x server without HGETDEL (the version string is never what decides).
    const withoutGetDel: ServerInfo = {
      ...valkey8,
      valkeyVersion: '9.1.2',
      features: { hashFieldExpiration: true, hashFieldGetDel: false },
    }
    const doc = catalog.doc('otp', withoutGetDel)!
    expect(doc.available).toBe(true)
    expect(doc.steps.map((step) => [step.id, step.requires, step.unavailable])).toEqual([
      ['plain', [], null],
      ['consume', ['hgetdel'], 'This step needs HGETDEL (Valkey 9.1 or later), which this server (Valkey 9.1.2) does not have.'],
    ])
    const withGetDel: ServerInfo = { ...withoutGetDel, features: { hashFieldExpiration: true, hashFieldGetDel: true } }
    expect(catalog.doc('otp', withGetDel)!.steps[1]!.unavailable).toBeNull()
    // The step list of the summary is unchanged: availability per step is in the doc.
    expect(catalog.list(withoutGetDel)[0]!.steps).toEqual([
      { id: 'plain', title: 'Plain', challenge: false },
      { id: 'consume', title: 'Use once', challenge: false },
    ])
  })
})
