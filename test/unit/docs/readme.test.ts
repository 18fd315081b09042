import { readFileSync } from 'node:fs';
import path from 'node:path';

import { readmeWithMatrix } from '../../../scripts/supportMatrix';

const root = path.join(__dirname, '../../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README', () => {
	it('carries the support matrix the options model and the adapters define (run `npx tsx scripts/supportMatrix.ts` after changing one)', () => {
		expect(readme).toBe(readmeWithMatrix(readme));
		expect(readme).toMatch(/\| Color Palette, Custom Palette \| RunComfy, CometAPI \| – \| – \| RunComfy, CometAPI, Ideogram \|/);
		expect(readme).toMatch(/\| Quality \| – \| Runware, Ideogram \| Runware, Ideogram \| – \| – \|/);
	});

	it('names the test command CI runs and the two setup commands at the top', () => {
		const top = readme.split('\n').slice(0, 15).join('\n');
		expect(top).toContain('npm ci && npm run demo');
		expect(top).toContain('npm ci && npm test');
		expect(readFileSync(path.join(root, '.ci/run'), 'utf8')).toMatch(/npm test\b/);
	});
});
