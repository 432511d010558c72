// Layer rules: each folder may import only what may run where its code runs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const NODE_BUILTINS = [
  'node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'url',
  'stream', 'stream/*', 'worker_threads', 'events', 'util', 'zlib', 'readline', 'buffer', 'process',
];
const ELECTRON = ['electron', 'electron/*', '@electron/*'];

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

// The renderer's floors: it reaches the main side only through the contract; its features (one folder
// per screen) import lib/ and shared types, never each other; lib/ imports no feature; the shell
// composes the features. A later config replaces a rule's options, so each repeats the layer group.
const RENDERER_TEST_LAYER = {
  group: [...NODE_BUILTINS, ...ELECTRON, '**/core/**', '**/server/**', '**/cli/**', '**/app/**', '**/preload/**'],
  message: 'a UI test reaches the real backend only through test-backend/, never core directly.',
};
const RENDERER_LAYER = {
  group: [...RENDERER_TEST_LAYER.group, '**/test-backend/**'],
  message: 'the renderer talks to the main side only through the contract in src-main/shared.',
};
/** The renderer names shared code by its alias (vite.aliases.ts), never by climbing out of src-renderer. */
const SHARED_BY_ALIAS = { regex: '^(\\.\\./)+src-main/shared/', message: 'import shared code as @shared/… (vite.aliases.ts), not by a relative path.' };
const RENDERER_FEATURES = ['evaluate', 'import', 'library', 'preview', 'retrieve', 'train'];
/** A relative import that climbs into one of `folders` of src-renderer/src. */
const intoFolders = (folders) => `^(\\.\\./)+(${folders.join('|')})/`;
const rendererFloor = (files, folders, message, layer = RENDERER_LAYER) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [layer, SHARED_BY_ALIAS, { regex: intoFolders(folders), message }] }],
  },
});
const FEATURE_FLOOR = 'a renderer feature imports lib/ and shared types only: move what two features share into src-renderer/src/lib/.';

