/**
 * The copy-paste detector `npm run lint` runs (jscpd with .jscpd.json): it passes on the package's
 * code, and the same configuration fails on a block repeated in two files.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '../../..');
const JSCPD = path.join(ROOT, 'node_modules/.bin/jscpd');

function jscpd(cwd: string) {
	const run = spawnSync(JSCPD, [], { cwd, encoding: 'utf8' });
	return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('copy-paste detector', () => {
	it('finds no repeated block in nodes/ and credentials/', () => {
		const { status, output } = jscpd(ROOT);
		expect(output).toContain('Found 0 clones');
		expect(status).toBe(0);
	});

	it('fails when a block of nodes/ is repeated in another file', () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'jscpd-'));
		try {
			cpSync(path.join(ROOT, '.jscpd.json'), path.join(dir, '.jscpd.json'));
			cpSync(path.join(ROOT, 'credentials'), path.join(dir, 'credentials'), { recursive: true });
			cpSync(path.join(ROOT, 'nodes'), path.join(dir, 'nodes'), { recursive: true });
			const fit = readFileSync(path.join(ROOT, 'nodes/shared/mask/fit.ts'), 'utf8');
			writeFileSync(path.join(dir, 'nodes/shared/fitAgain.ts'), fit);
			const { status, output } = jscpd(dir);
			expect(output).toMatch(/nodes\/shared\/fitAgain\.ts/);
			expect(status).not.toBe(0);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
