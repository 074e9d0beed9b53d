/**
 * @module A destructive button that asks first, in place: the first press turns it into
 * "Delete …? [Delete] [Keep]", with the safe choice focused, so a stray Enter or a double click
 * deletes nothing. Escape keeps.
 */
import { useEffect, useRef, useState } from 'react'

export type ConfirmButtonProps = {
  label: string
  question: string
  testId: string
  onConfirm: () => void
}

export function ConfirmButton({ label, question, testId, onConfirm }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false)
  const keep = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (asking) keep.current?.focus()
  }, [asking])

  if (!asking) {
    return (
      <button type="button" className="danger" data-testid={testId} onClick={() => setAsking(true)}>
        {label}
      </button>
    )
  }
  return (
    <span
      className="confirm-inline"
      role="group"
      aria-label={question}
      data-testid={`${testId}-confirm`}
      onKeyDown={(event) => event.key === 'Escape' && setAsking(false)}
    >
      <span>{question}</span>
      <button
        type="button"
        className="danger"
        data-testid={`${testId}-yes`}
        onClick={() => {
          setAsking(false)
          onConfirm()
        }}
      >
        {label}
      </button>
      <button type="button" ref={keep} data-testid={`${testId}-no`} onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  )
}
