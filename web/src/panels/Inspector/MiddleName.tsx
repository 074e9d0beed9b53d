/**
 * @module A key or field name cut in the middle to the room its cell has (middleTruncate), never
 * losing the whole name: it is the tooltip (hover), the text assistive technology reads (the cut
 * form is hidden from it), and what a focused row shows (inspector.css unfolds it on :focus-visible).
 *
 * The cell must take its width from its container, not from its text (`flex: 1 1 0` or a grid
 * column), or it would never need cutting.
 */
import { useRef } from 'react'
import { middleTruncate } from './middleTruncate.ts'
import { useColumns } from './textColumns.ts'

type Props = {
  /** The name as shown (showName). */
  name: string
  className: string
  /** The tooltip, when it should say more than the name (a key's full name beside its short label in the tree). */
  title?: string
  testId?: string
}

export function MiddleName({ name, className, title = name, testId }: Props) {
  const ref = useRef<HTMLSpanElement>(null)
  const columns = useColumns(ref)
  // Until measured, the whole name, which CSS cuts at the end for that one frame.
  const shown = columns === null ? name : middleTruncate(name, columns)
  const cut = shown !== name
  return (
    <span ref={ref} className={`middle-name ${className}`} title={title} data-testid={testId} data-cut={cut ? 'true' : 'false'}>
      {cut ? (
        <>
          <span className="cut-name" aria-hidden="true">
            {shown}
          </span>
          <span className="full-name">{name}</span>
        </>
      ) : (
        name
      )}
    </span>
  )
}
