/** The n8n editor in headless Chromium against the packed package (npm run test:ui). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/ui'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true }] },
	testTimeout: 2 * 60 * 1000,
	maxWorkers: 1,
};
