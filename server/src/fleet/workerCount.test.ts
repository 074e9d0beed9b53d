import { describe, expect, it } from 'vitest'
import { ConfigError } from '../config.ts'
import { parseWorkers, workersFromArgv } from './workerCount.ts'

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
