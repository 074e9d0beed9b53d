/**
 * @module The panels the first prompt does not need (the lesson, the inspector, inspect mode's
 * tools), in a chunk of their own that the page loads once the terminal has drawn. Evaluating and
 * rendering them before would delay the prompt by about as long as the terminal itself takes.
 */
export { InspectorPanel } from './panels/Inspector/InspectorPanel.tsx'
export { MissionsPanel } from './panels/Missions/MissionsPanel.tsx'
export { OwnValkeyTools } from './panels/OwnValkey/OwnValkeyTools.tsx'
