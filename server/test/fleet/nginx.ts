/**
 * @module A real nginx in front of test playgrounds, running the site file from deploy/nginx/.
 *
 * Debian's nginx binary (NGINX_PATH, which `npm test` provides; /usr/sbin/nginx otherwise) runs as
 * this process's child with its own prefix folder and configuration (`-p DIR -c FILE`), never as the
 * system service. The site file is the deployed one with only its listen addresses, the redirect's
 * port, the certificate paths and the upstream's servers replaced (renderSite), around a minimal
 * main file of the kind Debian's /etc/nginx/nginx.conf is. A throwaway CA signs the certificate.
 * Like the test servers, nginx dies with the Node process that started it, even on SIGKILL.
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import https from 'node:https'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { fileURLToPath } from 'node:url'
import { findFreePort, GUARD_SCRIPT, makeCertificates } from '../targetServer.ts'

export const NGINX_BINARY = process.env.NGINX_PATH?.trim() || '/usr/sbin/nginx'

/** The deployed site file. */
export const SITE_FILE = fileURLToPath(new URL('../../../deploy/nginx/valkey-playground.conf', import.meta.url))

const HOST = '127.0.0.1'
const READY_TIMEOUT_MS = 15_000
const STOP_GRACE_MS = 3_000

export type Nginx = {
  /** The HTTPS port on 127.0.0.1. */
  port: number
  /** The plain HTTP port (it only redirects). */
  httpPort: number
  /** The throwaway CA that signed nginx's certificate, for clients to trust. */
  ca: Buffer
  /** The site file as nginx runs it. */
  site: string
  pid: number
  /** nginx's own lines so far (errors, warnings). */
  log(): string
  /** SIGTERM to nginx by its pid (SIGKILL after 3 s); resolves once it exited and its folder is gone. */
  stop(): Promise<void>
}

export type SiteValues = { httpPort: number; httpsPort: number; upstreams: readonly number[]; cert: string; key: string }

/** Replaces `pattern` (global) with `replacement`, insisting that it occurs exactly `count` times: the deployed file and this test cannot drift apart unnoticed. */
function replaceExactly(
  text: string,
  pattern: RegExp,
  count: number,
  replacement: string | ((match: string, ...groups: string[]) => string)
): string {
  const found = text.match(pattern)?.length ?? 0
  if (found !== count) throw new Error(`the site file has ${found} line(s) matching ${String(pattern)}, expected ${count}`)
  return text.replace(pattern, replacement as (match: string) => string)
}

/** The deployed site file with this test's addresses, ports and certificate in place of the real ones. */
export function renderSite(template: string, values: SiteValues): string {
  let site = replaceExactly(template, /^(\s*)server 127\.0\.0\.1:8080 (.*);$/gm, 1, (_line, indent: string, parameters: string) =>
    values.upstreams.map((port) => `${indent}server ${HOST}:${port} ${parameters};`).join('\n')
  )
  // Loopback only, IPv4 only: the test's ports, not the machine's 80 and 443.
  site = replaceExactly(site, /^\s*listen \[::\]:(80|443)\b.*\n/gm, 2, '')
  site = replaceExactly(site, /^(\s*)listen 80;$/gm, 1, `$1listen ${HOST}:${values.httpPort};`)
  site = replaceExactly(site, /^(\s*)listen 443 (.*);$/gm, 1, `$1listen ${HOST}:${values.httpsPort} $2;`)
  // On 443 a redirect needs no port; on the test's port it does.
  site = replaceExactly(site, /return 301 https:\/\/\$host\$request_uri;/g, 1, `return 301 https://$host:${values.httpsPort}$request_uri;`)
  site = replaceExactly(site, /^(\s*ssl_certificate)(\s+)\S+;$/gm, 1, `$1$2${values.cert};`)
  site = replaceExactly(site, /^(\s*ssl_certificate_key)(\s+)\S+;$/gm, 1, `$1$2${values.key};`)
  return site
}

/** What Debian's /etc/nginx/nginx.conf provides around the sites, kept inside `dir`. */
function mainFile(dir: string, site: string): string {
  const temp = (name: string) => path.join(dir, 'temp', name)
  return `pid ${path.join(dir, 'nginx.pid')};
error_log stderr warn;
events {
    worker_connections 512;
}
http {
    access_log off;
    client_body_temp_path ${temp('body')};
    proxy_temp_path ${temp('proxy')};
    fastcgi_temp_path ${temp('fastcgi')};
    uwsgi_temp_path ${temp('uwsgi')};
    scgi_temp_path ${temp('scgi')};
    include ${site};
}
`
}

