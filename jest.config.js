/** Unit specs live beside the code (src/**\/*.spec.ts); e2e suites in test/**\/*.e2e-spec.ts. */
const ESM_ONLY = [
  '@nestjs',
  '@fastify/middie/node_modules/path-to-regexp',
  '@fastify/static/node_modules/content-disposition',
].join('|');

module.exports = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testRegex: '(src|test)/.*\\.(spec|e2e-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': 'ts-jest',
    // NestJS 12 and a few of Fastify's dependencies are ESM-only; see test/esm-to-cjs.transform.js.
    [`node_modules/(${ESM_ONLY})/.+\\.js$`]: '<rootDir>/test/esm-to-cjs.transform.js',
  },
  transformIgnorePatterns: [`^(?!.*/node_modules/(${ESM_ONLY})/).*/node_modules/`],
  // The build copies package.json into dist/; jest's module map would see two packages of one name.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/global-setup.js',
  testTimeout: 60000,
  maxWorkers: 2,
};
