/** @module The React app's mount, loaded by main.tsx once the connection is on its way. */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'

export function mountApp(element: HTMLElement): void {
  createRoot(element).render(
    <StrictMode>
      <App />
    </StrictMode>
  )
}
