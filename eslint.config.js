// ESLint flat config: type-aware typescript-eslint, plus import boundaries from STYLE.md:
// `connector/` imports no SDK and reaches adapters only through their index.ts; `mappings/` is pure.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sdkImports = ['amqplib', 'mongoose', 'mongodb', 'bottleneck', 'node:sqlite', 'p-retry'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false } },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['connector/**/*.ts', 'connector/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: sdkImports.map((name) => ({
            name,
            message: 'connector/ imports no SDK: put it behind an adapter in adapters/.',
          })),
          patterns: [
            {
              regex: '(^|/)adapters/(?!.*/index\\.ts$).+',
              message: 'Import an adapter through its index.ts only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['mappings/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^node:', message: 'mappings/ is pure: no I/O.' },
            {
              regex: '^(fs|net|http|https|child_process|os)$',
              message: 'mappings/ is pure: no I/O.',
            },
            {
              regex: '(^|/)(connector|adapters)/',
              message: 'mappings/ depends on nothing but itself.',
            },
            { regex: `^(${sdkImports.join('|')})$`, message: 'mappings/ is pure: no SDKs.' },
          ],
        },
      ],
    },
  },
  {
    files: [
      'connector/cli.ts',
      'connector/main.ts',
      'connector/cli/**/*.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { URL: 'readonly', process: 'readonly', console: 'readonly' },
    },
  },
);