/** Starts nginx in front of playgrounds listening on 127.0.0.1 at `upstreams`; resolves once it answers TLS. */
export async function startNginx(upstreams: readonly number[]): Promise<Nginx> {
  const template = await readFile(SITE_FILE, 'utf8')
  for (let attempt = 1; ; attempt++) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'playground-nginx-'))
    try {
      return await launch(dir, template, upstreams)
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      // Another process may have taken a port between our probe and nginx's bind.
      if (attempt >= 3 || !/Address already in use/i.test((error as Error).message)) throw error
    }
  }
}

async function launch(dir: string, template: string, upstreams: readonly number[]): Promise<Nginx> {
  const certificates = await makeCertificates(dir)
  const [httpPort, httpsPort] = [await findFreePort(), await findFreePort()]
  const site = renderSite(template, { httpPort, httpsPort, upstreams, cert: certificates.cert, key: certificates.key })
  const siteFile = path.join(dir, 'valkey-playground.conf')
  const configFile = path.join(dir, 'nginx.conf')
  await writeFile(siteFile, site)
  await writeFile(configFile, mainFile(dir, siteFile))
  await mkdir(path.join(dir, 'temp'))
  const ca = await readFile(certificates.ca)

  // In the foreground, one process (no master and workers): the pid we have is all of nginx, and it
  // runs as this user, so its temporary folders inside `dir` are its own.
  const args = ['-p', dir, '-c', configFile, '-e', 'stderr', '-g', 'daemon off; master_process off;']
  const child = spawn('/bin/sh', ['-c', GUARD_SCRIPT, NGINX_BINARY, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, TARGET_SERVER_DIR: dir },
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += String(chunk)))
  child.stderr.on('data', (chunk) => (output += String(chunk)))
  const spawnFailed = new Promise<never>((_resolve, reject) => child.once('error', reject))
  spawnFailed.catch(() => {})
  let exitDetail: string | null = null
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitDetail = `nginx exited (${signal ?? `code ${code}`})`
      child.stdin.destroy()
      resolve()
    })
  )
  const running = () => child.exitCode === null && child.signalCode === null
  const signal = (name: NodeJS.Signals) => {
    if (!running() || child.pid === undefined) return
    try {
      // Its process group: nginx and the guard's watchdog.
      process.kill(-child.pid, name)
    } catch {
      // Gone already.
    }
  }
  let stopping: Promise<void> | null = null
  const stop = () =>
    (stopping ??= (async () => {
      if (running()) {
        signal('SIGTERM')
        const timer = setTimeout(() => signal('SIGKILL'), STOP_GRACE_MS)
        await exited
        clearTimeout(timer)
      }
      child.stdin.destroy()
      await rm(dir, { recursive: true, force: true })
    })())

  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (exitDetail !== null) throw new Error(`${exitDetail} before it was ready:\n${output}`)
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`nginx did not answer on ${HOST}:${httpsPort} within ${READY_TIMEOUT_MS / 1000} s:\n${output}`)
    }
    if (await Promise.race([handshakes(httpsPort, ca), spawnFailed])) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { port: httpsPort, httpPort, ca, site, pid: child.pid!, log: () => output, stop }
}

/** Whether a TLS handshake with 127.0.0.1:port completes, trusting `ca` (within 1 s). */
function handshakes(port: number, ca: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: HOST, port, ca, servername: 'localhost' })
    const finish = (ok: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => finish(false), 1000)
    socket.once('secureConnect', () => finish(true))
    socket.once('error', () => finish(false))
  })
}

export type Response = { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One GET, over https when the URL says so (trusting `ca`), without following redirects. */
export function get(url: string, ca?: Buffer): Promise<Response> {
  return new Promise((resolve, reject) => {
    const done = (response: http.IncomingMessage) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
      response.on('error', reject)
    }
    const request = url.startsWith('https:') ? https.get(url, { ca, timeout: 10_000 }, done) : http.get(url, { timeout: 10_000 }, done)
    request.on('timeout', () => request.destroy(new Error(`no answer to GET ${url} within 10 s`)))
    request.on('error', reject)
  })
}
