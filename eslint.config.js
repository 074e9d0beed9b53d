// @ts-check
/**
 * @module ESLint (flat config): the rules this codebase follows, checked by `npm run lint` and `npm test`.
 *
 * Type-aware rules run with typescript-eslint's project service, which picks each file's own
 * tsconfig (common/, web/, server/, server/test/, e2e/, bench/, scripts/), so a rule sees the same
 * types the compiler does. Formatting is Prettier's job (eslint-config-prettier switches off the overlap).
 */
import js from '@eslint/js'
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs'
import prettier from 'eslint-config-prettier'
import { importX } from 'eslint-plugin-import-x'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import { defineConfig } from 'eslint/config'
import { builtinModules } from 'node:module'
import typeImportCycles from './scripts/lint/typeImportCycles.mjs'

/**
 * What may import what, between the top-level folders. common/ holds the runtime-neutral code (the
 * protocol, the page's connection classes, the terminal's valkey-cli emulation, command tables) and is
 * the only way code crosses between server/ and web/; it imports from neither.
 */
const BOUNDARY_ZONES = [
  {
    target: './common',
    from: ['./server', './web', './e2e', './bench', './scripts'],
    message: 'common/ is imported by both server/ and web/, so it imports from neither: move what it needs into common/.',
  },
  {
    target: './server',
    from: './web',
    message: 'server/ may not import from web/: code both need lives in common/.',
  },
  {
    target: './web',
    from: './server',
    message: 'web/ may not import from server/: code both need (the protocol included) lives in common/.',
  },
]

/** Node's built-in modules, with or without the `node:` prefix, and their subpaths (fs/promises). */
const NODE_BUILTIN = `^(node:.*|(${builtinModules.join('|')})(/.*)?)$`

/**
 * The one module of web/ that may touch the browser's WebSocket: it hands the class to the connections
 * (common/connection), which the playground's and the instructor page's socket hooks own.
 */
const SOCKET_OWNER = 'web/src/connection/browserSocket.ts'

export default defineConfig(
  {
    ignores: ['node_modules/', '.cache/', 'web/dist/', 'test-results/', 'playwright-report/', 'bench/results/'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  comments.recommended,
  {
    // Every file is in one of the tsconfig projects, so every file gets type information.
    files: ['**/*.{ts,tsx,mjs,js}'],
    languageOptions: {
      parserOptions: {
        // This file is the only one outside every tsconfig project.
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX, cycles: typeImportCycles },
    settings: { 'import-x/extensions': ['.ts', '.tsx', '.mjs', '.js'] },
    rules: {
      // Control characters in patterns are the subject matter here (byte strings, RESP, ANSI
      // escapes in the terminal), never a typo.
      'no-control-regex': 'off',
      // The server is promise-heavy: a promise nobody awaits or catches is an unhandled rejection
      // waiting to happen on the socket path, and an async callback where a void one is expected
      // (an event listener, a forEach) drops its errors on the floor.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A disable comment must say why (`-- reason`), and must still be needed.
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
      '@eslint-community/eslint-comments/disable-enable-pair': ['error', { allowWholeFile: true }],
      // No import cycles anywhere: they make start-up order matter and hide layering mistakes. A
      // dynamic import() counts too. import-x/no-cycle skips type-only imports (it has no option to
      // count them), so cycles/no-type-cycle reports the cycles that pass through one: a cycle of
      // types still ties two modules together.
      'import-x/no-cycle': ['error', { ignoreExternal: true, allowUnsafeDynamicCyclicDependency: false }],
      'cycles/no-type-cycle': 'error',
      'import-x/no-self-import': 'error',
    },
  },
  {
    // The bootstrap scripts and this config are plain JavaScript run by Node.
    files: ['**/*.{mjs,js}'],
    languageOptions: { globals: globals.node },
  },
  {
    // The page: React hooks rules, and one module that touches the browser's WebSocket.
    files: ['web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs['recommended-latest'].rules,
      'no-restricted-globals': [
        'error',
        {
          name: 'WebSocket',
          message: `Only ${SOCKET_OWNER} uses WebSocket; panels reach the page's connection through useConnection() / useInstructorConnection().`,
        },
      ],
    },
  },
  {
    files: [SOCKET_OWNER],
    rules: { 'no-restricted-globals': 'off' },
  },
  {
    // Where code may cross between folders: see BOUNDARY_ZONES. Paths are resolved, so a relative import
    // is judged by the file it reaches, whatever its spelling. (An import that does not resolve is not
    // judged here; tsc fails on it, and each tsconfig project also rejects files outside its own.)
    files: ['**/*.{ts,tsx,mjs,js}'],
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: BOUNDARY_ZONES }] },
  },
  {
    // common/ runs in the page and in the server alike: no Node built-ins, no package that only one of
    // them can load, and no browser or Node globals (common/tsconfig.json has neither the DOM nor the
    // Node types, so the compiler rejects `window` or `process`; these rules catch the imports).
    files: ['common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: NODE_BUILTIN,
              message: 'common/ also runs in the browser: Node built-in modules belong in server/ (or pass in what you need).',
            },
            {
              group: ['react', 'react/*', 'react-dom', 'react-dom/*', '@xterm/*'],
              message: 'common/ also runs in Node: browser-only packages (React, xterm.js) belong in web/.',
            },
            {
              group: ['ws', 'ws/*', 'iovalkey', 'iovalkey/*', 'tsx', 'tsx/*'],
              message: 'common/ also runs in the browser: server-only packages (ws, iovalkey) belong in server/.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression',
          message: 'common/ imports statically, so the import rules above see every module it loads.',
        },
      ],
    },
  },
  prettier
)
