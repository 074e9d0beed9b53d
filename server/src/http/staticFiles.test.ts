/** The app's files: served at once (as they are while compression runs), then compressed, with caching headers. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createStaticHandler, serveAppOrMissing } from './staticFiles.ts'

let folder: string
let server: Server
let base: string
const script = 'console.log("a fairly long line of script");\n'.repeat(20_000)

beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'static-'))
  mkdirSync(path.join(folder, 'assets'))
  writeFileSync(path.join(folder, 'index.html'), '<!doctype html><title>t</title>')
  writeFileSync(path.join(folder, 'assets', 'app-abc.js'), script)
  const serve = createStaticHandler(folder)
  server = createServer((request, response) => serveAppOrMissing(serve, request, response))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  rmSync(folder, { recursive: true, force: true })
})

it('serves a hashed asset whole and immutable, then brotli-compressed once that is ready; app routes get the page', async () => {
  const first = await fetch(`${base}/assets/app-abc.js`, { headers: { 'accept-encoding': 'br' } })
  expect(first.status).toBe(200)
  expect(first.headers.get('cache-control')).toContain('immutable')
  expect(await first.text()).toBe(script)

  let encoding: string | null = null
  for (let tries = 0; tries < 300 && encoding !== 'br'; tries++) {
    const again = await fetch(`${base}/assets/app-abc.js`, { method: 'HEAD', headers: { 'accept-encoding': 'br' } })
    encoding = again.headers.get('content-encoding')
    if (encoding !== 'br') await new Promise((resolve) => setTimeout(resolve, 100))
  }
  expect(encoding).toBe('br')
  const compressed = await fetch(`${base}/assets/app-abc.js`, { headers: { 'accept-encoding': 'br' } })
  expect(await compressed.text()).toBe(script)

  const route = await fetch(`${base}/missions/cantina`)
  expect(route.headers.get('cache-control')).toBe('no-cache')
  expect(await route.text()).toContain('<title>t</title>')
})
