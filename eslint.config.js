// @ts-check
/**
 * @module ESLint (flat config): the rules this codebase follows, checked by `npm run lint` and `npm test`.
 *
 * Type-aware rules run with typescript-eslint's project service, which picks each file's own
 * tsconfig (web/, server/, server/test/, e2e/, bench/, scripts/), so a rule sees the same types the
 * compiler does. Formatting is Prettier's job (eslint-config-prettier switches off the overlap).
 */
import js from '@eslint/js'
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs'
import prettier from 'eslint-config-prettier'
import { importX } from 'eslint-plugin-import-x'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import { defineConfig } from 'eslint/config'

/** The one module that may open a WebSocket in the page: the connection the socket hook owns. */
// One socket owner per page: the playground's and the instructor page's.
const SOCKET_OWNERS = ['web/src/hooks/ProxyConnection.ts', 'web/src/hooks/InstructorConnection.ts']

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
    plugins: { 'import-x': importX },
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
      // No import cycles anywhere: they make start-up order matter and hide layering mistakes.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
    },
  },
  {
    // The bootstrap scripts and this config are plain JavaScript run by Node.
    files: ['**/*.{mjs,js}'],
    languageOptions: { globals: globals.node },
  },
  {
    // The page: React hooks rules, one socket owner per page, and nothing from the server but the shared
    // protocol (and the response matcher the missions panel shares with the server).
    files: ['web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs['recommended-latest'].rules,
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='WebSocket']",
          message: `Only ${SOCKET_OWNERS.join(' and ')} open sockets; panels reach them through useProxySocket / useInstructorSocket.`,
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '/server/src/(?!protocol\\.ts$|missions/responsePattern\\.ts$)',
              message: 'The page may import only the shared protocol (server/src/protocol.ts) from the server.',
            },
          ],
        },
      ],
    },
  },
  {
    files: SOCKET_OWNERS,
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The server never reaches into the page, except web/src/cli, which is runtime-neutral by design.
    files: ['server/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '/web/src/(?!cli/)',
              message: 'The server may use only web/src/cli (no DOM, no React) from the page.',
            },
          ],
        },
      ],
    },
  },
  prettier
)
