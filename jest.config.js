/** In-process tests: unit tests on the source, workflow tests on the built package (dist/). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/test/e2e/', '/test/ui/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true }] },
	testTimeout: 30000,
	// Every workflow run of the suite is searched for the test API keys after the last test.
	globalSetup: '<rootDir>/test/leakScan.setup.ts',
	globalTeardown: '<rootDir>/test/leakScan.teardown.ts',
};
