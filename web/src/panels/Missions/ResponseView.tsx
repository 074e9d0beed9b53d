/**
 * @module The response a block is expected to print, exactly as valkey-cli
 * prints it. Declared wildcards (a TTL that counts down, SCAN's key order)
 * are drawn as chips that say what may differ, so nobody thinks their
 * different number is wrong.
 */
import type { ResponseSpec } from '../../../../common/protocol/index.ts'
import { TemplateText } from './TemplateText.tsx'

/** `captures`: values earlier replies gave ({{id}}), shown as they are once known. */
export function ResponseView({ response, captures = {} }: { response: ResponseSpec; captures?: Readonly<Record<string, string>> }) {
  return (
    <div className="response" data-testid="expected-response">
      <pre>
        <TemplateText text={response.text.replace(/\n$/, '')} captures={captures} />
      </pre>
      {response.unordered && <p className="response-note">The order of these lines may differ on your screen.</p>}
    </div>
  )
}
