import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

const root = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // xterm.js is one large module; splitting it further gains nothing.
    chunkSizeWarningLimit: 1024,
  },
  server: {
    // `npm run dev`: Vite serves the page with hot reload and forwards the
    // WebSocket and the API to the playground server started by scripts/dev.mjs.
    proxy: {
      '/ws': { target: `http://127.0.0.1:${process.env.PLAYGROUND_PORT ?? 8080}`, ws: true },
      '/api': { target: `http://127.0.0.1:${process.env.PLAYGROUND_PORT ?? 8080}` },
    },
  },
})
