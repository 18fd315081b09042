#!/usr/bin/env node
// Installs the n8n used by the end-to-end tests (npm run test:e2e) once, into a cache dir:
//   $N8N_IDEOGRAM_CACHE/n8n-<version>   (default ~/.cache/n8n-ideogram/n8n-2.41.1)
// The version is one setting: N8N_E2E_VERSION (default 2.41.1, the oldest tested; CI also runs the
// newest 2.x, see TESTED_VERSIONS). Every version is installed into a directory of its own.
// `npm install n8n@2.41.x` does not work as published (its `xlsx` dependency is a tarball outside the
// npm registry, `linkedom`'s newest release needs a package missing from it, and 2.41.3 names
// releases of its own packages the registry does not have), hence the overrides (docs/n8n.md).
// Scripts are skipped during the install; the two native modules n8n needs are then built under
// Node 24. A `status` file containing `done 0` is written only after both steps succeed.
//
// Usage: node scripts/install-n8n.js            (prints the n8n directory)
//        require('./scripts/install-n8n.js').ensureN8n() -> Promise<{ dir, bin, version }>
// Parallel callers are serialised by a lock directory; an install running without the lock (one
// started by hand with the same layout) is detected through its processes' cwd and waited for.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The n8n releases the end-to-end suite runs against in CI: the oldest supported and the newest 2.x. */
const TESTED_VERSIONS = ['2.41.1', '2.41.3'];
const N8N_VERSION = process.env.N8N_E2E_VERSION || TESTED_VERSIONS[0];
if (!/^\d+\.\d+\.\d+$/.test(N8N_VERSION)) throw new Error(`N8N_E2E_VERSION must be an n8n release such as 2.41.3, not "${N8N_VERSION}"`);
/**
 * n8n 2.41.3 pins its workspace packages at versions the registry does not have (only `n8n` 2.41.3,
 * `n8n-nodes-base` 2.41.2 and `@n8n/db` 1.41.2 of that patch train are published): those are
 * taken at the versions n8n 2.41.1 pins, the newest published (docs/n8n.md, "Tested versions").
 */
const MISSING_FROM_REGISTRY = {
	'2.41.3': {
		'@n8n/agents': '0.26.1',
		'@n8n/ai-node-sdk': '0.31.1',
		'@n8n/ai-utilities': '0.34.1',
		'@n8n/ai-workflow-builder': '1.41.1',
		'@n8n/api-types': '1.41.0',
		'@n8n/backend-common': '1.41.1',
		'@n8n/backend-network': '1.15.1',
		'@n8n/blob-storage': '1.9.1',
		'@n8n/chat-hub': '1.34.0',
		'@n8n/client-oauth2': '1.23.1',
		'@n8n/config': '2.39.0',
		'@n8n/decorators': '1.41.0',
		'@n8n/engine': '0.21.0',
		'@n8n/instance-ai': '1.26.1',
		'@n8n/mcp-apps': '0.18.0',
		'@n8n/n8n-nodes-langchain': '2.41.1',
		'@n8n/node-engine-compatibility': '0.9.1',
		'@n8n/task-runner': '2.41.1',
		'@n8n/telemetry': '1.9.0',
		'n8n-core': '2.41.1',
		'n8n-editor-ui': '2.41.0',
	},
};
const OVERRIDES = { xlsx: 'npm:@e965/xlsx@0.20.2', linkedom: '0.18.14', ...MISSING_FROM_REGISTRY[N8N_VERSION] };
const NATIVE_MODULES = ['sqlite3', 'isolated-vm'];

const cacheRoot = process.env.N8N_IDEOGRAM_CACHE || path.join(os.homedir(), '.cache', 'n8n-ideogram');
const n8nDir = path.join(cacheRoot, `n8n-${N8N_VERSION}`);
const lockDir = `${n8nDir}.lock`;
const statusFile = path.join(n8nDir, 'status');
const n8nBin = path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function isComplete() {
	try {
		return fs.readFileSync(statusFile, 'utf8').trim().startsWith('done 0') && fs.existsSync(n8nBin);
	} catch {
		return false;
	}
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/** Processes (other than this one) whose working directory is the n8n cache dir: an install under way. */
function foreignInstallerPids() {
	if (process.platform !== 'linux') return [];
	const pids = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
		try {
			const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
			if (cwd === n8nDir || cwd.startsWith(n8nDir + path.sep)) pids.push(Number(entry));
		} catch {
			// process gone or not ours to inspect
		}
	}
	return pids;
}

