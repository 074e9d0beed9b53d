/**
 * Accessibility: axe-core (the rules of WCAG 2.1 A and AA, and axe's best practices) finds nothing
 * in the inspector with a hash open and a field selected, and the field table works from the
 * keyboard alone.
 */
import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '../fixtures/test.ts'

test('the inspector with a hash open passes axe-core', async ({ page, terminal, inspector }) => {
  await terminal.open('/')
  await terminal.run('HSET axe:hash name "Ada" drinks 2 note "{\\"json\\":true}"')
  await expect(inspector.root.getByTestId('key-view')).toHaveAttribute('data-exists', 'true')
  await inspector.root.locator('[data-testid="field-row"][data-field="name"]').click()
  await expect(inspector.root.getByTestId('field-detail')).toBeVisible()
  const results = await new AxeBuilder({ page }).include('[data-testid="inspector"]').analyze()
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.length} (${violation.help})`)).toEqual([])
})

test('keys, fields and the field detail are reachable and operable from the keyboard alone', async ({ page, terminal, inspector }) => {
  await terminal.open('/')
  await terminal.run('HSET kb:one a 1 b 2 c 3')
  await terminal.run('SET kb:two x')
  // From the key filter, Tab reaches the key buttons; Enter opens one.
  await inspector.root.getByTestId('key-filter').focus()
  const reach = async (locator: ReturnType<typeof page.locator>, what: string) => {
    for (let i = 0; i < 40; i++) {
      if (await locator.evaluate((element) => element === document.activeElement)) return
      await page.keyboard.press('Tab')
    }
    throw new Error(`Tab never reached ${what}`)
  }
  await reach(inspector.key('kb:one'), 'the key kb:one')
  await page.keyboard.press('Enter')
  await expect(inspector.field('a')).toBeVisible()
  // The field table is one tab stop; arrows choose a field and open its detail.
  await reach(inspector.root.getByTestId('field-table'), 'the field table')
  await page.keyboard.press('ArrowDown')
  await expect(inspector.root.getByTestId('field-value-full')).toHaveText('1')
  await page.keyboard.press('End')
  await expect(inspector.root.getByTestId('field-value-full')).toHaveText('3')
  await page.keyboard.press('ArrowUp')
  await expect(inspector.root.getByTestId('field-value-full')).toHaveText('2')
  await expect(inspector.field('b')).toHaveAttribute('aria-selected', 'true')
  // The detail's controls follow in tab order: show as hex, then edit with Enter.
  await reach(inspector.root.getByTestId('value-mode-hex'), 'the hex view')
  await page.keyboard.press('Enter')
  await expect(inspector.root.getByTestId('field-value-full')).toHaveAttribute('data-mode', 'hex')
  await reach(inspector.root.getByTestId('edit-value'), 'Edit value')
  await page.keyboard.press('Enter')
  await expect(inspector.root.getByTestId('value-edit')).toBeFocused()
})

test('the whole playground and the instructor page pass axe-core', async ({ page, terminal }) => {
  await terminal.open('/#/missions/cantina-sessions')
  await terminal.run('HSET session:han_solo username "hsolo" credits 10000')
  await expect(page.getByTestId('key-view')).toHaveAttribute('data-exists', 'true')
  const playground = await new AxeBuilder({ page }).analyze()
  expect(
    playground.violations.flatMap((violation) =>
      violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')} ${node.failureSummary ?? ''}`)
    )
  ).toEqual([])

  await page.goto('/#/teach?key=e2e-instructor-key-0123456789')
  await expect(page.getByTestId('instructor')).toHaveAttribute('data-state', 'open')
  await expect(page.getByTestId('attendee-row').first()).toBeVisible()
  const teach = await new AxeBuilder({ page }).analyze()
  expect(
    teach.violations.flatMap((violation) =>
      violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')} ${node.failureSummary ?? ''}`)
    )
  ).toEqual([])
})
