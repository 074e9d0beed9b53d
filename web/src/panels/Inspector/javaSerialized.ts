/**
 * @module Java serialization (Java Object Serialization Specification, chapter 6), read well
 * enough to show what Spring Session and Spring Data's JdkSerializationRedisSerializer store:
 * strings (TC_STRING, TC_LONGSTRING), boxed numbers, booleans and characters, enums, arrays, and
 * objects of serializable classes with their fields (and their writeObject data, as nested values
 * and byte counts). Pure and bounded: the input, the nesting depth and the number of values read
 * are capped, and anything this reader does not know (a proxy class, an exception in the stream,
 * a reset) makes it give up with a reason rather than guess; the raw bytes are always still shown.
 *
 * Bytes come as a byte string (one char per byte), as the inspector holds every value.
 */

export type JavaValue =
  | { kind: 'null' }
  | { kind: 'string'; value: string }
  /** A primitive field, or a boxed one (java.lang.Integer...): `value` as Java prints it. */
  | { kind: 'primitive'; type: string; value: string }
  | { kind: 'boxed'; className: string; value: string }
  | { kind: 'enum'; className: string; constant: string }
  | { kind: 'array'; className: string; items: JavaValue[] }
  | { kind: 'object'; className: string; fields: { name: string; value: JavaValue }[]; extra: JavaValue[] }
  | { kind: 'class'; className: string }
  | { kind: 'blockData'; bytes: number }
  /** A value read before, met again (a back-reference); its class or kind only, to keep output finite. */
  | { kind: 'reference'; to: string }

export type JavaParse = { ok: true; value: JavaValue } | { ok: false; reason: string }

/** Values larger than this are not decoded. */
export const MAX_JAVA_BYTES = 1 << 20
const MAX_DEPTH = 32
const MAX_VALUES = 5000
/** Array elements read at most (a larger array is not decoded). */
const MAX_ARRAY = 10_000

const BOXED: Record<string, string> = {
  'java.lang.Integer': 'I',
  'java.lang.Long': 'J',
  'java.lang.Short': 'S',
  'java.lang.Byte': 'B',
  'java.lang.Double': 'D',
  'java.lang.Float': 'F',
  'java.lang.Boolean': 'Z',
  'java.lang.Character': 'C',
}

const TC = {
  NULL: 0x70,
  REFERENCE: 0x71,
  CLASSDESC: 0x72,
  OBJECT: 0x73,
  STRING: 0x74,
  ARRAY: 0x75,
  CLASS: 0x76,
  BLOCKDATA: 0x77,
  ENDBLOCKDATA: 0x78,
  BLOCKDATALONG: 0x7a,
  LONGSTRING: 0x7c,
  ENUM: 0x7e,
} as const
const SC_WRITE_METHOD = 0x01
const SC_SERIALIZABLE = 0x02
const SC_EXTERNALIZABLE = 0x04
const SC_BLOCK_DATA = 0x08
const BASE_HANDLE = 0x7e0000

type Field = { type: string; name: string }
type ClassDesc = { name: string; flags: number; fields: Field[]; superDesc: ClassDesc | null }
type Handle = ClassDesc | JavaValue

class Stop extends Error {}

/** Whether the bytes start as a Java serialization stream does (0xACED, version 5). */
export const isJavaSerialized = (bytes: string) => bytes.startsWith('\xac\xed\x00\x05')

/** Decodes the first object of a Java serialization stream. */
export function parseJava(bytes: string): JavaParse {
  if (!isJavaSerialized(bytes)) return { ok: false, reason: 'not a Java serialization stream' }
  if (bytes.length > MAX_JAVA_BYTES) return { ok: false, reason: `larger than ${MAX_JAVA_BYTES} bytes` }
  try {
    return { ok: true, value: new Reader(bytes).content(0) }
  } catch (error) {
    return { ok: false, reason: error instanceof Stop ? error.message : 'malformed stream' }
  }
}