function tryLock() {
	fs.mkdirSync(path.dirname(lockDir), { recursive: true });
	try {
		fs.mkdirSync(lockDir);
	} catch (error) {
		if (error.code !== 'EEXIST') throw error;
		let owner = 0;
		try {
			owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
		} catch {
			// lock dir just created, pid not written yet
			const age = Date.now() - fs.statSync(lockDir).mtimeMs;
			if (age < 30_000) return false;
		}
		if (owner && pidAlive(owner)) return false;
		fs.rmSync(lockDir, { recursive: true, force: true }); // stale: its owner died
		return tryLock();
	}
	fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
	return true;
}

function unlock() {
	fs.rmSync(lockDir, { recursive: true, force: true });
}

function nativeBuildEnv() {
	const env = { ...process.env };
	// Build native modules against the running Node's headers (the user's npmrc may name another).
	const home = path.resolve(path.dirname(process.execPath), '..');
	if (fs.existsSync(path.join(home, 'include', 'node', 'node.h'))) env.npm_config_nodedir = home;
	env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ''}`;
	return env;
}

function runLogged(args, logFile, log) {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(logFile, 'w');
		log(`[n8n-install] npm ${args.join(' ')}  (log: ${logFile})`);
		const child = spawn('npm', args, { cwd: n8nDir, env: nativeBuildEnv(), stdio: ['ignore', out, out] });
		child.on('error', reject);
		child.on('close', (code) => {
			fs.closeSync(out);
			if (code === 0) resolve();
			else {
				const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
				reject(new Error(`npm ${args.join(' ')} failed with exit code ${code}:\n${tail}`));
			}
		});
	});
}

async function install(log) {
	const started = Date.now();
	log(`[n8n-install] installing n8n ${N8N_VERSION} into ${n8nDir} (takes about 5 minutes)`);
	fs.rmSync(statusFile, { force: true });
	fs.rmSync(path.join(n8nDir, 'node_modules'), { recursive: true, force: true });
	fs.rmSync(path.join(n8nDir, 'package-lock.json'), { force: true });
	fs.mkdirSync(n8nDir, { recursive: true });
	const pkg = { name: 'n8n-cache', private: true, dependencies: { n8n: N8N_VERSION }, overrides: OVERRIDES };
	fs.writeFileSync(path.join(n8nDir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
	try {
		await runLogged(['install', '--ignore-scripts', '--no-audit', '--no-fund'], path.join(n8nDir, 'install.log'), log);
		await runLogged(['rebuild', ...NATIVE_MODULES], path.join(n8nDir, 'rebuild.log'), log);
		if (!fs.existsSync(n8nBin)) throw new Error(`${n8nBin} missing after install`);
	} catch (error) {
		fs.writeFileSync(statusFile, 'done 1\n');
		throw error;
	}
	fs.writeFileSync(statusFile, 'done 0\n');
	log(`[n8n-install] done in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * Resolves when the pinned n8n is installed in the cache, installing it (or waiting for an install
 * under way) first. Requires Node >= 24 (n8n 2.41's engines; isolated-vm only builds there).
 */
async function ensureN8n({ log = (msg) => console.error(msg), timeoutMs = 30 * 60_000 } = {}) {
	const result = { dir: n8nDir, bin: n8nBin, version: N8N_VERSION };
	if (isComplete()) return result;
	if (Number(process.versions.node.split('.')[0]) < 24) {
		throw new Error(`n8n ${N8N_VERSION} needs Node >= 24 (running ${process.versions.node}); use npm run test:e2e`);
	}
	const deadline = Date.now() + timeoutMs;
	let announced = false;
	while (Date.now() < deadline) {
		if (isComplete()) return result;
		const others = foreignInstallerPids();
		if (others.length === 0 && tryLock()) {
			try {
				if (!isComplete()) await install(log);
				return result;
			} finally {
				unlock();
			}
		}
		if (!announced) {
			log(`[n8n-install] waiting for the n8n install under way in ${n8nDir} (pids ${others.join(', ') || 'holding the lock'})`);
			announced = true;
		}
		await sleep(3000);
	}
	throw new Error(`Timed out waiting for the n8n install in ${n8nDir}`);
}

module.exports = { ensureN8n, isComplete, N8N_VERSION, TESTED_VERSIONS, n8nDir, n8nBin, cacheRoot };

if (require.main === module) {
	ensureN8n({ log: (msg) => console.log(msg) }).then(
		({ dir }) => console.log(dir),
		(error) => {
			console.error(error instanceof Error ? error.message : error);
			process.exit(1);
		},
	);
}
