#!/usr/bin/env node
// n8n's official community-package scanner (@n8n/scan-community-package, what n8n runs before
// verifying a package) on the packed tarball and on the sources. The findings the chosen stack
// forces are listed below and in the README's Known limits; anything else fails.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';


const VERSION = '0.32.0';
const root = path.resolve(import.meta.dirname, '..');
const cache = path.join(process.env.N8N_IDEOGRAM_CACHE ?? path.join(os.homedir(), '.cache', 'n8n-ideogram'), `scan-${VERSION}`);
// rule → files (tarball paths) it may flag: runtime dependencies the package needs (sharp for
// pixels, form-data; node:stream for streamed bodies), and `helpers.request`, the only HTTP helper
// n8n gives a credential test function.
const EXPECTED = {
	'@n8n/community-nodes/no-runtime-dependencies': ['package.json'],
	'@n8n/community-nodes/no-restricted-imports': [/^(dist\/)?nodes\/shared\/(image|engine)\//],
	'@n8n/community-nodes/no-deprecated-workflow-functions': [/^(dist\/)?nodes\/shared\/credentialTests\.(js|ts)$/],
};

const scanner = path.join(cache, 'node_modules', '@n8n', 'scan-community-package', 'scanner', 'scanner.mjs');
if (!fs.existsSync(scanner)) {
	fs.mkdirSync(cache, { recursive: true });
	execFileSync('npm', ['install', '--prefix', cache, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', `@n8n/scan-community-package@${VERSION}`], { stdio: 'inherit' });
}
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(scanner);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));
const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }));
const unpacked = path.join(work, 'package');
execFileSync('tar', ['-xzf', path.join(work, filename), '-C', work]);

let unexpected = 0;
for (const [what, dir, patterns] of [['tarball', unpacked, undefined], ['sources', root, SOURCE_FILE_PATTERNS]]) {
	const result = await analyzePackage(dir, patterns);
	const findings = [...(result.details ?? '').matchAll(/^(\/\S+)$|^\s+\d+:\d+\s+error\s+.*?\s(@n8n\/\S+)$/gm)];
	let file = '';
	const list = [];
	for (const [, f, rule] of findings) {
		if (f) file = path.relative(dir, f);
		else list.push({ file, rule });
	}
	const isExpected = ({ file: f, rule }) => (EXPECTED[rule] ?? []).some((p) => (typeof p === 'string' ? p === f : p.test(f)));
	const bad = list.filter((x) => !isExpected(x));
	if (!result.passed && list.length === 0) {
		console.log(`scan of the ${what} failed and its findings could not be read:\n${result.message}\n${result.details ?? ''}`);
		unexpected++;
	}
	unexpected += bad.length;
	console.log(`scan of the ${what}: ${list.length} findings, ${list.length - bad.length} expected (see README, Known limits)`);
	for (const x of bad) console.log(`  unexpected: ${x.rule} in ${x.file}`);
}
fs.rmSync(work, { recursive: true, force: true });
process.exit(unexpected ? 1 : 0);
