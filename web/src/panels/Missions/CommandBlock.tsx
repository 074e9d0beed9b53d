/**
 * @module A block of commands from a mission: Run types each line into the
 * terminal and runs it (so it lands in history and its output appears in
 * place); Copy puts the lines on the clipboard. The expected response
 * follows.
 */
import { useState } from 'react'
import type { MissionCommands } from '../../../../server/src/protocol.ts'
import { copyText } from '../../shared/copyText.ts'
import { ResponseView } from './ResponseView.tsx'

export function CommandBlock({ block, runnable, run }: { block: MissionCommands; runnable: boolean; run: (lines: string[]) => void }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null)
  const copy = () => {
    void copyText(block.lines.join('\n')).then((ok) => {
      setCopied(ok ? 'yes' : 'no')
      setTimeout(() => setCopied(null), 1500)
    })
  }
  return (
    <div className={`command-block role-${block.role}`} data-testid="command-block" data-role={block.role}>
      {block.afterSeconds !== null && (
        <p className="block-note">Run this once about {block.afterSeconds} s have passed since the block before (watch the inspector).</p>
      )}
      <div className="command-lines">
        <pre>
          {block.lines.map((line, index) => (
            <div key={index}>
              <span className="command-prompt" aria-hidden="true">
                &gt;{' '}
              </span>
              {line}
            </div>
          ))}
        </pre>
        <div className="command-actions">
          {block.role !== 'setup' && (
            <button
              type="button"
              data-testid="run-block"
              disabled={!runnable}
              onClick={() => run(block.lines)}
              title="Type into the terminal and run"
            >
              Run
            </button>
          )}
          <button type="button" data-testid="copy-block" onClick={copy}>
            {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Copy failed' : 'Copy'}
          </button>
        </div>
      </div>
      {block.response && <ResponseView response={block.response} />}
    </div>
  )
}
