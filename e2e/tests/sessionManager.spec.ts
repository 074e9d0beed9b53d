/**
 * The session-manager module's README example (the module's own usage example), typed line by line into
 * the browser's terminal: the module's replies, and above each the FCALL the playground ran.
 */
import { expect, test } from '../fixtures/test.ts'

test("the module README's example gives the module's replies, showing the real command", async ({ terminal }) => {
  await terminal.open()
  const created = await terminal.run('SESSION.CREATE user123')
  expect(created).toHaveLength(2)
  const id = /^Session created: ([0-9a-f-]{36})$/.exec(created[1]!)?.[1] ?? ''
  expect(id).not.toBe('')
  expect(created[0]).toBe(`-> FCALL session_create 3 custom:map sessions session:${id} user123 ${id}`)

  const listed = await terminal.run('SESSION.LIST')
  expect(listed[1]).toMatch(new RegExp(`^1\\) "ID: ${id}, Key: user123, Created: \\d{4}-\\d\\d-\\d\\dT[\\d:.]+\\+00:00"$`))
  expect(await terminal.run(`SESSION.ADD_DATA ${id} username "John Doe"`)).toEqual([
    `-> FCALL session_add_data 2 session:${id} session:${id}:data ${id} username "John Doe"`,
    'OK',
  ])
  expect((await terminal.run(`SESSION.GET_DATA ${id} username`))[1]).toBe('"John Doe"')
  const got = (await terminal.run(`SESSION.GET ${id}`))[1]!
  expect(got).toMatch(
    new RegExp(
      `^"\\{\\\\"id\\\\":\\\\"${id}\\\\",\\\\"user_key\\\\":\\\\"user123\\\\",\\\\"created_at\\\\":\\\\"[^\\\\]+Z\\\\",\\\\"last_accessed\\\\":\\\\"[^\\\\]+Z\\\\",\\\\"data\\\\":\\{\\\\"username\\\\":\\\\"John Doe\\\\"\\}\\}"$`
    )
  )
  expect((await terminal.run('CUSTOM.GET user123'))[1]).toBe(`"${id}"`)
  expect((await terminal.run(`SESSION.DELETE ${id}`))[1]).toBe('(integer) 1')
  expect((await terminal.run('CUSTOM.GET user123'))[1]).toBe('(nil)')
  // Errors as the module gives them, without ERR.
  expect(await terminal.run('SESSION.GET_DATA nope username')).toEqual([
    '-> FCALL session_get_data 2 session:nope session:nope:data nope username',
    '(error) Session not found: nope',
  ])
})

test('help and hints know the session commands', async ({ terminal }) => {
  await terminal.open()
  const help = await terminal.run('help SESSION.ADD_DATA')
  expect(help.join('\n')).toMatch(/SESSION\.ADD_DATA session_id key value/)
  expect(help.join('\n')).toMatch(/group: playground \(session manager\)/)
})

test('the session-manager mission completes by Run, with the session id its reply gave filled into later blocks', async ({
  page,
  terminal,
  mission,
}) => {
  test.setTimeout(120_000)
  await terminal.open('/#/missions/session-manager')
  await expect(mission.view).toHaveAttribute('data-mission-id', 'session-manager')
  const steps = await mission.stepIds()
  expect(steps).toEqual(['record', 'lookup', 'data', 'list', 'delete', 'create', 'session-data', 'get', 'end', 'readme'])

  // Before SESSION.CREATE has answered, the blocks that need its id wait and say why.
  const later = mission.step('session-data').getByTestId('command-block').first()
  await expect(later.getByTestId('block-waiting')).toContainText('the id')
  await expect(later.getByTestId('run-block')).toBeDisabled()
  // No template reaches the page: the id not known yet is a chip ("Session exists: the id").
  const exists = mission.step('create').getByTestId('expected-response').filter({ hasText: 'Session exists' })
  await expect(exists.locator('[data-wildcard="capture"]')).toHaveText('the id')
  expect(await mission.view.innerText()).not.toContain('{{')
  // On the fresh sandbox no check is ticked, however true it reads ("The record is gone"), once the server has reported.
  await expect(mission.step('record').getByTestId('mission-check').first()).toHaveAttribute('data-state', 'failing')
  await expect(mission.view.locator('[data-testid="mission-check"][data-ok="true"]')).toHaveCount(0)
  await expect(mission.check('end', 'The record is gone')).toHaveAttribute('data-state', 'waiting')

  for (const [index, id] of steps.entries()) {
    await mission.runStep(id, terminal)
    await mission.expectDone(id)
    await expect.poll(() => mission.progress()).toEqual({ done: index + 1, total: steps.length })
  }

  // The id in the blocks is the one the terminal printed.
  const text = await terminal.text()
  const sessionId = /Session created: ([0-9a-f-]{36})/.exec(text)?.[1] ?? ''
  expect(sessionId).not.toBe('')
  await expect(later.getByTestId('block-waiting')).toHaveCount(0)
  await expect(later.locator('.command-lines pre')).toContainText(`SESSION.ADD_DATA ${sessionId} username "John Doe"`)
  await expect(later.getByTestId('expected-response')).toContainText(`session:${sessionId}:data`)
  expect(text).toContain(`> SESSION.DELETE ${sessionId}\n-> FCALL session_delete 4 session:${sessionId}`)
  expect(await mission.view.innerText()).not.toContain('{{')

  // The captured id is kept with the progress: a reload shows the same blocks.
  await page.reload()
  await terminal.waitForPrompt()
  await expect.poll(() => mission.progress()).toEqual({ done: steps.length, total: steps.length })
  await expect(mission.step('session-data').getByTestId('command-block').first().locator('.command-lines pre')).toContainText(sessionId)
})
