/** Unit specs live beside the code (src/**\/*.spec.ts); e2e suites in test/**\/*.e2e-spec.ts. */
module.exports = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testRegex: '(src|test)/.*\\.(spec|e2e-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': 'ts-jest',
    // NestJS 12 is ESM-only; see test/esm-to-cjs.transform.js.
    'node_modules/@nestjs/.+\\.js$': '<rootDir>/test/esm-to-cjs.transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/)'],
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/global-setup.js',
  testTimeout: 60000,
  maxWorkers: 2,
};
