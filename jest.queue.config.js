/** n8n in queue mode: Postgres, Redis, main and two workers (npm run test:queue). */
module.exports = {
	...require('./jest.e2e.config.js'),
	roots: ['<rootDir>/test/e2e/queue'],
	testPathIgnorePatterns: [],
};
