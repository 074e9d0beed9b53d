/**
 * Integration tests run against a real valkey-server, provisioned exactly as
 * `npm start` provisions it. `npm test` passes it in VALKEY_SERVER; run
 * directly (npx vitest), the same provisioning script is asked for one.
 *
 * Inspect mode's tests also start other servers to inspect (targetServer.ts):
 * that same Valkey, plus VALKEY8_SERVER and REDIS_SERVER when given.
 *
 * The `integration-valkey8` project (vitest.config.ts) runs the same files
 * with VALKEY8_SERVER (and VALKEY8_CLI) as the embedded server instead. Its
 * only inspect target is that server: the other targets are already tested
 * by the `integration` project, and starting them again would prove nothing new.
 */
import { execFileSync } from 'node:child_process'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    valkeyServer: string
    valkeyCli: string
    /** Servers inspect mode is tested against, one per distinct version, named like 'valkey-9.0.0' or 'redis-7.0.15'. */
    inspectTargets: { name: string; binary: string }[]
  }
}

/** 'valkey-8.0.1' or 'redis-7.0.15' from what the binary says with --version, or null if it does not run. */
function targetName(binary: string): string | null {
  try {
    const output = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 })
    const match = /^(Valkey|Redis) server v=(\d+\.\d+\.\d+)/m.exec(output)
    return match ? `${match[1]!.toLowerCase()}-${match[2]}` : null
  } catch {
    return null
  }
}

/** The project that runs the integration files again on Valkey 8 (vitest.config.ts). */
const VALKEY8_PROJECT = 'integration-valkey8'

export default function setup(project: TestProject): void {
  const compatibility = project.name === VALKEY8_PROJECT
  let server = (compatibility ? process.env.VALKEY8_SERVER?.trim() : process.env.VALKEY_SERVER) ?? ''
  let cli = (compatibility ? process.env.VALKEY8_CLI?.trim() : process.env.VALKEY_CLI) ?? ''
  if (!server) {
    const output = execFileSync(process.execPath, ['scripts/valkey-path.mjs'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const found = JSON.parse(output.trim().split('\n').pop()!) as { binary: string; cli: string | null }
    server = found.binary
    cli = found.cli ?? ''
  }
  project.provide('valkeyServer', server)
  project.provide('valkeyCli', cli)

  const targets = new Map<string, string>()
  const candidates: [source: string, binary: string][] = compatibility
    ? [['VALKEY8_SERVER', server]]
    : [
        ['VALKEY_SERVER', server],
        ['VALKEY8_SERVER', process.env.VALKEY8_SERVER?.trim() ?? ''],
        ['REDIS_SERVER', process.env.REDIS_SERVER?.trim() ?? ''],
      ]
  for (const [index, [source, binary]] of candidates.entries()) {
    if (!binary) continue
    const name = targetName(binary)
    if (name === null) {
      // The embedded server must run (the other tests fail anyway if not); a broken optional one only loses its target.
      if (index === 0) throw new Error(`${source}=${binary} does not answer --version as valkey-server`)
      console.warn(`! ${source}=${binary} does not run; inspect-mode tests skip it`)
      continue
    }
    // npx vitest with VALKEY8_SERVER=$VALKEY_SERVER, say, would test the same server twice.
    if (!targets.has(name)) targets.set(name, binary)
  }
  project.provide(
    'inspectTargets',
    [...targets].map(([name, binary]) => ({ name, binary }))
  )
}
