/**
 * The release pipeline: the GitHub workflows parsed as YAML and checked for the steps they must
 * have (CI runs the checks of .ci/run; a published release is linted, built, tested and published
 * with npm provenance), and what a provenance check and the changelog need from package.json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

import { TESTED_VERSIONS } from '../../../scripts/install-n8n';

const root = path.join(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, string>;
}
interface Workflow {
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	jobs: Record<string, { 'runs-on': string; permissions?: Record<string, string>; steps: Step[] }>;
}

function workflow(file: string): Workflow {
	const parsed = parse(read(file)) as Workflow;
	expect(Object.keys(parsed.jobs)).toHaveLength(1);
	return parsed;
}
const steps = (wf: Workflow) => Object.values(wf.jobs)[0].steps;
const runs = (wf: Workflow) => steps(wf).flatMap((s) => (s.run ? s.run.split('\n').map((line) => line.trim()).filter(Boolean) : []));
const setupNode = (wf: Workflow) => steps(wf).find((s) => s.uses?.startsWith('actions/setup-node@'));

describe('.github/workflows/ci.yml', () => {
	const ci = workflow('.github/workflows/ci.yml');

	it('runs on pull requests and on pushes to main', () => {
		expect(ci.on).toHaveProperty('pull_request');
		expect(ci.on.push).toEqual({ branches: ['main'] });
	});

	it('checks out, sets up Node 24 and runs .ci/run, the one definition of the checks', () => {
		expect(steps(ci)[0].uses).toMatch(/^actions\/checkout@/);
		expect(String(setupNode(ci)?.with?.['node-version'])).toBe('24');
		expect(runs(ci)).toContain('.ci/run');
		expect(steps(ci).findIndex((s) => s.run === '.ci/run')).toBeGreaterThan(steps(ci).indexOf(setupNode(ci)!));
	});

	it('keeps the n8n installs between runs', () => {
		const cache = steps(ci).find((s) => s.uses?.startsWith('actions/cache@'));
		expect(cache?.with?.path).toBe('~/.cache/n8n-ideogram');
		expect(String(cache?.with?.key)).toContain("hashFiles('scripts/install-n8n.js')");
	});

	it('(.ci/run) builds, lints, tests, and runs the end-to-end suite on every tested n8n release', () => {
		const script = read('.ci/run');
		for (const command of ['npm ci', 'npm run build', 'npm run lint', 'npm test', 'npm run test:e2e', 'npm run scan', 'npm run test:queue', 'npm run test:ui']) {
			expect(script).toContain(command);
		}
		expect(script).toMatch(/for version in .*TESTED_VERSIONS/);
		expect(script).toMatch(/N8N_E2E_VERSION="\$version"[^\n]*npm run test:e2e/);
		expect(TESTED_VERSIONS.length).toBeGreaterThanOrEqual(2);
	});
});

describe('.github/workflows/publish.yml', () => {
	const publish = workflow('.github/workflows/publish.yml');
	const job = Object.values(publish.jobs)[0];

	it('runs when a GitHub release is published', () => {
		expect(publish.on).toEqual({ release: { types: ['published'] } });
	});

	it('may mint the OIDC token a provenance statement is signed with, and nothing more than read the code', () => {
		expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
	});

	it('installs, lints, builds and tests before it publishes with provenance, in that order', () => {
		const commands = runs(publish);
		const order = ['npm ci', 'npm run lint', 'npm run build', 'npm test', 'npm publish --provenance --access public'].map((command) => commands.indexOf(command));
		expect(order.every((index) => index >= 0)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		expect(commands.at(-1)).toBe('npm publish --provenance --access public');
	});

	it('publishes to the npm registry with the NPM_TOKEN secret, on Node 24', () => {
		expect(setupNode(publish)?.with).toMatchObject({ 'node-version': '24', 'registry-url': 'https://registry.npmjs.org' });
		const publishStep = steps(publish).find((s) => s.run?.startsWith('npm publish'));
		expect(publishStep?.env?.NODE_AUTH_TOKEN).toBe('${{ secrets.NPM_TOKEN }}');
	});

	it("refuses a release whose tag is not the package's version", () => {
		const check = steps(publish).find((s) => s.run?.includes('GITHUB_REF_NAME'));
		expect(check).toBeDefined();
		expect(steps(publish).indexOf(check!)).toBeLessThan(steps(publish).findIndex((s) => s.run?.startsWith('npm publish')));
	});
});

describe('package.json and CHANGELOG.md', () => {
	const pkg = JSON.parse(read('package.json')) as { name: string; version: string; repository?: { type: string; url: string }; bugs?: { url: string }; homepage?: string };
	const changelog = read('CHANGELOG.md');

	it('names the GitHub repository the package is built from (npm checks provenance against it)', () => {
		const repo = pkg.repository?.url.match(/^git\+https:\/\/github\.com\/([\w.-]+)\/([\w.-]+)\.git$/);
		expect(repo?.[2]).toBe(pkg.name);
		const web = `https://github.com/${repo![1]}/${pkg.name}`;
		expect(pkg.repository?.type).toBe('git');
		expect(pkg.bugs?.url).toBe(`${web}/issues`);
		expect(pkg.homepage).toBe(`${web}#readme`);
	});

	it("has the package's version as its newest release, an Unreleased section and a link for each", () => {
		const releases = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$/gm)].map((m) => m[1]);
		expect(changelog).toMatch(/^## \[Unreleased\]$/m);
		expect(releases[0]).toBe(pkg.version);
		expect(changelog).toMatch(/^\[Unreleased\]: https:\/\/github\.com\/.+$/m);
		expect(changelog).toContain(`[${pkg.version}]: `);
	});

	it('the lock file carries the same version', () => {
		const lock = JSON.parse(read('package-lock.json')) as { version: string; packages: Record<string, { version: string }> };
		expect(lock.version).toBe(pkg.version);
		expect(lock.packages[''].version).toBe(pkg.version);
	});
});
