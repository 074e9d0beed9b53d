import { describe, expect, it } from 'vitest'
import { javaLine, javaText, parseJava, type JavaValue } from './javaSerialized.ts'

/**
 * Genuine fixtures: written by ObjectOutputStream.writeObject (OpenJDK, a throwaway Gen.java at
 * test-authoring time), kept here as hex. Session is `static class Session implements Serializable
 * { String user = "ada"; long creationTime = 1700000000000L; Integer maxInactive = 1800; boolean admin = true; }`.
 */
const FIXTURES = {
  string: 'aced00057400056c696e7573',
  unicode: 'aced000574000b68c3a9c080eda0bdedb880',
  integer:
    'aced0005737200116a6176612e6c616e672e496e746567657212e2a0a4f781873802000149000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b02000078700000002a',
  long: 'aced00057372000e6a6176612e6c616e672e4c6f6e673b8be490cc8f23df0200014a000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b02000078700000018bcfe56800',
  double:
    'aced0005737200106a6176612e6c616e672e446f75626c6580b3c24a296bfb0402000144000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b0200007870400c000000000000',
  boolean: 'aced0005737200116a6176612e6c616e672e426f6f6c65616ecd207280d59cfaee0200015a000576616c7565787001',
  character: 'aced0005737200136a6176612e6c616e672e436861726163746572348b47d96b1a267802000143000576616c756578700078',
  enum: 'aced00057e72001d6a6176612e7574696c2e636f6e63757272656e742e54696d65556e697400000000000000001200007872000e6a6176612e6c616e672e456e756d000000000000000012000078707400075345434f4e4453',
  strings: 'aced0005757200135b4c6a6176612e6c616e672e537472696e673badd256e7e91d7b47020000787000000003740001617400016271007e0002',
  ints: 'aced0005757200025b494dba602676eab2a502000078700000000200000001fffffffe',
  session:
    'aced00057372000b47656e2453657373696f6e00000000000000010200045a000561646d696e4a000c6372656174696f6e54696d654c000b6d6178496e6163746976657400134c6a6176612f6c616e672f496e74656765723b4c0004757365727400124c6a6176612f6c616e672f537472696e673b7870010000018bcfe56800737200116a6176612e6c616e672e496e746567657212e2a0a4f781873802000149000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b020000787000000708740003616461',
  list: 'aced0005737200136a6176612e7574696c2e41727261794c6973747881d21d99c7619d03000149000473697a65787000000002770400000002740001787400017978',
  map: 'aced0005737200116a6176612e7574696c2e486173684d61700507dac1c31660d103000246000a6c6f6164466163746f724900097468726573686f6c6478703f4000000000000c770800000010000000017400016b7372000e6a6176612e6c616e672e4c6f6e673b8be490cc8f23df0200014a000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b0200007870000000000000000778',
}

/** Hex to a byte string (one char per byte), as the inspector holds values. */
const bytes = (hex: string) => hex.replace(/../g, (pair) => String.fromCharCode(parseInt(pair, 16)))

const parsed = (hex: string): JavaValue => {
  const result = parseJava(bytes(hex))
  if (!result.ok) throw new Error(result.reason)
  return result.value
}

describe('parseJava on streams written by Java', () => {
  it('reads strings, in modified UTF-8 (U+0000 as two bytes, an emoji as two surrogates)', () => {
    expect(parsed(FIXTURES.string)).toEqual({ kind: 'string', value: 'linus' })
    expect(parsed(FIXTURES.unicode)).toEqual({ kind: 'string', value: 'hé\u0000😀' })
    expect(javaText(parsed(FIXTURES.string))).toBe('"linus"  (java.lang.String)')
  })

  it('reads boxed numbers, booleans and characters by their class and value field', () => {
    expect(parsed(FIXTURES.integer)).toEqual({ kind: 'boxed', className: 'java.lang.Integer', value: '42' })
    expect(parsed(FIXTURES.long)).toEqual({ kind: 'boxed', className: 'java.lang.Long', value: '1700000000000' })
    expect(parsed(FIXTURES.double)).toEqual({ kind: 'boxed', className: 'java.lang.Double', value: '3.5' })
    expect(parsed(FIXTURES.boolean)).toEqual({ kind: 'boxed', className: 'java.lang.Boolean', value: 'true' })
    expect(javaLine(parsed(FIXTURES.character))).toBe('"x"')
    expect(javaText(parsed(FIXTURES.long))).toBe('1700000000000  (java.lang.Long)')
  })

  it('reads enums, arrays (with back-references) and objects with fields and writeObject data', () => {
    expect(javaLine(parsed(FIXTURES.enum))).toBe('TimeUnit.SECONDS')
    expect(javaLine(parsed(FIXTURES.strings))).toBe('["a", "b", "a"]')
    expect(javaLine(parsed(FIXTURES.ints))).toBe('[1, -2]')
    expect(javaLine(parsed(FIXTURES.session))).toBe('Gen$Session{admin=true, creationTime=1700000000000, maxInactive=1800, user="ada"}')
    expect(javaText(parsed(FIXTURES.session))).toBe(
      'Gen$Session {\n  admin = true\n  creationTime = 1700000000000\n  maxInactive = 1800\n  user = "ada"\n}'
    )
    expect(javaLine(parsed(FIXTURES.list))).toBe('ArrayList{size=2, <4 bytes>, "x", "y"}')
    expect(javaLine(parsed(FIXTURES.map))).toBe('HashMap{loadFactor=0.75, threshold=12, <8 bytes>, "k", 7}')
  })

  it('reads a TC_LONGSTRING built by the specification (a string of more than 65,535 bytes)', () => {
    const text = 'é'.repeat(40_000) // 80,000 bytes in modified UTF-8
    const length = '\x00\x00\x00\x00\x00\x01\x38\x80' // 80,000 as 8 bytes
    const stream = `\xac\xed\x00\x05\x7c${length}${'\xc3\xa9'.repeat(40_000)}`
    expect(parseJava(stream)).toEqual({ ok: true, value: { kind: 'string', value: text } })
  })

  it('gives up with a reason on anything else, without throwing', () => {
    expect(parseJava('linus')).toEqual({ ok: false, reason: 'not a Java serialization stream' })
    expect(parseJava(bytes(FIXTURES.session).slice(0, 60))).toMatchObject({ ok: false, reason: /the stream ends early/ })
    expect(parseJava(bytes('aced00057400056c69'))).toMatchObject({ ok: false, reason: /ends early/ })
    expect(parseJava(bytes('aced00057d'))).toMatchObject({ ok: false, reason: /type code 0x7d is not read here/ })
    expect(parseJava(bytes('aced000571007e0009'))).toMatchObject({ ok: false, reason: /a reference to nothing/ })
    expect(parseJava(bytes('aced0005740002c0ff'))).toMatchObject({ ok: false, reason: /malformed modified UTF-8/ })
    // An array nested deeper than the bound: 40 levels of Object[] { Object[] { ... } }.
    const nested = `\xac\xed\x00\x05${'\x75\x72\x00\x13[Ljava.lang.Object;\x90\xceX\x9f\x10s)l\x02\x00\x00\x78\x70\x00\x00\x00\x01'.repeat(40)}\x70`
    expect(parseJava(nested)).toMatchObject({ ok: false, reason: /nested too deep/ })
    // Every prefix of every fixture fails cleanly.
    for (const hex of Object.values(FIXTURES)) {
      const whole = bytes(hex)
      for (let end = 4; end < whole.length; end++) expect(parseJava(whole.slice(0, end)).ok).toBe(false)
    }
  })
})
