/**
 * @module The missions in the missions folder, parsed, and what each looks
 * like on this server (available or not).
 *
 * Adding a mission is adding a file: the folder is looked at again (names
 * and modification times, a few stat calls) whenever the list is asked for,
 * and changed files are parsed again. A file that does not parse is left
 * out and its error logged; the mission test fails on it in CI.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import {
  MISSION_FEATURES,
  type MissionDoc,
  type MissionFeature,
  type MissionSummary,
  type ServerInfo,
} from '../../../common/protocol/index.ts'
import { parseMission, type ParsedMission, type ParsedStep } from './parseMission.ts'

export type CatalogError = { file: string; message: string }

export class MissionCatalog {
  #signature = ''
  #missions: ParsedMission[] = []
  #errors: CatalogError[] = []

  constructor(
    private readonly dir: string,
    private readonly log: (message: string) => void = () => undefined
  ) {}

  /** Files that could not be read as missions, with the reason. */
  get errors(): CatalogError[] {
    this.#refresh()
    return this.#errors
  }

  #refresh(): void {
    let files: string[]
    try {
      files = readdirSync(this.dir)
        .filter((name) => name.endsWith('.md'))
        .sort()
    } catch {
      files = []
    }
    const signature = files.map((name) => `${name}:${statSync(path.join(this.dir, name), { throwIfNoEntry: false })?.mtimeMs}`).join('|')
    if (signature === this.#signature) return
    this.#signature = signature
    const missions: ParsedMission[] = []
    const errors: CatalogError[] = []
    for (const file of files) {
      try {
        const mission = parseMission(readFileSync(path.join(this.dir, file), 'utf8'))
        if (missions.some((other) => other.meta.id === mission.meta.id))
          throw new Error(`another mission already has the id '${mission.meta.id}'`)
        missions.push(mission)
      } catch (error) {
        errors.push({ file, message: (error as Error).message })
        this.log(`mission ${file} is left out: ${(error as Error).message}`)
      }
    }
    missions.sort((a, b) => a.meta.order - b.meta.order || a.meta.id.localeCompare(b.meta.id))
    this.#missions = missions
    this.#errors = errors
  }

  /** The parsed mission (with its checks), or null. */
  /** Every mission that parsed, in display order. */
  all(): readonly ParsedMission[] {
    this.#refresh()
    return this.#missions
  }

  get(id: string): ParsedMission | null {
    this.#refresh()
    return this.#missions.find((mission) => mission.meta.id === id) ?? null
  }

  list(server: ServerInfo): MissionSummary[] {
    this.#refresh()
    return this.#missions.map((mission) => summarize(mission, server))
  }

  doc(id: string, server: ServerInfo): MissionDoc | null {
    const mission = this.get(id)
    if (!mission) return null
    return {
      ...summarize(mission, server),
      intro: mission.intro,
      setup: mission.setup,
      steps: mission.steps.map(({ parsedChecks: _checks, ...step }) => ({ ...step, unavailable: stepMissingFeatures(step, server) })),
    }
  }
}

/** The features of `required` this server lacks, as one phrase ("A and B"), or null when it has them all. */
function lacking(required: readonly MissionFeature[], server: ServerInfo): string | null {
  const missing = required.filter((feature) => !MISSION_FEATURES[feature].has(server))
  return missing.length === 0 ? null : missing.map((feature) => MISSION_FEATURES[feature].label).join(' and ')
}

/** Why a mission cannot run on this server, or null when it can. */
export function missingFeatures(mission: ParsedMission, server: ServerInfo): string | null {
  const missing = lacking(mission.meta.requires, server)
  return missing === null ? null : `This mission needs ${missing}; this server runs Valkey ${server.valkeyVersion}.`
}

/**
 * Why one step cannot run on this server (it lacks a feature the step requires), or null when
 * it can. Detected by capability: the version is named only to help the reader.
 */
export function stepMissingFeatures(step: Pick<ParsedStep, 'requires'>, server: ServerInfo): string | null {
  const missing = lacking(step.requires, server)
  return missing === null ? null : `This step needs ${missing}, which this server (Valkey ${server.valkeyVersion}) does not have.`
}

function summarize(mission: ParsedMission, server: ServerInfo): MissionSummary {
  const unavailable = missingFeatures(mission, server)
  return {
    ...mission.meta,
    available: unavailable === null,
    unavailable,
    steps: mission.steps.map(({ id, title, challenge }) => ({ id, title, challenge })),
  }
}
