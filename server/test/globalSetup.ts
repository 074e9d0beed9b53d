/**
 * Integration tests run against a real valkey-server, provisioned exactly as
 * `npm start` provisions it. `npm test` passes it in VALKEY_SERVER; run
 * directly (npx vitest), the same provisioning script is asked for one.
 */
import { execFileSync } from 'node:child_process'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    valkeyServer: string
    valkeyCli: string
  }
}

export default function setup(project: TestProject): void {
  let server = process.env.VALKEY_SERVER ?? ''
  let cli = process.env.VALKEY_CLI ?? ''
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
}
