/**
 * @module The few globals common/ uses that are not ECMAScript but that browsers and Node both
 * have, declared here as narrowly as the code uses them.
 *
 * Why not the DOM or Node types: either would also let `window`/`document` or `process`/`Buffer`
 * through the compiler, and code here runs in both the page and the server. These declarations are
 * seen only by the common/ project; the web and server projects get the full versions from their
 * own libraries (which agree with these).
 */

/** UTF-8 encoding (WHATWG Encoding; global in browsers and in Node since 11). */
declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>
}

/** UTF-8 decoding; `fatal` makes invalid bytes throw instead of becoming U+FFFD. */
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean })
  decode(input?: ArrayBufferView | ArrayBufferLike, options?: { stream?: boolean }): string
}

/** Timers (the connections' backoff and heartbeat; tests letting pending promise callbacks run). */
declare function setTimeout(callback: (...args: unknown[]) => void, ms?: number): unknown
declare function clearTimeout(timer: unknown): void
declare function setInterval(callback: () => void, ms?: number): unknown
declare function clearInterval(timer: unknown): void

/** Runs a callback after the current task, before any timer (a connection's outgoing frame). */
declare function queueMicrotask(callback: () => void): void
