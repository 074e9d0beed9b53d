/**
 * @module An in-page confirmation for actions that empty the sandbox (Set
 * up, Reset mission). A real <dialog>, modal, so Escape cancels and focus
 * stays inside; not window.confirm, which test tools and some kiosks block.
 *
 * The <dialog> is always in the DOM; `data-state` says whether it is asking ("open") or not
 * ("closed"), and `data-kind` what it asks about, so a test can wait for the question.
 */
import { useLayoutEffect, useRef, type ReactNode } from 'react'

/** `kind`: what is asked ("setup" or "reset"), for tests (data-kind). */
export type ConfirmRequest = { kind: 'setup' | 'reset'; title: string; body: ReactNode; action: string; onConfirm: () => void }

export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest | null; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null)
  // Before paint, so data-state and the element's own `open` never disagree on screen.
  useLayoutEffect(() => {
    const element = dialog.current
    if (!element) return
    if (request && !element.open) element.showModal()
    if (!request && element.open) element.close()
  }, [request])
  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      data-testid="confirm-dialog"
      data-state={request ? 'open' : 'closed'}
      data-kind={request?.kind}
      aria-label={request?.title}
      onClose={onClose}
    >
      {request && (
        <form method="dialog">
          <h3>{request.title}</h3>
          <div className="confirm-body">{request.body}</div>
          <div className="confirm-actions">
            <button type="submit" value="cancel" data-testid="confirm-cancel">
              Cancel
            </button>
            <button type="submit" value="ok" className="danger" data-testid="confirm-ok" onClick={() => request.onConfirm()} autoFocus>
              {request.action}
            </button>
          </div>
        </form>
      )}
    </dialog>
  )
}
