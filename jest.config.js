/**
 * Two projects: `unit` (pure, no network) and `integration` (real Redis, S3,
 * HTTP servers and fake upstreams). Tests run against TypeScript source through
 * the `@imagegate/source` export condition, transpiled by SWC; `pnpm typecheck`
 * does the type checking. SWC is used instead of ts-jest's transpile-only mode
 * because it is several times faster on these 2-core machines.
 */
const swc = [
  "@swc/jest",
  {
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
    sourceMaps: "inline",
  },
];
// The playground's browser modules are plain ES modules: SWC makes them CommonJS for their unit tests.
const transform = { "^.+\\.ts$": swc, "^.+/playground/assets/.+\\.js$": swc };
const common = {
  transform,
  testEnvironment: "node",
  testEnvironmentOptions: {
    customExportConditions: ["@imagegate/source", "node", "node-addons"],
  },
  moduleFileExtensions: ["ts", "js", "json"],
};

/** @type {import('jest').Config} */
module.exports = {
  reporters: ["default", "<rootDir>/packages/testkit/src/jest/summary-reporter.js"],
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/{apps,packages}/*/test/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "/integration/"],
    },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/{apps,packages}/*/test/integration/**/*.test.ts"],
      globalSetup: "<rootDir>/packages/testkit/src/jest/global-setup.ts",
      globalTeardown: "<rootDir>/packages/testkit/src/jest/global-teardown.ts",
      setupFilesAfterEnv: ["<rootDir>/packages/testkit/src/jest/integration-setup.ts"],
    },
  ],
};
