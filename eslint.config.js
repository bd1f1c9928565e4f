import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'coverage/**',
      'dist/**',
      'docs/api/**',
      'web/dist/**',
      '.device/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-constant-condition': ['error', { checkLoops: false }],
      // One name, one meaning in a scope: an inner name may not hide an outer one.
      'no-shadow': 'off',
      '@typescript-eslint/no-shadow': 'error',
    },
  },
  {
    // Purity: randomness is a seeded generator passed in; no console output outside the CLI.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/plot/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Pass a seeded Rng (src/random).' },
      ],
      'no-console': 'error',
    },
  },
);
