import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import react from '@vitejs/plugin-react'

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * main.tsx loads the app's chunk with import() once it has started the connection; without a hint
 * the browser would ask for that chunk only then. This lists it (and what it imports) in the page
 * as modulepreload, so it downloads and compiles alongside main.tsx.
 */
function preloadAppChunk(): Plugin {
  return {
    name: 'preload-app-chunk',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const bundle = context.bundle ?? {}
        const app = Object.values(bundle).find(
          (chunk) => chunk.type === 'chunk' && chunk.isDynamicEntry && chunk.facadeModuleId?.endsWith('appRoot.tsx')
        )
        if (!app || app.type !== 'chunk') return []
        const scripts = [app.fileName, ...app.imports].filter((file) => file !== context.chunk?.fileName)
        const styles = [...(app.viteMetadata?.importedCss ?? [])]
        return [
          ...scripts.map((file) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` },
            injectTo: 'head' as const,
          })),
          ...styles.map((file) => ({
            tag: 'link',
            attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `/${file}` },
            injectTo: 'head' as const,
          })),
        ]
      },
    },
  }
}

export default defineConfig({
  root,
  plugins: [react(), preloadAppChunk()],
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
