// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '*.js', '*.mjs', 'test/*.js'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The engine is pure: it reaches the outside only through the ports it declares.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'typeorm', 'typeorm/*', 'axios', 'pg', 'pg-*', 'node:http', 'node:https', 'node:net', 'node:fs', 'http', 'https', 'net', 'fs'], message: 'src/engine must stay pure: declare a port instead.' },
            {
              regex: '^(\\.\\./)+(common|config|database|workspaces|chatbots|flows|conversation|inbox|outbox|integrations|channels|health|metrics|cli)(/|$)',
              message: 'src/engine must not import from the rest of the app.',
            },
          ],
        },
      ],
    },
  },
  {
    // The pure parts of channels: renderers, provider mappers, USSD gateways, SMS providers and
    // the WhatsApp webhook reader, renderer and signature check
    // turn messages and wire formats into each other, and nothing else (no I/O, no framework).
    files: [
      'src/channels/**/render/**/*.ts',
      'src/channels/**/*.mapper.ts',
      'src/channels/ussd/gateways/**/*.ts',
      'src/channels/sms/providers/**/*.ts',
      'src/channels/whatsapp/whatsapp-events.ts',
      'src/channels/whatsapp/whatsapp-render.ts',
      'src/channels/whatsapp/whatsapp-signature.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'typeorm', 'typeorm/*', 'axios', 'pg', 'pg-*', 'node:http', 'node:https', 'node:net', 'node:fs', 'http', 'https', 'net', 'fs'], message: 'Channel renderers and mappers must stay pure: no I/O, no framework.' },
            {
              regex: '^(\\.\\./)+(config|database|workspaces|chatbots|flows|conversation|inbox|outbox|integrations|health|metrics|cli)(/|$)',
              message: 'Channel renderers and mappers may use src/engine and src/common only.',
            },
            { regex: '\\.(service|repository|module|controller)$', message: 'Channel renderers and mappers may not use services.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
