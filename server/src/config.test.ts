import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, parseValkeyUrl, parseWorkers, workersFromArgv } from './config.ts'

describe('configuration', () => {
  it('has defaults for a fresh machine', () => {
    expect(loadConfig({})).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      valkeyUrl: null,
      maxSandboxes: 1000,
      sandboxIdleMs: 7_200_000,
      sandboxEmptyIdleMs: 300_000,
      sandboxesPerAddress: 250,
    })
    // A quarter of the sandboxes, but never fewer than 20.
    expect(loadConfig({ SANDBOX_MAX: '40' }).sandboxesPerAddress).toBe(20)
    expect(loadConfig({ SANDBOX_PER_ADDRESS: '7', SANDBOX_EMPTY_MINUTES: '2' })).toMatchObject({
      sandboxesPerAddress: 7,
      sandboxEmptyIdleMs: 120_000,
    })
  })

  it('reads PORT, VALKEY_URL and the sandbox limits', () => {
    const config = loadConfig({
      PORT: '9000',
      VALKEY_URL: 'redis://user:p%40ss@cache.local:6380/2',
      SANDBOX_MAX: '50',
      SANDBOX_IDLE_MINUTES: '30',
    })
    expect(config).toMatchObject({ port: 9000, maxSandboxes: 50, sandboxIdleMs: 1_800_000 })
    expect(config.valkeyUrl).toEqual({ host: 'cache.local', port: 6380, username: 'user', password: 'p@ss', controlDb: 2 })
    expect(parseValkeyUrl('valkey://localhost')).toMatchObject({ port: 6379, controlDb: 0 })
  })

  it('reads --workers from the command line (1 when absent)', () => {
    expect(loadConfig({}).workers).toBe(1)
    expect(loadConfig({}, ['--workers', '3']).workers).toBe(3)
    expect(() => loadConfig({}, ['--workers', '0'])).toThrow(/--workers must be a whole number/)
  })

  it('explains what is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be an integer/)
    expect(() => parseValkeyUrl('http://x')).toThrow(ConfigError)
    expect(() => parseValkeyUrl('rediss://x')).toThrow(/TLS/)
  })
})

describe('--workers', () => {
  it('is 1 when not given, a whole number when given, and one per core for auto', () => {
    expect(workersFromArgv([])).toBe(1)
    expect(workersFromArgv(['--fresh'])).toBe(1)
    expect(workersFromArgv(['--workers', '3'])).toBe(3)
    expect(workersFromArgv(['--workers=4', '--fresh'])).toBe(4)
    expect(workersFromArgv(['--workers', 'auto'], 6)).toBe(6)
    expect(parseWorkers('auto', 500)).toBe(64)
    expect(parseWorkers('64')).toBe(64)
  })

  it('refuses anything else, saying what it takes', () => {
    for (const raw of ['0', '65', 'x', '-1', '2.5', '', ' ', '1e1', '0x2']) {
      expect(() => parseWorkers(raw)).toThrow(ConfigError)
    }
    expect(() => workersFromArgv(['--workers', 'x'])).toThrow(/^--workers must be a whole number from 1 to 64, or auto .*got 'x'/)
    expect(() => workersFromArgv(['--workers'])).toThrow(ConfigError)
  })
})
