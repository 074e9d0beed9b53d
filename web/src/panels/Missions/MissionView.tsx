/**
 * @module One mission: title and progress, introduction, steps, and the
 * way to the previous and next missions. A mission this server cannot run
 * (it needs a feature Valkey lacks here) is readable but not runnable.
 */
import type { MissionCommands, MissionDoc, MissionProgressMessage, MissionSummary } from '../../../../common/protocol/index.ts'
import { useCallback, useMemo, useRef } from 'react'
import { CommandBlock } from './CommandBlock.tsx'
import { currentStep, useFollowLearner } from './followLearner.ts'
import { missionHref } from './missionRoute.ts'
import { ProgressBar } from './ProgressBar.tsx'
import { SETUP_ANCHOR, StepView } from './StepView.tsx'
import { useStickyHeight } from './useStickyHeight.ts'

export type MissionViewProps = {
  doc: MissionDoc
  list: MissionSummary[]
  progress: MissionProgressMessage | null
  focusedStep: string | null
  run: (lines: string[], key?: string | null) => void
  onSetup: (setup: MissionCommands) => void
  onReset: () => void
}

export function MissionView({ doc, list, progress, focusedStep, run, onSetup, onReset }: MissionViewProps) {
  const doneList = progress?.done[doc.id]
  const done = useMemo(() => new Set(doneList ?? []), [doneList])
  // Steps this server cannot run (a feature it lacks) are never done, so the lesson follows and completes without them.
  const stepIds = useMemo(() => doc.steps.filter((step) => step.unavailable === null).map((step) => step.id), [doc])
  const lines = progress?.open?.id === doc.id ? progress.open.lines : {}
  const captures = progress?.open?.id === doc.id ? progress.open.captures : {}
  // A mission this server cannot run has no step to be on.
  const current = doc.available ? currentStep(stepIds, done) : null
  const complete = doc.available && current === null && stepIds.length > 0
  const root = useRef<HTMLElement>(null)
  const find = useCallback(
    (target: string) =>
      root.current?.querySelector<HTMLElement>(
        target === 'complete' ? '[data-testid="mission-complete"]' : `[data-testid="mission-step"][data-step-id="${CSS.escape(target)}"]`
      ) ?? null,
    []
  )
  useFollowLearner(root, stepIds, done, progress !== null, find)
  const at = list.findIndex((mission) => mission.id === doc.id)
  const previous = at > 0 ? list[at - 1] : null
  const next = at >= 0 && at + 1 < list.length ? list[at + 1] : null
  const runnable = doc.available
  // A step followed from a link (the instructor's announcement) lands below the pinned header.
  const header = useStickyHeight<HTMLElement>()

  return (
    <article
      ref={root}
      className="mission-view"
      data-testid="mission-view"
      data-mission-id={doc.id}
      data-complete={complete ? 'true' : 'false'}
    >
      <header className="mission-header" ref={header}>
        <a href={missionHref(null)} className="back-link" data-testid="mission-list-link">
          ← All missions
        </a>
        <h2>{doc.title}</h2>
        <p className="muted">About {doc.minutes} minutes</p>
        <ProgressBar done={stepIds.filter((id) => done.has(id)).length} total={stepIds.length} />
        <button type="button" className="reset-button" data-testid="mission-reset" data-keeps-focus disabled={!runnable} onClick={onReset}>
          Reset mission
        </button>
      </header>

      {!doc.available && (
        <p className="unavailable" data-testid="mission-unavailable" role="note">
          {doc.unavailable} You can read it, but its commands would fail here, so Run is off.
        </p>
      )}

      {doc.intro.map((block, index) =>
        block.kind === 'prose' ? (
          <div key={index} className="prose" dangerouslySetInnerHTML={{ __html: block.html }} />
        ) : block.kind === 'commands' && block.role === 'setup' ? (
          <div key={index} className="setup-block" id={SETUP_ANCHOR}>
            <CommandBlock block={block} runnable={runnable} run={run} captures={captures} />
            <button type="button" data-testid="mission-setup" data-keeps-focus disabled={!runnable} onClick={() => onSetup(block)}>
              Set up
            </button>
          </div>
        ) : block.kind === 'commands' ? (
          <CommandBlock key={index} block={block} runnable={runnable} run={run} captures={captures} />
        ) : null
      )}

      {doc.steps.map((step, index) => (
        <StepView
          key={`${doc.id}/${step.id}`}
          missionId={doc.id}
          step={step}
          number={index + 1}
          done={done.has(step.id)}
          lines={lines[step.id]}
          current={step.id === current}
          runnable={runnable}
          focused={focusedStep === step.id}
          setup={step.setup}
          sharedSetup={step.challenge && step.setup === null && doc.setup !== null}
          run={run}
          captures={captures}
          onSetup={onSetup}
        />
      ))}

      {complete && (
        <section className="mission-complete" data-testid="mission-complete" role="status">
          <h3>Mission complete</h3>
          <p>
            {stepIds.length === doc.steps.length
              ? `All ${doc.steps.length} steps of “${doc.title}” are done.`
              : `All ${stepIds.length} steps of “${doc.title}” this server can run are done.`}{' '}
            {next ? (
              <>
                Next:{' '}
                <a href={missionHref(next.id)} data-testid="mission-complete-next">
                  {next.title} →
                </a>
              </>
            ) : (
              <>
                That was the last mission.{' '}
                <a href={missionHref(null)} data-testid="mission-complete-next">
                  All missions
                </a>
              </>
            )}
          </p>
        </section>
      )}

      <nav className="mission-nav">
        {previous ? (
          <a href={missionHref(previous.id)} data-testid="mission-prev">
            ← {previous.title}
          </a>
        ) : (
          <span />
        )}
        {next && (
          <a href={missionHref(next.id)} data-testid="mission-next">
            {next.title} →
          </a>
        )}
      </nav>
    </article>
  )
}
