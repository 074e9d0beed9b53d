import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, parseValkeyUrl, parseWorkers, workersFromArgv } from './config.ts'

describe('configuration', () => {
  it('has defaults for a fresh machine', () => {
    expect(loadConfig({})).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      valkeyUrls: [],
      controlUrl: null,
      valkeys: 1,
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
    expect(config.valkeyUrls).toEqual([{ host: 'cache.local', port: 6380, username: 'user', password: 'p@ss', controlDb: 2 }])
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

  it('reads a pool of servers from VALKEY_URL, and a separate bookkeeping server from CONTROL_URL', () => {
    const config = loadConfig({
      VALKEY_URL: ' redis://:pw@vk1.internal:6379/3 , valkey://vk2.internal:6390 ,redis://vk3.internal ',
      CONTROL_URL: 'redis://ctl.internal:7000/5',
    })
    expect(config.valkeyUrls).toEqual([
      { host: 'vk1.internal', port: 6379, username: undefined, password: 'pw', controlDb: 3 },
      { host: 'vk2.internal', port: 6390, username: undefined, password: undefined, controlDb: 0 },
      { host: 'vk3.internal', port: 6379, username: undefined, password: undefined, controlDb: 0 },
    ])
    expect(config.controlUrl).toMatchObject({ host: 'ctl.internal', port: 7000, controlDb: 5 })
    expect(loadConfig({ VALKEY_URL: '  ' }).valkeyUrls).toEqual([])
    expect(loadConfig({}).controlUrl).toBeNull()
  })

  it('refuses a database on any server but the first, an empty entry and a bad CONTROL_URL', () => {
    expect(() => loadConfig({ VALKEY_URL: 'redis://a:1/0,redis://b:2/4' })).toThrow(
      /^VALKEY_URL: only the first server's \/db is used .*remove '\/4' from 'redis:\/\/b:2\/4'$/
    )
    expect(() => loadConfig({ VALKEY_URL: 'redis://a:1,,redis://b:2' })).toThrow(/VALKEY_URL has an empty entry/)
    expect(() => loadConfig({ VALKEY_URL: 'redis://a:1,http://b' })).toThrow(/VALKEY_URL must start with redis:\/\//)
    expect(() => loadConfig({ CONTROL_URL: 'nonsense' })).toThrow(/^CONTROL_URL is not a URL/)
    expect(() => loadConfig({ CONTROL_URL: 'rediss://c:1' })).toThrow(/^CONTROL_URL: TLS/)
  })

  it('reads --valkeys N in both spellings, 1 to 64', () => {
    expect(loadConfig({}, []).valkeys).toBe(1)
    expect(loadConfig({}, ['--valkeys', '3']).valkeys).toBe(3)
    expect(loadConfig({}, ['--fresh', '--valkeys=64']).valkeys).toBe(64)
    expect(() => loadConfig({ VALKEY_URL: 'redis://a:1' }, ['--valkeys', '2'])).toThrow(
      /^--valkeys starts embedded servers, and VALKEY_URL/
    )
    for (const bad of ['0', '65', '2.5', 'two', '', '-1']) {
      expect(() => loadConfig({}, ['--valkeys', bad])).toThrow(/^--valkeys must be an integer between 1 and 64 \(got '/)
    }
  })

  it('keeps SANDBOX_MAX below the stride of sandbox numbers', () => {
    expect(loadConfig({ SANDBOX_MAX: '99999' }).maxSandboxes).toBe(99_999)
    expect(() => loadConfig({ SANDBOX_MAX: '100000' })).toThrow(/SANDBOX_MAX must be an integer between 1 and 99999/)
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
