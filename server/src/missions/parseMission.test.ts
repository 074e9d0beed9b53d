import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseMission } from './parseMission.ts'

const front = (extra = '') => `---\nid: demo\ntitle: Demo\nminutes: 5\n${extra}---\n`
const step = '## Step one {#one}\n\n```valkey\nPING\n```\n\n```response\nPONG\n```\n\n```check\nran PING\n```\n'

describe('mission files', () => {
  it('every file in missions/ parses', () => {
    const dir = new URL('../../../missions/', import.meta.url)
    const files = readdirSync(dir).filter((name) => name.endsWith('.md'))
    expect(files.length).toBeGreaterThanOrEqual(3)
    for (const file of files) expect(() => parseMission(readFileSync(new URL(file, dir), 'utf8')), file).not.toThrow()
  })

  it('reads front matter, the introduction, steps, blocks and checks', () => {
    const mission = parseMission(
      `${front('requires: [hash-field-expiration]\n')}Intro *text*.\n\n${step}\n## Try it yourself {challenge}\n\n\`\`\`hint\nUse \`PING\`.\n\`\`\`\n\n\`\`\`valkey solution after=2\nECHO hi\n\`\`\`\n\n\`\`\`response unordered\n"hi"\n\`\`\`\n\n\`\`\`check\nSaid hi :: ran ECHO hi\n\`\`\`\n`
    )
    expect(mission.meta).toEqual({ id: 'demo', title: 'Demo', summary: '', minutes: 5, order: 100, requires: ['hash-field-expiration'] })
    expect(mission.intro).toEqual([{ kind: 'prose', html: '<p>Intro <em>text</em>.</p>\n', withSolution: false }])
    expect(mission.steps.map((s) => [s.id, s.title, s.challenge])).toEqual([
      ['one', 'Step one', false],
      ['try-it-yourself', 'Try it yourself', true],
    ])
    expect(mission.steps[0]!.blocks[0]).toEqual({
      kind: 'commands',
      role: 'run',
      lines: ['PING'],
      response: { text: 'PONG\n', unordered: false },
      afterSeconds: null,
    })
    expect(mission.steps[1]!.blocks[0]).toEqual({ kind: 'hint', html: '<p>Use <code>PING</code>.</p>\n' })
    expect(mission.steps[1]!.blocks[1]).toMatchObject({ role: 'solution', afterSeconds: 2, response: { unordered: true } })
    expect(mission.steps[1]!.checks).toEqual([{ label: 'Said hi', source: 'ran ECHO hi' }])
    expect(mission.steps.map((s) => s.key)).toEqual([null, null])
    const keyed = parseMission(
      `${front()}## K\n\n\`\`\`check\nran PING\nSet :: hget session:leia name = "leia"\nttl session:other > 0\n\`\`\`\n`
    )
    expect(keyed.steps[0]!.key).toBe('session:leia')
  })

  it('keeps text after a challenge solution with the solution (it describes output not produced yet)', () => {
    const mission = parseMission(
      `${front()}## C {challenge}\n\nFind it.\n\n\`\`\`valkey solution\nPING\n\`\`\`\n\n\`\`\`response\nPONG\n\`\`\`\n\nThat was PONG.\n\n\`\`\`check\nran PING\n\`\`\`\n${step}`
    )
    const prose = mission.steps[0]!.blocks.filter((block) => block.kind === 'prose')
    expect(prose.map((block) => [block.html, block.withSolution])).toEqual([
      ['<p>Find it.</p>\n', false],
      ['<p>That was PONG.</p>\n', true],
    ])
    // Not in ordinary steps, where every block is shown.
    expect(mission.steps[1]!.blocks.every((block) => block.kind !== 'prose' || !block.withSolution)).toBe(true)
  })

  it('renders no HTML, script or dangerous link from a mission', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=x onerror="alert(2)">',
      '[click](javascript:alert(3))',
      '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==)',
      '<iframe src="https://evil.example"></iframe>',
      '[ok](https://valkey.io/commands/hset/)',
    ].join('\n\n')
    const mission = parseMission(`${front()}${hostile}\n\n${step}`)
    const html = mission.intro.map((block) => (block.kind === 'prose' ? block.html : '')).join('')
    expect(html).not.toMatch(/<script|<img|<iframe|href="javascript:|href="data:/i)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('<a href="https://valkey.io/commands/hset/" target="_blank" rel="noopener noreferrer">ok</a>')
    // Hints go through the same renderer.
    const withHint = parseMission(
      `${front()}## C {challenge}\n\n\`\`\`hint\n<b onmouseover=alert(5)>x</b>\n\`\`\`\n\n\`\`\`check\ndbsize = 0\n\`\`\`\n`
    )
    expect(withHint.steps[0]!.blocks[0]).toEqual({ kind: 'hint', html: '<p>&lt;b onmouseover=alert(5)&gt;x&lt;/b&gt;</p>\n' })
  })

  it('refuses a mission whose shown commands could not be verified, or whose steps cannot check themselves', () => {
    expect(() => parseMission('# no front matter')).toThrow(/front matter/)
    expect(() => parseMission(`---\nid: Bad Id\ntitle: x\nminutes: 1\n---\n${step}`)).toThrow(/id must be/)
    expect(() => parseMission(`${front('requires: [time-travel]\n')}${step}`)).toThrow(/requires lists features/)
    expect(() => parseMission(`${front()}Nothing to do.`)).toThrow(/at least one ## step/)
    expect(() => parseMission(`${front()}## S\n\n\`\`\`valkey\nPING\n\`\`\`\n\n\`\`\`check\nran PING\n\`\`\`\n`)).toThrow(
      /has no response block/
    )
    expect(() => parseMission(`${front()}## S\n\n\`\`\`valkey\nPING\n\`\`\`\n`)).toThrow(/no check block/)
    expect(() => parseMission(`${front()}## S\n\n\`\`\`response\nPONG\n\`\`\`\n\n\`\`\`check\nran PING\n\`\`\`\n`)).toThrow(
      /must directly follow/
    )
    expect(() => parseMission(`${front()}## S\n\n\`\`\`valkey solution\nPING\n\`\`\`\n`)).toThrow(/challenge steps/)
    expect(() => parseMission(`${front()}## S\n\n\`\`\`check\nhlen k\n\`\`\`\n`)).toThrow(/step "S" \(line 9\): 'hlen' needs an operator/)
    expect(() => parseMission(`${front()}${step}${step}`)).toThrow(/two steps have the id 'one'/)
  })

  it('lets later blocks and checks use values captured from earlier replies, and only those', () => {
    const create =
      '## Create {#create}\n\n```valkey\nSESSION.CREATE user123\n```\n\n```response\nSession created: {{capture id uuid}}\n```\n\n```check\nran SESSION.CREATE user123\n```\n'
    const use =
      '## Use {#use}\n\n```valkey\nSESSION.GET_DATA {{id}} username\n```\n\n```response\n(nil)\n```\n\n```check\nThe session exists :: exists session:{{id}} = 1\n```\n'
    const mission = parseMission(`${front()}${create}\n${use}`)
    expect(mission.steps[1]!.blocks[0]).toMatchObject({ lines: ['SESSION.GET_DATA {{id}} username'] })
    // Used before anything captured it: refused, with where.
    expect(() => parseMission(`${front()}${use}\n${create}`)).toThrow(/uses \{\{id\}\}, which no earlier response captures/)
    const checkOnly = '## Check {#check}\n\n```valkey\nPING\n```\n\n```response\nPONG\n```\n\n```check\nexists session:{{nope}} = 1\n```\n'
    expect(() => parseMission(`${front()}${checkOnly}`)).toThrow(/uses \{\{nope\}\}, which nothing before it captures/)
    const reserved = '## R {#r}\n\n```valkey\nPING\n```\n\n```response\n{{capture int}}\n```\n\n```check\nran PING\n```\n'
    expect(() => parseMission(`${front()}${reserved}`)).toThrow(/'int' cannot be captured/)
  })

  it('reads what a step needs beyond its mission from its heading, and only known features', () => {
    const needs = (attributes: string) =>
      parseMission(`${front()}## Use it once {${attributes}}\n\n\`\`\`check\nran HGETDEL k ...\n\`\`\`\n${step}`)
    const mission = needs('#consume requires=hgetdel,hsetex-fnx')
    expect(mission.steps.map((s) => [s.id, s.requires, s.unavailable])).toEqual([
      ['consume', ['hgetdel', 'hsetex-fnx'], null],
      ['one', [], null],
    ])
    expect(needs('requires=hgetdel,hgetdel').steps[0]!.requires).toEqual(['hgetdel'])
    expect(() => needs('requires=time-travel')).toThrow(/requires= lists features among: .*hgetdel.* \(not 'time-travel'\)/)
    expect(() => needs('requires=')).toThrow(/requires= lists features/)
    // Names an object has by inheritance are not features.
    expect(() => needs('requires=constructor')).toThrow(/not 'constructor'/)
    expect(() => parseMission(`${front('requires: [toString]\n')}${step}`)).toThrow(/requires lists features/)
  })
})
