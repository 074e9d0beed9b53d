/**
 * @module One step of a mission: its text and command blocks, and the
 * checks the server runs against the sandbox, each ticked live. A challenge
 * hides its solution, opens hints one at a time, and offers Set up.
 */
import { useEffect, useRef, useState } from 'react'
import { MISSION_FEATURES, type MissionCheckLine, type MissionCommands, type MissionStep } from '../../../../common/protocol/index.ts'
import { fillCaptures } from '../../../../common/missions/responsePattern.ts'
import { CommandBlock } from './CommandBlock.tsx'
import { missionHref } from './missionRoute.ts'
import { TemplateText } from './TemplateText.tsx'

export type StepViewProps = {
  missionId: string
  step: MissionStep
  number: number
  done: boolean
  /** What each check line shows (in declared order); undefined until the server reports. */
  lines: MissionCheckLine[] | undefined
  /** The step the learner is on: the first one not done. */
  current: boolean
  runnable: boolean
  focused: boolean
  /** This step's own Set up. */
  setup: MissionCommands | null
  /** A challenge that starts from the mission's one Set up (in the introduction). */
  sharedSetup: boolean
  run: (lines: string[], key: string | null) => void
  /** Values the mission's responses captured so far ({{id}}). */
  captures: Readonly<Record<string, string>>
  onSetup: (setup: MissionCommands) => void
}

/** Where the mission's shared Set up sits, for the challenges that point to it. */
export const SETUP_ANCHOR = 'mission-setup-block'

function goToSharedSetup(): void {
  const block = document.getElementById(SETUP_ANCHOR)
  block?.scrollIntoView({ block: 'center', behavior: 'smooth' })
  block?.querySelector<HTMLButtonElement>('[data-testid="mission-setup"]')?.focus({ preventScroll: true })
}

export function StepView({
  missionId,
  step,
  number,
  done,
  lines,
  current,
  runnable: missionRunnable,
  focused,
  setup,
  sharedSetup,
  run,
  captures,
  onSetup,
}: StepViewProps) {
  // A step can need more than its mission (HGETDEL on a server with field expiry but no HGETDEL).
  const runnable = missionRunnable && step.unavailable === null
  const [hintsShown, setHintsShown] = useState(0)
  const [solutionShown, setSolutionShown] = useState(false)
  const root = useRef<HTMLElement>(null)
  useEffect(() => {
    if (focused) root.current?.scrollIntoView({ block: 'start', behavior: 'smooth' })
  }, [focused])

  const hints = step.blocks.filter((block) => block.kind === 'hint')
  const hasSolution = step.blocks.some((block) => block.kind === 'commands' && block.role === 'solution')
  let hintIndex = 0

  return (
    <section
      ref={root}
      className={`mission-step${done ? ' done' : ''}${focused ? ' focused' : ''}${current ? ' current' : ''}${step.challenge ? ' challenge' : ''}`}
      data-testid="mission-step"
      data-step-id={step.id}
      data-done={done ? 'true' : 'false'}
      data-current={current ? 'true' : 'false'}
      aria-current={current ? 'step' : undefined}
      id={`step-${step.id}`}
    >
      <h3>
        <span className="step-mark" aria-label={done ? 'done' : 'not done yet'}>
          {done ? '✓' : number}
        </span>
        <a href={missionHref(missionId, step.id)} className="step-link" title="Link to this step">
          {step.challenge && <span className="challenge-tag">Challenge</span>}
          {step.title}
        </a>
        {current && (
          <span className="current-tag" data-testid="current-step-marker">
            You are here
          </span>
        )}
      </h3>

      {step.requires.length > 0 && (
        <p
          className={step.unavailable === null ? 'step-needs' : 'unavailable'}
          data-testid="step-needs"
          data-available={step.unavailable === null ? 'true' : 'false'}
          role="note"
        >
          {step.unavailable ?? `This step needs ${step.requires.map((feature) => MISSION_FEATURES[feature].label).join(' and ')}.`}
          {step.unavailable !== null && ' You can read it, but its commands would fail here, so its Run is off.'}
        </p>
      )}

      {sharedSetup && (
        <p className="setup-note" data-testid="setup-note">
          This challenge starts from what <strong>Set up</strong> in the introduction creates.{' '}
          <button type="button" className="link-button" data-keeps-focus onClick={goToSharedSetup}>
            Go to Set up
          </button>{' '}
          if you have not run it yet.
        </p>
      )}

      {step.challenge && setup && (
        <div className="challenge-tools">
          <button type="button" data-testid="mission-setup" data-keeps-focus disabled={!runnable} onClick={() => onSetup(setup)}>
            Set up
          </button>
        </div>
      )}

      {step.blocks.map((block, index) => {
        if (block.kind === 'prose') {
          if (block.withSolution && !solutionShown) return null
          return <div key={index} className="prose" dangerouslySetInnerHTML={{ __html: block.html }} />
        }
        if (block.kind === 'hint') {
          const position = hintIndex++
          if (position >= hintsShown) return null
          return (
            <div key={index} className="hint" data-testid="mission-hint">
              <span className="hint-label">Hint {position + 1}</span>
              <div className="prose" dangerouslySetInnerHTML={{ __html: block.html }} />
            </div>
          )
        }
        if (block.role === 'solution' && !solutionShown) return null
        if (block.role === 'setup') return null
        const key = step.key === null ? null : fillCaptures(step.key, captures)
        return <CommandBlock key={index} block={block} runnable={runnable} captures={captures} run={(lines) => run(lines, key)} />
      })}

      {step.challenge && (hints.length > hintsShown || (hasSolution && !solutionShown)) && (
        <div className="challenge-tools">
          {hints.length > hintsShown && (
            <button type="button" data-testid="hint-next" onClick={() => setHintsShown(hintsShown + 1)}>
              Show hint {hintsShown + 1} of {hints.length}
            </button>
          )}
          {hasSolution && !solutionShown && (
            <button type="button" data-testid="show-solution" onClick={() => setSolutionShown(true)}>
              Show the solution
            </button>
          )}
        </div>
      )}

      <ul className="checks" aria-label="Checks">
        {step.checks.map((check, index) => {
          const state = done ? 'ok' : (lines?.[index]?.state ?? 'waiting')
          const why = state === 'failing' ? (lines?.[index]?.why ?? null) : null
          return (
            <li
              key={index}
              className={`check-${state}`}
              data-testid="mission-check"
              data-ok={state === 'ok' ? 'true' : 'false'}
              data-state={state}
            >
              <span className="check-mark" aria-hidden="true">
                {state === 'ok' ? '✓' : '○'}
              </span>
              <span className="check-text">
                <TemplateText text={check.label} captures={captures} />
                {why && (
                  <span className="check-why" data-testid="check-why">
                    {why}
                  </span>
                )}
              </span>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
