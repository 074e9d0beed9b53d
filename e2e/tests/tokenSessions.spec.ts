/**
 * The token-session missions and the framework-session missions, in the browser: their steps by Run
 * (waiting out the one-time password's two seconds, as the lesson says) and the challenges by
 * typed answers after their Set up.
 */
import { expect, test } from '../fixtures/test.ts'

test('the token-sessions mission completes by Run, and its challenges by typed answers', async ({ terminal, mission }) => {
  test.setTimeout(150_000)
  await terminal.open('/#/missions/token-sessions')
  await expect(mission.view).toHaveAttribute('data-mission-id', 'token-sessions')
  const steps = await mission.stepIds()
  expect(steps).toEqual(['create', 'set', 'update', 'expire-all', 'extend', 'data-only', 'shared', 'end', 'pizza', 'basket'])
  expect(await mission.progress()).toEqual({ done: 0, total: 10 })
  // Fresh sandbox: once the server has reported, nothing is ticked, not even "No volume any more".
  await expect(mission.step('create').locator('[data-testid="mission-check"][data-state="failing"]').first()).toBeVisible()
  await expect(mission.view.locator('[data-testid="mission-check"][data-ok="true"]')).toHaveCount(0)

  for (const id of steps.slice(0, 8)) {
    await mission.runStep(id, terminal)
    await mission.expectDone(id)
  }
  // The password had gone and the session stayed: the terminal printed both.
  expect(await terminal.text()).toContain('> HGET tsession:1120775939871265081:data otp\n(nil)')

  const pizza = mission.step('pizza')
  // Reached but not set up: "Pizza 17 is delivered" is not ticked on a sandbox with no pizzas, so Set up cannot untick it.
  await expect(mission.currentStep).toHaveAttribute('data-step-id', 'pizza')
  await expect(mission.check('pizza', 'Pizza 18')).toHaveAttribute('data-state', 'failing')
  await expect(mission.check('pizza', 'Pizza 17')).toHaveAttribute('data-ok', 'false')
  await pizza.getByTestId('mission-setup').click()
  await mission.confirm()
  await terminal.settle()
  await expect(mission.check('pizza', 'Pizza 18')).toHaveAttribute('data-state', 'ok')
  await expect(mission.check('pizza', 'Pizza 17')).toHaveAttribute('data-state', 'failing')
  await expect(pizza).toHaveAttribute('data-done', 'false')
  expect(await terminal.run('HDEL tsession:7001002003004005006:data pizza:17')).toEqual(['(integer) 1'])
  await mission.expectDone('pizza')

  const basket = mission.step('basket')
  await basket.getByTestId('mission-setup').click()
  await mission.confirm()
  await terminal.settle()
  // The wrong key first: the session itself must not expire.
  await terminal.run('EXPIRE tsession:8002003004005006007 1800')
  await expect(basket.locator('[data-testid="mission-check"][data-ok="false"]')).not.toHaveCount(0)
  await terminal.run('PERSIST tsession:8002003004005006007')
  await terminal.run('EXPIRE tsession:8002003004005006007:data 1800')
  await mission.expectDone('basket')
  await expect.poll(() => mission.progress()).toEqual({ done: 10, total: 10 })
})

test('the framework-sessions mission completes by Run', async ({ terminal, mission }) => {
  test.setTimeout(120_000)
  await terminal.open('/#/missions/framework-sessions')
  await expect(mission.view).toHaveAttribute('data-mission-id', 'framework-sessions')
  const steps = await mission.stepIds()
  expect(steps).toEqual(['spring-create', 'spring-update', 'connect-create', 'connect-update', 'compare'])
  for (const id of steps) {
    await mission.runStep(id, terminal)
    await mission.expectDone(id)
  }
  await expect.poll(() => mission.progress()).toEqual({ done: 5, total: 5 })
  expect(await terminal.text()).toContain('> STRLEN sess:k4uT3mZ\n(integer) 82')
})