class Reader {
  #at = 4
  #handles: Handle[] = []
  #values = 0

  constructor(private readonly bytes: string) {}

  #fail(reason: string): never {
    throw new Stop(`${reason} at byte ${this.#at}`)
  }

  #u8(): number {
    if (this.#at >= this.bytes.length) this.#fail('the stream ends early')
    return this.bytes.charCodeAt(this.#at++)
  }

  #take(count: number): string {
    if (count < 0 || this.#at + count > this.bytes.length) this.#fail('the stream ends early')
    const part = this.bytes.slice(this.#at, this.#at + count)
    this.#at += count
    return part
  }

  #uint(size: number): number {
    let n = 0
    for (let i = 0; i < size; i++) n = n * 256 + this.#u8()
    return n
  }

  #view(size: number): DataView {
    const part = this.#take(size)
    const view = new DataView(new ArrayBuffer(size))
    for (let i = 0; i < size; i++) view.setUint8(i, part.charCodeAt(i))
    return view
  }

  /** Modified UTF-8 (Java's): like UTF-8 with U+0000 as two bytes and supplementary characters as two 3-byte surrogates. */
  #utf(length: number): string {
    const part = this.#take(length)
    const units: number[] = []
    for (let i = 0; i < part.length;) {
      const a = part.charCodeAt(i)
      const cont = (offset: number) => {
        const byte = part.charCodeAt(i + offset)
        if (i + offset >= part.length || (byte & 0xc0) !== 0x80) this.#fail('malformed modified UTF-8')
        return byte & 0x3f
      }
      if (a < 0x80) {
        units.push(a)
        i += 1
      } else if ((a & 0xe0) === 0xc0) {
        units.push(((a & 0x1f) << 6) | cont(1))
        i += 2
      } else if ((a & 0xf0) === 0xe0) {
        units.push(((a & 0x0f) << 12) | (cont(1) << 6) | cont(2))
        i += 3
      } else this.#fail('malformed modified UTF-8')
    }
    let text = ''
    for (let i = 0; i < units.length; i += 4096) text += String.fromCharCode(...units.slice(i, i + 4096))
    return text
  }

  #newHandle(value: Handle): number {
    this.#handles.push(value)
    return this.#handles.length - 1
  }

  #handle(): Handle {
    const index = this.#uint(4) - BASE_HANDLE
    const found = this.#handles[index]
    if (found === undefined) this.#fail('a reference to nothing')
    return found
  }

  /** One `content` of the grammar: an object, a string, an array, an enum, a class, null, a reference or block data. */
  content(depth: number): JavaValue {
    if (depth > MAX_DEPTH) this.#fail('nested too deep')
    if (++this.#values > MAX_VALUES) this.#fail('too many values')
    const code = this.#u8()
    switch (code) {
      case TC.NULL:
        return { kind: 'null' }
      case TC.STRING:
      case TC.LONGSTRING: {
        const length = code === TC.STRING ? this.#uint(2) : this.#uint(8)
        const value: JavaValue = { kind: 'string', value: this.#utf(length) }
        this.#newHandle(value)
        return value
      }
      case TC.REFERENCE: {
        const target = this.#handle()
        if ('flags' in target) return { kind: 'class', className: target.name }
        if (target.kind === 'string' || target.kind === 'boxed' || target.kind === 'enum') return target
        return { kind: 'reference', to: 'className' in target ? target.className : target.kind }
      }
      case TC.OBJECT:
        return this.#object(depth)
      case TC.ARRAY:
        return this.#array(depth)
      case TC.ENUM: {
        const desc = this.#classDesc()
        const handle = this.#newHandle({ kind: 'null' })
        const constant = this.content(depth + 1)
        if (constant.kind !== 'string' || !desc) this.#fail('an enum without a name')
        const value: JavaValue = { kind: 'enum', className: desc.name, constant: constant.value }
        this.#handles[handle] = value
        return value
      }
      case TC.CLASS: {
        const desc = this.#classDesc()
        const value: JavaValue = { kind: 'class', className: desc?.name ?? 'null' }
        this.#newHandle(value)
        return value
      }
      case TC.BLOCKDATA:
        return { kind: 'blockData', bytes: this.#take(this.#u8()).length }
      case TC.BLOCKDATALONG:
        return { kind: 'blockData', bytes: this.#take(this.#uint(4)).length }
      default:
        return this.#fail(`type code 0x${code.toString(16)} is not read here`)
    }
  }

  #classDesc(): ClassDesc | null {
    const code = this.#u8()
    if (code === TC.NULL) return null
    if (code === TC.REFERENCE) {
      const target = this.#handle()
      if (!('flags' in target)) this.#fail('a class reference to a value')
      return target
    }
    if (code !== TC.CLASSDESC) this.#fail(`type code 0x${code.toString(16)} where a class was expected`)
    const name = this.#utf(this.#uint(2))
    this.#take(8) // serialVersionUID
    const desc: ClassDesc = { name, flags: 0, fields: [], superDesc: null }
    this.#newHandle(desc)
    desc.flags = this.#u8()
    const count = this.#uint(2)
    for (let i = 0; i < count; i++) {
      const type = String.fromCharCode(this.#u8())
      const fieldName = this.#utf(this.#uint(2))
      // An object or array field names its class as a string (or a reference to one); only its presence matters here.
      if (type === 'L' || type === '[') this.content(1)
      else if (!'BCDFIJSZ'.includes(type)) this.#fail(`field type ${type}`)
      desc.fields.push({ type, name: fieldName })
    }
    this.#annotations(1) // classAnnotation: usually just TC_ENDBLOCKDATA
    desc.superDesc = this.#classDesc()
    return desc
  }

  /** Contents up to TC_ENDBLOCKDATA (a class's annotation, or what its writeObject wrote after its fields). */
  #annotations(depth: number): JavaValue[] {
    const list: JavaValue[] = []
    while (this.bytes.charCodeAt(this.#at) !== TC.ENDBLOCKDATA) {
      if (this.#at >= this.bytes.length) this.#fail('the stream ends early')
      list.push(this.content(depth + 1))
    }
    this.#at++
    return list
  }

  #primitive(type: string): string {
    switch (type) {
      case 'B':
        return String(this.#view(1).getInt8(0))
      case 'C':
        return String.fromCharCode(this.#uint(2))
      case 'D':
        return String(this.#view(8).getFloat64(0))
      case 'F':
        return String(this.#view(4).getFloat32(0))
      case 'I':
        return String(this.#view(4).getInt32(0))
      case 'J':
        return String(this.#view(8).getBigInt64(0))
      case 'S':
        return String(this.#view(2).getInt16(0))
      case 'Z':
        return this.#u8() === 0 ? 'false' : 'true'
      default:
        return this.#fail(`field type ${type}`)
    }
  }

  #object(depth: number): JavaValue {
    const desc = this.#classDesc()
    if (!desc) this.#fail('an object without a class')
    const handle = this.#newHandle({ kind: 'null' })
    // Class data runs from the topmost serializable superclass down to the object's own class.
    const chain: ClassDesc[] = []
    for (let each: ClassDesc | null = desc; each; each = each.superDesc) chain.unshift(each)
    const fields: { name: string; value: JavaValue }[] = []
    const extra: JavaValue[] = []
    for (const each of chain) {
      if (each.flags & SC_EXTERNALIZABLE) {
        if (!(each.flags & SC_BLOCK_DATA)) this.#fail(`${each.name} is externalizable in the old format`)
        extra.push(...this.#annotations(depth))
        continue
      }
      if (!(each.flags & SC_SERIALIZABLE)) continue
      for (const field of each.fields) {
        const value: JavaValue =
          field.type === 'L' || field.type === '['
            ? this.content(depth + 1)
            : { kind: 'primitive', type: field.type, value: this.#primitive(field.type) }
        fields.push({ name: field.name, value })
      }
      if (each.flags & SC_WRITE_METHOD) extra.push(...this.#annotations(depth))
    }
    const boxed = BOXED[desc.name]
    const own = fields.find((field) => field.name === 'value')
    const value: JavaValue =
      boxed && own?.value.kind === 'primitive' && fields.length === 1
        ? { kind: 'boxed', className: desc.name, value: own.value.value }
        : { kind: 'object', className: desc.name, fields, extra }
    this.#handles[handle] = value
    return value
  }

  #array(depth: number): JavaValue {
    const desc = this.#classDesc()
    if (!desc) this.#fail('an array without a class')
    const handle = this.#newHandle({ kind: 'null' })
    const size = this.#uint(4)
    if (size > MAX_ARRAY) this.#fail(`an array of ${size} elements`)
    const type = desc.name.charAt(1)
    const items: JavaValue[] = []
    if (type === 'B' && size > 64) {
      // A byte[] (a nested serialized value, an image): its size only.
      items.push({ kind: 'blockData', bytes: this.#take(size).length })
    } else {
      for (let i = 0; i < size; i++) {
        items.push(type === 'L' || type === '[' ? this.content(depth + 1) : { kind: 'primitive', type, value: this.#primitive(type) })
      }
    }
    const value: JavaValue = { kind: 'array', className: desc.name, items }
    this.#handles[handle] = value
    return value
  }
}

const quoted = (text: string) => JSON.stringify(text)

/** One line: a string in quotes, a number as is, an object as Class{field=value, ...}. */
export function javaLine(value: JavaValue): string {
  switch (value.kind) {
    case 'null':
      return 'null'
    case 'string':
      return quoted(value.value)
    case 'primitive':
      return value.type === 'C' ? quoted(value.value) : value.value
    case 'boxed':
      return value.className === 'java.lang.Character' ? quoted(value.value) : value.value
    case 'enum':
      return `${shortName(value.className)}.${value.constant}`
    case 'array':
      return `[${value.items.map(javaLine).join(', ')}]`
    case 'object': {
      const parts = value.fields.map((field) => `${field.name}=${javaLine(field.value)}`)
      if (value.extra.length > 0) parts.push(...value.extra.map(javaLine))
      return `${shortName(value.className)}{${parts.join(', ')}}`
    }
    case 'class':
      return `class ${value.className}`
    case 'blockData':
      return `<${value.bytes} bytes>`
    case 'reference':
      return `<see ${value.to}>`
  }
}

/** The Java value mode's text: a string or boxed value with its class named; anything else indented, one field a line. */
export function javaText(value: JavaValue): string {
  if (value.kind === 'string') return `${javaLine(value)}  (java.lang.String)`
  if (value.kind === 'boxed') return `${javaLine(value)}  (${value.className})`
  return javaBlock(value, '')
}

function javaBlock(value: JavaValue, indent: string): string {
  const inner = `${indent}  `
  switch (value.kind) {
    case 'array':
      if (value.items.length === 0) return `${value.className} []`
      return `${value.className} [\n${value.items.map((item) => inner + javaBlock(item, inner)).join(',\n')}\n${indent}]`
    case 'object': {
      const lines = [
        ...value.fields.map((field) => `${inner}${field.name} = ${javaBlock(field.value, inner)}`),
        ...value.extra.map((item) => `${inner}${javaBlock(item, inner)}`),
      ]
      return lines.length === 0 ? `${value.className} {}` : `${value.className} {\n${lines.join('\n')}\n${indent}}`
    }
    default:
      return javaLine(value)
  }
}

const shortName = (className: string) => className.slice(className.lastIndexOf('.') + 1)
