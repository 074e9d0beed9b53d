/**
 * @module The response a block is expected to print, exactly as valkey-cli
 * prints it. Declared wildcards (a TTL that counts down, SCAN's key order)
 * are drawn as chips that say what may differ, so nobody thinks their
 * different number is wrong.
 */
import type { ResponseSpec } from '../../../../common/protocol/index.ts'
import { describeWildcard, fillCaptures, responseSegments } from '../../../../common/missions/responsePattern.ts'

/** `captures`: values earlier replies gave ({{id}}), shown as they are once known. */
export function ResponseView({ response, captures = {} }: { response: ResponseSpec; captures?: Readonly<Record<string, string>> }) {
  return (
    <div className="response" data-testid="expected-response">
      <pre>
        {responseSegments(fillCaptures(response.text, captures).replace(/\n$/, '')).map((segment, index) =>
          'text' in segment ? (
            <span key={index}>{segment.text}</span>
          ) : (
            <span
              key={index}
              className="wildcard"
              title={
                segment.wildcard.kind === 'int'
                  ? `varies: ${describeWildcard(segment.wildcard)}`
                  : 'capture' in segment.wildcard && segment.wildcard.capture
                    ? `varies from run to run; later blocks use it as {{${segment.wildcard.capture}}}`
                    : 'varies from run to run'
              }
            >
              {describeWildcard(segment.wildcard)}
            </span>
          )
        )}
      </pre>
      {response.unordered && <p className="response-note">The order of these lines may differ on your screen.</p>}
    </div>
  )
}
