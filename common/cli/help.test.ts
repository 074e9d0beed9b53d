import { describe, expect, it } from 'vitest'
import { genericHelp, helpText } from './help.ts'
import { ENTRIES } from './testing/helpEntries.ts'

const ESC = '\x1b'

describe('help', () => {
  it('prints the generic help with the version', () => {
    expect(helpText(ENTRIES, [], '9.1.2')).toBe(genericHelp('9.1.2'))
    expect(genericHelp('9.1.2')).toMatch(/^valkey-cli 9\.1\.2\nTo get help about Valkey commands type:\n/)
    expect(genericHelp('9.1.2').endsWith('Set your preferences in ~/.valkeyclirc\n')).toBe(true)
  })

  it('prints a command exactly as valkey-cli does', () => {
    expect(helpText(ENTRIES, ['hset'], '9.1.2')).toBe(
      `\r\n  ${ESC}[1mHSET${ESC}[0m ${ESC}[90mkey field value [field value ...]${ESC}[0m\r\n` +
        `  ${ESC}[33msummary:${ESC}[0m Creates or modifies the value of a field in a hash.\r\n` +
        `  ${ESC}[33msince:${ESC}[0m 2.0.0\r\n` +
        `  ${ESC}[33mgroup:${ESC}[0m hash\r\n\r\n`
    )
  })

  it('keeps the (null) quirk for commands without arguments', () => {
    expect(helpText(ENTRIES, ['DBSIZE'], '9.1.2')).toContain(`${ESC}[90m(null)${ESC}[0m`)
  })

  it('lists a container with its subcommands, and a group without group lines', () => {
    const client = helpText(ENTRIES, ['client'], '9.1.2')
    expect(client.match(/\x1b\[1m[A-Z ]+\x1b\[0m/g)).toEqual([`${ESC}[1mCLIENT${ESC}[0m`, `${ESC}[1mCLIENT KILL${ESC}[0m`])
    const hash = helpText(ENTRIES, ['@HASH'], '9.1.2')
    expect(hash.match(/\x1b\[1m[A-Z ]+\x1b\[0m/g)).toEqual([`${ESC}[1mHRANDFIELD${ESC}[0m`, `${ESC}[1mHSET${ESC}[0m`])
    expect(hash).not.toContain('group:')
  })

  it('prints a bare line end when nothing matches', () => {
    expect(helpText(ENTRIES, ['nosuch'], '9.1.2')).toBe('\r\n')
    expect(helpText(ENTRIES, ['hset', 'more'], '9.1.2')).toBe('\r\n')
    expect(helpText(ENTRIES, ['@nosuch'], '9.1.2')).toBe('\r\n')
  })
})
