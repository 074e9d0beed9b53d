/**
 * No `{{…}}` of the template language reaches the page: every command line, expected response and
 * check label of every mission, drawn as the page draws it (web/src/panels/Missions/TemplateText),
 * with no value captured yet (a fresh sandbox) and with all of them captured.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { capturedNames, displaySegments, type DisplaySegment } from '../../../common/missions/responsePattern.ts'
import { parseMission, type ParsedMission } from './parseMission.ts'

const dir = path.resolve(import.meta.dirname, '../../../missions')
const missions: ParsedMission[] = readdirSync(dir)
  .filter((name) => name.endsWith('.md'))
  .map((name) => parseMission(readFileSync(path.join(dir, name), 'utf8')))

/** The page's text for a segment: literal text, or the chip's words. */
const shown = (segment: DisplaySegment) =>
  'text' in segment ? segment.text : 'use' in segment ? `the ${segment.use}` : 'unknown' in segment ? 'varies' : '[chip]'

const render = (text: string, captures: Record<string, string>) => displaySegments(text, captures).map(shown).join('')

function templates(mission: ParsedMission): string[] {
  const texts: string[] = []
  for (const block of [...mission.intro, ...mission.steps.flatMap((step) => step.blocks)]) {
    if (block.kind !== 'commands') continue
    texts.push(...block.lines)
    if (block.response) texts.push(block.response.text)
  }
  for (const step of mission.steps) texts.push(step.title, ...step.checks.map((check) => check.label))
  return texts
}

describe('templates on the page', () => {
  it('finds the missions', () => expect(missions.length).toBeGreaterThanOrEqual(6))

  for (const mission of missions) {
    it(`${mission.meta.id}: no {{ survives rendering, before or after values are captured`, () => {
      const all: Record<string, string> = {}
      for (const block of [...mission.intro, ...mission.steps.flatMap((step) => step.blocks)])
        if (block.kind === 'commands' && block.response) for (const name of capturedNames(block.response.text)) all[name] = 'v'
      for (const text of templates(mission)) {
        expect(render(text, {}), text).not.toContain('{{')
        expect(render(text, all), text).not.toContain('{{')
      }
      for (const block of [...mission.intro, ...mission.steps.flatMap((step) => step.blocks)])
        if (block.kind !== 'commands') expect(block.html).not.toContain('{{')
    })
  }

  it('draws a value not captured yet as a chip: "Session exists: {{id}}" on a fresh sandbox', () => {
    const manager = missions.find((mission) => mission.meta.id === 'session-manager')!
    const response = manager.steps
      .flatMap((step) => step.blocks)
      .find(
        (block) =>
          block.kind === 'commands' &&
          block.response?.text.startsWith('-> FCALL session_create') &&
          block.response.text.includes('Session exists')
      )
    expect(response).toBeDefined()
    const text = response!.kind === 'commands' ? response!.response!.text : ''
    const segments = displaySegments(text, {})
    expect(segments).toContainEqual({ use: 'id' })
    expect(render(text, {})).toContain('Session exists: the id')
    expect(render(text, { id: '8f0f964d-1e9b-4f25-9567-0b9b5d32a7c1' })).toContain('Session exists: 8f0f964d-1e9b-4f25-9567-0b9b5d32a7c1')
  })
})