// core's floors: each folder of src-main/core may import only the folders below it (what it may import
// is listed; every other folder of core, and studio.ts, the composition root, are refused). Tests and
// their helpers may reach up. A rule of its own, so the layer rules above stay as they are.
const CORE_FOLDERS = ['api', 'compute', 'db', 'frames', 'interop', 'jobs', 'library', 'media', 'models', 'preview', 'report', 'retrieval', 'tasks', 'training', 'util'];
const CORE_MAY_IMPORT = {
  util: [],
  tasks: ['util'],
  media: ['util'],
  db: ['media', 'tasks', 'util'],
  jobs: ['db', 'util'],
  compute: ['tasks', 'util'],
  frames: ['db', 'jobs', 'media', 'tasks', 'util'],
  library: ['db', 'jobs', 'media', 'util'],
  preview: ['db', 'frames', 'media', 'tasks', 'util'],
  models: ['compute', 'frames', 'tasks', 'util'],
  training: ['compute', 'db', 'frames', 'jobs', 'library', 'media', 'models', 'tasks', 'util'],
  retrieval: ['compute', 'db', 'frames', 'jobs', 'library', 'media', 'models', 'tasks', 'training', 'util'],
  interop: ['compute', 'db', 'frames', 'media', 'models', 'tasks', 'training', 'util'],
  report: ['compute', 'media', 'util'],
};
/** Folders a core folder may take types from but import nothing else: models implement the engine's TrainableModel. */
const CORE_TYPES_FROM = { models: ['training'], report: ['retrieval'] };
/** A relative import that climbs into one of `folders` of src-main/core, or to studio.ts. */
const intoCore = (folders) => `^(\\.\\./)+(${folders.map((folder) => `${folder}/|`).join('')}studio\\.ts$)`;
const coreFloor = (folder) => {
  const allowed = CORE_MAY_IMPORT[folder];
  const typesFrom = CORE_TYPES_FROM[folder] ?? [];
  const refused = CORE_FOLDERS.filter((other) => other !== folder && !allowed.includes(other) && !typesFrom.includes(other));
  const message = `core/${folder} may import ${allowed.length ? allowed.join(', ') : 'nothing of core'} (its floors are in eslint.config.js).`;
  const patterns = [{ regex: intoCore(refused), message }];
  if (typesFrom.length) patterns.push({ regex: `^(\\.\\./)+(${typesFrom.join('|')})/`, allowTypeImports: true, message: `${message} Types only from ${typesFrom.join(', ')}.` });
  return {
    files: [`src-main/core/${folder}/**`],
    ignores: ['**/*.test.ts', '**/*test-support.ts', '**/testing.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src-main/shared/**'],
    rules: restrict(
      [...NODE_BUILTINS, ...ELECTRON, '**/core/**', '**/app/**', '**/server/**', '**/cli/**', '**/preload/**', '**/src-renderer/**'],
      'src-main/shared holds the contract and DTOs only: no Node, Electron, DOM or other layers.',
    ),
  },
  {
    files: ['src-main/core/**', 'src-main/server/**', 'src-main/cli/**'],
    rules: restrict(
      [...ELECTRON, '**/app/**', '**/preload/**', '**/src-renderer/**'],
      'core, server and cli are plain Node: never import Electron or the app/preload/renderer layers.',
    ),
  },
  {
    files: ['src-main/core/**'],
    rules: restrict(
      [...ELECTRON, '**/app/**', '**/preload/**', '**/src-renderer/**', '**/server/**', '**/cli/**'],
      'core is the product in plain Node: it must not depend on Electron, the bridge or the CLI.',
    ),
  },
  {
    files: ['src-main/preload/**'],
    rules: restrict(
      [...NODE_BUILTINS, '**/core/**', '**/server/**', '**/cli/**', '**/app/**', '**/src-renderer/**'],
      'the preload only forwards contract methods and events: import electron and shared only.',
    ),
  },
  {
    files: ['src-main/compute-host/**'],
    ignores: ['src-main/compute-host/**/*.test.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      [...NODE_BUILTINS, ...ELECTRON, '**/server/**', '**/cli/**', '**/app/**', '**/preload/**', '**/src-renderer/**'],
      'the compute host page is plain web code: core\'s browser-safe modules and shared only.',
    ),
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { patterns: [RENDERER_LAYER, SHARED_BY_ALIAS] }] },
  },
  ...RENDERER_FEATURES.map((feature) =>
    rendererFloor([`src-renderer/src/${feature}/**`], [...RENDERER_FEATURES.filter((other) => other !== feature), 'shell'], FEATURE_FLOOR),
  ),
  {
    ...rendererFloor(
      ['src-renderer/src/lib/**'],
      [...RENDERER_FEATURES, 'shell'],
      'src-renderer/src/lib is the floor under the features: it imports no feature and not the shell.',
    ),
    // The UI test harness renders the whole app, shell included.
    ignores: ['src-renderer/src/lib/testing/**'],
  },
  ...Object.keys(CORE_MAY_IMPORT).map(coreFloor),
  // The UI tests run in Node over the real backend, which only test-backend/ may build (app code may not import it).
  {
    files: ['src-renderer/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [RENDERER_TEST_LAYER, SHARED_BY_ALIAS] }] },
  },
  ...RENDERER_FEATURES.map((feature) =>
    rendererFloor(
      [`src-renderer/src/${feature}/**/*.test.ts`],
      [...RENDERER_FEATURES.filter((other) => other !== feature), 'shell'],
      FEATURE_FLOOR,
      RENDERER_TEST_LAYER,
    ),
  ),
  {
    // Test-only: the real backend in-process for the UI tests (a library, dispatch, the event hub).
    files: ['test-backend/**'],
    languageOptions: { globals: { ...globals.node } },
    rules: restrict(
      [...ELECTRON, '**/app/**', '**/preload/**', '**/server/**', '**/cli/**', '**/src-renderer/src/**'],
      'test-backend builds the backend in plain Node for the UI tests: core and shared only.',
    ),
  },
);
