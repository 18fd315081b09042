/** The real n8n CLI against the packed package (npm run test:e2e). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.test.ts'],
	// queue mode has its own services and command (jest.queue.config.js)
	testPathIgnorePatterns: ['/test/e2e/queue/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true }] },
	testTimeout: 20 * 60 * 1000,
	maxWorkers: 1,
};
