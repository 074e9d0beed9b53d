/**
 * @module A block of commands from a mission: Run types each line into the
 * terminal and runs it (so it lands in history and its output appears in
 * place); Copy puts the lines on the clipboard. The expected response
 * follows. Values earlier replies gave (`{{id}}`, a session id) are filled in;
 * until they exist, Run waits and says which block gives them.
 */
import { useState } from 'react'
import { fillCaptures, usedNames } from '../../../../common/missions/responsePattern.ts'
import type { MissionCommands } from '../../../../common/protocol/index.ts'
import { copyText } from '../../shared/copyText.ts'
import { ResponseView } from './ResponseView.tsx'
import { TemplateText } from './TemplateText.tsx'

type CommandBlockProps = {
  block: MissionCommands
  runnable: boolean
  run: (lines: string[]) => void
  /** Values the mission's responses captured so far. */
  captures?: Readonly<Record<string, string>>
}

export function CommandBlock({ block, runnable, run, captures = {} }: CommandBlockProps) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null)
  const lines = block.lines.map((line) => fillCaptures(line, captures))
  const waitingFor = [...new Set(lines.flatMap(usedNames))]
  const copy = () => {
    void copyText(lines.join('\n')).then((ok) => {
      setCopied(ok ? 'yes' : 'no')
      setTimeout(() => setCopied(null), 1500)
    })
  }
  return (
    <div
      className={`command-block role-${block.role}`}
      data-testid="command-block"
      data-role={block.role}
      data-after-seconds={block.afterSeconds ?? undefined}
    >
      {block.afterSeconds !== null && (
        <p className="block-note">Run this once about {block.afterSeconds} s have passed since the block before (watch the inspector).</p>
      )}
      {waitingFor.length > 0 && (
        <p className="block-note" data-testid="block-waiting">
          This block uses {waitingFor.map((name) => `the ${name}`).join(' and ')} that an earlier block&apos;s reply gives: run that one
          first.
        </p>
      )}
      <div className="command-lines">
        {/* The buttons come first so that on a phone the command's text flows around them (missions.css). */}
        <div className="command-actions">
          {block.role !== 'setup' && (
            <button
              type="button"
              data-testid="run-block"
              disabled={!runnable || waitingFor.length > 0}
              onClick={() => run(lines)}
              title="Type into the terminal and run"
            >
              Run
            </button>
          )}
          <button type="button" data-testid="copy-block" onClick={copy}>
            {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Copy failed' : 'Copy'}
          </button>
        </div>
        <pre>
          {lines.map((line, index) => (
            <div key={index}>
              <span className="command-prompt" aria-hidden="true">
                &gt;{' '}
              </span>
              <TemplateText text={line} />
            </div>
          ))}
        </pre>
      </div>
      {block.response && <ResponseView response={block.response} captures={captures} />}
    </div>
  )
}
