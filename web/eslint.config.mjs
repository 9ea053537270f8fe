// ESLint (flat config) for the map page: `npm run --prefix web lint`. Named .mjs, not .js,
// because the server embeds and serves every *.js file in web/ (build.rs); this one is not
// part of the page.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['node_modules/'] },
  js.configs.recommended,
  {
    // The page: ES modules in the browser; Leaflet is the global `L` (read as window.L).
    files: ['**/*.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser },
    },
  },
  {
    // Unit tests and this file: ES modules run by Node.
    files: ['**/*.mjs'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
  },
];
