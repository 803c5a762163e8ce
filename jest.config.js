/** @type {import('jest').Config} */
const tsJest = ["ts-jest", { tsconfig: "tsconfig.json" }];

module.exports = {
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      roots: ["<rootDir>/__tests__"],
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["/__tests__/e2e/"],
      transform: { "^.+\\.ts$": tsJest },
      setupFilesAfterEnv: ["<rootDir>/test/setup-unit.ts"],
    },
    {
      displayName: "e2e",
      testEnvironment: "node",
      roots: ["<rootDir>/__tests__/e2e"],
      testMatch: ["**/*.test.ts"],
      transform: { "^.+\\.ts$": tsJest },
      setupFiles: ["<rootDir>/test/setup-e2e.ts"],
    },
  ],
};
