import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
// The base stylesheet first, so each panel's own stylesheet (imported by the panel) comes after it.
import './styles.css'
import { App } from './App.tsx'
import { localNameStore } from './connection/storage.ts'
import { applyNamePreset } from './panels/Room/namePreset.ts'

applyNamePreset(window.location.search, localNameStore)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>
)
