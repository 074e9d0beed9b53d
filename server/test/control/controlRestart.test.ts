/**
 * The control Valkey restarting under running processes: SIGKILLed by pid and started again on the
 * same port, with its append-only file and without (a control server that keeps nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { ControlUnavailableError } from '../../src/control/ControlUnavailableError.ts'
import { ControlServer } from './controlServer.ts'
import { request, startInstance, stopInstance, until, type Instance } from './fixtures.ts'

describe('control server restart', () => {
  let server: ControlServer
  let a: Instance
  let b: Instance

  beforeAll(async () => {
    server = await ControlServer.start(inject('valkeyServer'))
    a = await startInstance(server.port, 'a')
    b = await startInstance(server.port, 'b')
  })
  afterAll(async () => {
    for (const instance of [a, b]) if (instance) await stopInstance(instance)
    await server?.stop()
  })

  for (const keepData of [false, true]) {
    it(`${keepData ? 'with' : 'without'} its append-only file: attendees in a sandbox keep working, new ones wait, then everything is back`, async () => {
      const secret = await a.secret.get()
      expect(await b.secret.get()).toBe(secret)
      const { record } = await a.directory.attach(request())
      await a.directory.markUsed(record.number)

      await server.kill()
      // While it is down: a reload of a page this process serves resumes from the cache...
      expect((await a.directory.resume(record.tokenHash))?.number).toBe(record.number)
      // ...a new arrival is told to wait, and the secret is still known.
      await expect(b.directory.attach(request())).rejects.toBeInstanceOf(ControlUnavailableError)
      expect(await b.secret.get()).toBe(secret)

      await server.launch(keepData)
      // Another process finds the sandbox once process a has written back what it knows.
      const back = await until(async () => (await b.directory.resume(record.tokenHash)) ?? undefined, 'the record to be back')
      expect(back.number).toBe(record.number)
      expect(back.used).toBe(true)
      await b.directory.connectionClosed(record.number)
      expect(await until(async () => (await a.control.call('get', 'playground:acl-secret')) ?? undefined, 'the secret')).toBe(secret)
      // Still live in process a (two connections): not recyclable by anyone.
      expect(await b.directory.beginRecycle(record.number, record.tokenHash)).toBe('live')
      // New arrivals get in again, and never the sandbox that is a's.
      const fresh = await until(async () => await b.directory.attach(request()), 'claims to be accepted again')
      expect(fresh.record.number).not.toBe(record.number)
      await a.directory.connectionClosed(record.number)
      await a.directory.connectionClosed(record.number)
      await b.directory.connectionClosed(fresh.record.number)
    }, 30_000)
  }
})
