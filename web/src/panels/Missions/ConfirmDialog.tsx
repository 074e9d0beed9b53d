/**
 * @module An in-page confirmation for actions that empty the sandbox (Set
 * up, Reset mission). A real <dialog>, modal, so Escape cancels and focus
 * stays inside; not window.confirm, which test tools and some kiosks block.
 */
import { useEffect, useRef, type ReactNode } from 'react'

export type ConfirmRequest = { title: string; body: ReactNode; action: string; onConfirm: () => void }

export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest | null; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const element = dialog.current
    if (!element) return
    if (request && !element.open) element.showModal()
    if (!request && element.open) element.close()
  }, [request])
  return (
    <dialog ref={dialog} className="confirm-dialog" data-testid="confirm-dialog" onClose={onClose}>
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
