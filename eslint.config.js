import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-bench/', 'node_modules/', 'data/', 'coverage/', 'portal/static/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // src/edi is a framework-free library (DESIGN.md): no Nest, no TypeORM, nothing else from src/.
    files: ['src/edi/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'typeorm', 'typeorm/*', 'pg', 'bullmq', 'ioredis', 'nestjs-pino', 'pino'],
              message: 'src/edi is framework-free',
            },
            { group: ['../../*', '!../../edi/*'], message: 'src/edi may import only from src/edi' },
            {
              group: ['**/config/*', '**/platform/*', '**/canonical/*', '**/partners/*'],
              message: 'src/edi may import only from src/edi',
            },
          ],
        },
      ],
    },
  },
  {
    // The AS2 protocol core (MIME, CMS, MIC, MDN) is framework-free: the Nest controller sits apart.
    files: ['src/transports/as2/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'typeorm', 'typeorm/*', 'pg', 'bullmq', 'ioredis', 'nestjs-pino', 'pino'],
              message: 'the AS2 protocol core is framework-free',
            },
            {
              group: ['../../*', '../../../*'],
              message: 'the AS2 protocol core imports nothing else from src/',
            },
          ],
        },
      ],
    },
  },
  {
    // src/canonical is the contract every module shares: no framework, no I/O, nothing else from src/.
    files: ['src/canonical/**/*.ts'],
    ignores: ['src/canonical/**/*.spec.ts', 'src/canonical/**/*.test-helper.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@nestjs/*',
                'typeorm',
                'typeorm/*',
                'pg',
                'bullmq',
                'ioredis',
                'nestjs-pino',
                'pino',
                'node:fs',
                'fs',
              ],
              message: 'src/canonical is framework-free and I/O-free',
            },
            {
              group: ['../../*', '!../../canonical/*'],
              message: 'src/canonical may import only from src/canonical',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  prettier,
);
