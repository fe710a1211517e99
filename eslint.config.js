// Lint: recommended JS + TypeScript rules; formatting is prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.tmp/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Keyhole matches control characters on purpose: refusing and escaping them is part of its job.
      'no-control-regex': 'off',
    },
  },
  {
    // The dependency-cruiser config is CommonJS (its loader wants module.exports).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // A boundary (docs/ARCHITECTURE.md): only the CLI ends the process; everything else returns or throws, so the
    // server, the library and the tests stay in charge. The launcher child is a process of its own.
    files: ['src/**/*.ts', 'src/**/*.mjs'],
    ignores: ['src/cli/**', 'src/exec/launcher-child.mjs'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'only src/cli/ calls process.exit: return an exit code' },
      ],
    },
  },
);
