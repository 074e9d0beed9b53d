/**
 * @module A command line or expected response as the page shows it: literal text, with chips where
 * the mission declares a wildcard ("any of 1…3600", "a UUID") or uses a value an earlier reply
 * gives and that is not known yet ("the id"). Values already captured are shown as they are. No
 * `{{…}}` of the mission's template language ever reaches the page.
 */
import { describeWildcard, displaySegments, explainWildcard, type DisplaySegment } from '../../../../common/missions/responsePattern.ts'

/** Chip text and tooltip for a segment that is not literal text. */
export function chipWords(segment: Exclude<DisplaySegment, { text: string }>): { text: string; title: string; kind: string } {
  if ('wildcard' in segment) {
    const capture = 'capture' in segment.wildcard ? segment.wildcard.capture : undefined
    const title = explainWildcard(segment.wildcard) + (capture ? `; later blocks use it as “${capture}”` : '')
    return { text: describeWildcard(segment.wildcard), title, kind: segment.wildcard.kind }
  }
  if ('use' in segment)
    return {
      text: `the ${segment.use}`,
      title: `the ${segment.use} an earlier block's reply gives; it shows here once you have run that block`,
      kind: 'capture',
    }
  return { text: 'varies', title: 'varies from run to run', kind: 'unknown' }
}

export function TemplateText({ text, captures = {} }: { text: string; captures?: Readonly<Record<string, string>> }) {
  return (
    <>
      {displaySegments(text, captures).map((segment, index) => {
        if ('text' in segment) return <span key={index}>{segment.text}</span>
        const words = chipWords(segment)
        return (
          <span key={index} className="wildcard" data-wildcard={words.kind} title={words.title}>
            {words.text}
          </span>
        )
      })}
    </>
  )
}
