import { describe, expect, it } from 'vitest'
import { checkCommandLine } from './commandLine.ts'
import { ConfigError } from './config.ts'

describe('checkCommandLine', () => {
  it('accepts every option npm start knows, in both spellings of a value', () => {
    expect(() => checkCommandLine([])).not.toThrow()
    expect(() => checkCommandLine(['--fresh'])).not.toThrow()
    expect(() => checkCommandLine(['--inspect', 'redis://127.0.0.1:6379/2', '--write', '--dangerous'])).not.toThrow()
    expect(() => checkCommandLine(['--inspect=rediss://h:1', '--tls-ca', 'ca.pem', '--tls-insecure'])).not.toThrow()
    expect(() => checkCommandLine(['--workers', '2', '--fresh'])).not.toThrow()
    expect(() => checkCommandLine(['--workers=auto'])).not.toThrow()
    expect(() => checkCommandLine(['--valkeys', '2', '--fresh'])).not.toThrow()
    expect(() => checkCommandLine(['--valkeys=4'])).not.toThrow()
  })

  it('stops on an option it does not know, naming it and listing the ones it does', () => {
    expect(() => checkCommandLine(['--workrs', '2'])).toThrow(ConfigError)
    expect(() => checkCommandLine(['--workrs', '2'])).toThrow(
      /^Unknown option '--workrs'\nnpm start knows these options[^]*--fresh [^]*--workers <value> /
    )
    expect(() => checkCommandLine(['--frsh'])).toThrow(/Unknown option '--frsh'/)
  })

  it('stops on a --workers value that is not a count, and on --workers with --inspect', () => {
    expect(() => checkCommandLine(['--workers', '0'])).toThrow(/^--workers must be a whole number from 1 to 64, or auto/)
    expect(() => checkCommandLine(['--workers', 'x'])).toThrow(ConfigError)
    expect(() => checkCommandLine(['--workers', '2', '--inspect', 'redis://h:1'])).toThrow(/does not apply to --inspect/)
  })

  it('stops on a missing value, a value given to a switch, and a stray argument', () => {
    expect(() => checkCommandLine(['--inspect'])).toThrow(/^Option '--inspect <value>' argument missing/)
    expect(() => checkCommandLine(['--valkeys'])).toThrow(/^Option '--valkeys <value>' argument missing/)
    expect(() => checkCommandLine(['--fresh=yes'])).toThrow(/^Option '--fresh' does not take an argument/)
    expect(() => checkCommandLine(['--fresh', 'now'])).toThrow(
      /^Unexpected argument 'now'\. This command does not take positional arguments\n/
    )
  })
})
