// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Libraries that only adapters (platforms/) and the Redis store (memory/) may import. */
const platformAndStorageLibraries = [
  'ioredis',
  'discord.js',
  '@discordjs/*',
  'grammy',
  '@grammyjs/*',
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The layer rule of ../shared/STYLE.md: core knows no platform, no Redis client, no adapter.
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: platformAndStorageLibraries,
              message: 'core/ must not import platform libraries or ioredis; inject what it needs.',
            },
            {
              group: [
                '**/platforms/**',
                '**/memory/**',
                '**/main.js',
                '**/app.js',
                '**/config.js',
                '**/logger.js',
                '**/http/**',
              ],
              message: 'core/ depends on ports, not on adapters or wiring.',
            },
          ],
        },
      ],
    },
  },
  {
    // Memory knows nothing of platforms or of the conversation core's internals.
    files: ['src/memory/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['discord.js', '@discordjs/*', 'grammy', '@grammyjs/*', '**/platforms/**'],
              message: 'memory/ must not know platforms.',
            },
            {
              regex: '^(\\.\\./)+core/(?!(memory-port|types)\\.js$)',
              message:
                'memory/ implements the port of core/memory-port.ts and imports only it and core/types.',
            },
            {
              group: ['**/http/**', '**/main.js', '**/app.js', '**/config.js', '**/logger.js'],
              message: 'memory/ is a layer below the wiring; inject what it needs.',
            },
          ],
        },
      ],
    },
  },
  {
    // Adapters talk to the core only: never to a store, the HTTP server or the wiring.
    files: ['src/platforms/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'ioredis',
                '**/memory/**',
                '**/http/**',
                '**/main.js',
                '**/app.js',
                '**/config.js',
              ],
              message: 'platforms/ reach memory through the core; configuration is injected.',
            },
          ],
        },
      ],
    },
  },
  {
    // process.env is read in one place: src/config.ts.
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through src/config.ts only.',
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
