import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
// The base stylesheet first, so each panel's own stylesheet (imported by the panel) comes after it.
import './styles.css'
import { App } from './App.tsx'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>
)
