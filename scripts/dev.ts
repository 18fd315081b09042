/**
 * `npm run dev`: the nodes in the real n8n editor, in one command.
 *
 *   1. n8n from the cache the end-to-end tests use (scripts/install-n8n.js; N8N_E2E_VERSION picks
 *      the release), with a user folder of its own under that cache (SQLite).
 *   2. The package goes where n8n loads community packages (<user folder>/.n8n/nodes/node_modules/
 *      n8n-nodes-ideogram-v3), its dist/ written there by `tsc --watch`, its runtime dependencies
 *      linked from this repository's node_modules. n8n runs with N8N_DEV_RELOAD, as `n8n-node dev`
 *      (@n8n/node-cli) runs it: n8n watches the package's files and reloads its nodes when tsc
 *      rewrites them. Not `npm link` into ~/.n8n/custom as n8n-node dev does: n8n names nodes
 *      loaded from there `CUSTOM.<node>`, and the examples (like users' workflows) name
 *      `n8n-nodes-ideogram-v3.<node>`.
 *   3. The sandbox providers (the test fakes, as `npm run demo` uses them), one credential per
 *      provider pointing at them (a provider whose API key is in the environment, with the
 *      variables of `npm run demo`, gets a credential for the real API instead), and the workflows
 *      in examples/ imported.
 *   4. The owner account set up through n8n's REST API, so the editor opens to a sign-in with the
 *      login printed here.
 * Ctrl-C (SIGINT) or SIGTERM stops n8n, the watcher and the sandbox.
 *
 * Environment: N8N_PORT (default 5678), N8N_E2E_VERSION (default: the oldest tested n8n),
 * N8N_IDEOGRAM_DEV_FOLDER (the user folder; default <cache>/dev-n8n-<version>).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import { startFake, type FakeServer } from '../test/fakes';
import { listExampleFiles, loadExample } from '../test/e2e/examples';
import { CREDENTIAL_OF, PROVIDERS } from '../test/e2e/fixtures';
import { PROVIDER_LABEL } from '../test/harness/workflows';
import { ensureN8n } from './install-n8n';
import { REAL_PROVIDERS, type Provider } from './providers';

const ROOT = path.resolve(__dirname, '..');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
	dependencies?: Record<string, string>;
	[key: string]: unknown;
};

/** The editor's login, set up on the first start (n8n asks for 8+ characters, a digit and a capital). */
export const DEV_OWNER = { email: 'dev@ideogram.localhost', firstName: 'Ideogram', lastName: 'Developer', password: 'Ideogram-dev-1' };

const children = new Set<ChildProcess>();
let stopping = false;

function log(message: string): void {
	process.stdout.write(`[dev] ${message}\n`);
}

/** Each line a child prints, with its name in front. */
function prefixLines(stream: NodeJS.ReadableStream, name: string, onLine?: (line: string) => void): void {
	let pending = '';
	stream.setEncoding('utf8');
	stream.on('data', (chunk: string) => {
		pending += chunk;
		const lines = pending.split('\n');
		pending = lines.pop() ?? '';
		for (const raw of lines) {
			// tsc --watch clears the screen on some terminals; the lines are what matters
			const line = raw.replace(/\x1b\[[0-9;]*[A-Za-z]|\x1bc/g, '').trimEnd();
			if (!line) continue;
			process.stdout.write(`[${name}] ${line}\n`);
			onLine?.(line);
		}
	});
}

/** A long-running child in its own process group (n8n starts a task runner of its own), stopped with this process. */
function startChild(name: string, command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }, onLine?: (line: string) => void): ChildProcess {
	const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	children.add(child);
	prefixLines(child.stdout!, name, onLine);
	prefixLines(child.stderr!, name, onLine);
	child.on('exit', (code, signal) => {
		children.delete(child);
		if (!stopping) {
			log(`${name} exited (${signal ?? `code ${code}`}); stopping the rest`);
			void shutdown(1);
		}
	});
	return child;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

let fakes: FakeServer[] = [];

async function shutdown(code: number): Promise<never> {
	stopping = true;
	const running = [...children];
	for (const child of running) signalGroup(child, 'SIGTERM');
	const killer = setTimeout(() => running.forEach((child) => signalGroup(child, 'SIGKILL')), 20_000);
	await Promise.all(running.map(async (child) => await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)))));
	clearTimeout(killer);
	await Promise.all(fakes.map(async (fake) => await fake.close()));
	log('stopped n8n, the watcher and the sandbox providers');
	process.exit(code);
}

let firstSignalAt = 0;
function onSignal(signal: NodeJS.Signals): void {
	// Ctrl-C reaches this process from the terminal and again through the npm script's launchers
	if (stopping && Date.now() - firstSignalAt < 2000) return;
	if (stopping) {
		log(`${signal} again: killing`);
		for (const child of children) signalGroup(child, 'SIGKILL');
		process.exit(130);
	}
	firstSignalAt = Date.now();
	log(`${signal}: stopping (Ctrl-C again to kill at once)`);
	void shutdown(0);
}

/** A free port on loopback, or the one asked for when it is free. */
async function portFor(wanted: number): Promise<number> {
	const tryPort = async (port: number) =>
		await new Promise<number | undefined>((resolve) => {
			const server = net.createServer();
			server.once('error', () => resolve(undefined));
			server.listen(port, '127.0.0.1', () => {
				const address = server.address();
				server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
			});
		});
	return (await tryPort(wanted)) ?? (await tryPort(0))!;
}

/** The environment n8n gets: this one without npm's variables, plus the instance's settings. */
function n8nEnv(userFolder: string, extra: Record<string, string>): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) if (!key.toLowerCase().startsWith('npm_') || key === 'npm_config_nodedir') env[key] = value;
	delete env.N8N_CUSTOM_EXTENSIONS;
	return {
		...env,
		PATH: `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ''}`,
		N8N_USER_FOLDER: userFolder,
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_SECURE_COOKIE: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		// the sandbox providers listen on loopback
		N8N_SSRF_PROTECTION_ENABLED: 'false',
		NODE_ENV: 'production',
		...extra,
	};
}

/**
 * The package as n8n installs a community package (package.json without dev and peer
 * dependencies, a line in the nodes folder's package.json), except that dist/ is built in place
 * and the runtime dependencies are links into this repository's node_modules. n8n-workflow is left
 * to n8n's own copy, as for an installed package.
 */
function preparePackageDir(nodesDir: string): string {
	const dir = path.join(nodesDir, 'node_modules', PACKAGE.name);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
	const manifest = { ...PACKAGE };
	for (const key of ['devDependencies', 'peerDependencies', 'optionalDependencies', 'scripts']) delete manifest[key];
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
	for (const dependency of Object.keys(PACKAGE.dependencies ?? {})) {
		const link = path.join(dir, 'node_modules', dependency);
		fs.mkdirSync(path.dirname(link), { recursive: true });
		fs.symlinkSync(path.join(ROOT, 'node_modules', dependency), link, 'dir');
	}
	fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE.name]: PACKAGE.version } }, null, 2));
	return dir;
}

/** What tsc does not write (icons and codex files), as the build's gulp task copies them. */
const ASSET = /\.(svg|png)$|\.node\.json$/;
function copyAssets(distDir: string, only?: string): void {
	for (const top of ['nodes', 'credentials']) {
		for (const entry of fs.readdirSync(path.join(ROOT, top), { recursive: true, encoding: 'utf8' })) {
			const relative = path.join(top, entry);
			if (!ASSET.test(relative) || (only && only !== relative)) continue;
			fs.mkdirSync(path.dirname(path.join(distDir, relative)), { recursive: true });
			fs.copyFileSync(path.join(ROOT, relative), path.join(distDir, relative));
		}
	}
}

/** `tsc --watch` into the package's dist/; resolves after its first build. */
async function startWatcher(distDir: string, env: NodeJS.ProcessEnv): Promise<void> {
	copyAssets(distDir);
	for (const top of ['nodes', 'credentials']) {
		fs.watch(path.join(ROOT, top), { recursive: true }, (_event, file) => {
			const relative = file ? path.join(top, file.toString()) : '';
			if (ASSET.test(relative) && fs.existsSync(path.join(ROOT, relative))) copyAssets(distDir, relative);
		}).unref();
	}
	await new Promise<void>((resolve) => {
		const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
		startChild('build', process.execPath, [tsc, '-p', 'tsconfig.json', '--watch', '--preserveWatchOutput', '--outDir', distDir], { cwd: ROOT, env }, (line) => {
			if (/Found \d+ errors?\. Watching for file changes/.test(line)) resolve();
		});
	});
}

/** One credential per provider: the sandbox's, or the real API's when its key is in the environment. */
async function credentials(): Promise<{ list: Array<Record<string, unknown>>; lines: string[] }> {
	const list: Array<Record<string, unknown>> = [];
	const lines: string[] = [];
	for (const provider of PROVIDERS as Provider[]) {
		const { type, id } = CREDENTIAL_OF[provider];
		const real = REAL_PROVIDERS[provider];
		const key = process.env[real.keyVar];
		if (key) {
			list.push({ id, type, name: `${PROVIDER_LABEL[provider]} (real API)`, data: { apiKey: key, baseUrl: real.baseUrl } });
			lines.push(`${PROVIDER_LABEL[provider].padEnd(9)} real API at ${real.baseUrl} (${real.keyVar}; runs cost credit)`);
			continue;
		}
		const fake = await startFake(provider, { jobDurationMs: () => 1500 + Math.random() * 1500, recordBodies: false });
		fakes.push(fake);
		list.push({ id, type, name: `${PROVIDER_LABEL[provider]} (sandbox)`, data: { apiKey: fake.apiKey, baseUrl: fake.url } });
		lines.push(`${PROVIDER_LABEL[provider].padEnd(9)} sandbox at ${fake.url} (set ${real.keyVar} for the real API)`);
	}
	return { list, lines };
}

/** `n8n <args>` run to its end (imports), with its output shown when it fails. */
function n8nCommand(bin: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): void {
	const result = spawnSync(process.execPath, [bin, ...args], { env, cwd, encoding: 'utf8' });
	if (result.status !== 0 || !/Successfully imported/i.test(result.stdout + result.stderr)) {
		throw new Error(`n8n ${args[0]} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
	}
}

async function waitForEditor(url: string, n8n: ChildProcess): Promise<void> {
	const deadline = Date.now() + 5 * 60_000;
	while (Date.now() < deadline) {
		if (n8n.exitCode !== null || n8n.signalCode !== null) throw new Error('n8n exited before it was ready');
		try {
			if ((await fetch(`${url}/healthz/readiness`)).status === 200) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`n8n did not answer on ${url} within 5 minutes`);
}

/** The owner account: set up on the first start, then only checked with a sign-in. */
async function ensureOwner(url: string): Promise<string> {
	const post = async (route: string, body: unknown) =>
		await fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', 'browser-id': 'n8n-nodes-ideogram-v3-dev' }, body: JSON.stringify(body) });
	const setup = await post('/rest/owner/setup', DEV_OWNER);
	if (setup.status === 200) return 'set up';
	const login = await post('/rest/login', { emailOrLdapLoginId: DEV_OWNER.email, password: DEV_OWNER.password });
	if (login.status === 200) return 'existing';
	return `not usable (owner setup ${setup.status}, sign-in ${login.status}: the owner's password was changed in this user folder)`;
}

async function main(): Promise<void> {
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('exit', () => children.forEach((child) => signalGroup(child, 'SIGKILL')));

	const install = await ensureN8n({ log });
	const userFolder = process.env.N8N_IDEOGRAM_DEV_FOLDER || path.join(path.dirname(install.dir), `dev-n8n-${install.version}`);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const packageDir = preparePackageDir(nodesDir);
	const port = await portFor(Number(process.env.N8N_PORT || 5678));
	const url = `http://localhost:${port}`;
	const env = n8nEnv(userFolder, {
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_EDITOR_BASE_URL: url,
		N8N_RUNNERS_BROKER_PORT: String(await portFor(0)),
		N8N_DEV_RELOAD: 'true',
	});

	log(`building ${PACKAGE.name} into ${packageDir}/dist (tsc --watch)`);
	await startWatcher(path.join(packageDir, 'dist'), env);

	const { list, lines } = await credentials();
	const importFile = path.join(userFolder, 'dev-import.json');
	try {
		fs.writeFileSync(importFile, JSON.stringify(list), { mode: 0o600 }); // it may hold real API keys
		n8nCommand(install.bin, ['import:credentials', `--input=${importFile}`], env, userFolder);
		const examples = listExampleFiles().map((file) => loadExample(file, {}));
		fs.writeFileSync(importFile, JSON.stringify(examples));
		n8nCommand(install.bin, ['import:workflow', `--input=${importFile}`], env, userFolder);
	} finally {
		fs.rmSync(importFile, { force: true });
	}
	log(`imported ${list.length} credentials and ${listExampleFiles().length} example workflows`);

	const n8n = startChild('n8n', process.execPath, [install.bin, 'start'], { cwd: userFolder, env });
	await waitForEditor(`http://127.0.0.1:${port}`, n8n);
	const owner = await ensureOwner(`http://127.0.0.1:${port}`);

	process.stdout.write(
		[
			'',
			`  n8n ${install.version} with ${PACKAGE.name} ${PACKAGE.version} is ready`,
			'',
			`  Editor    ${url}`,
			`  Sign in   ${DEV_OWNER.email} / ${DEV_OWNER.password}   (owner account: ${owner})`,
			...lines.map((line) => `  ${line}`),
			`  n8n data  ${userFolder}`,
			'',
			'  Try this: open the editor, pick a workflow named "Ideogram: …" (the examples), click',
			'  "Execute workflow", then open a node to see its images. Search "Ideogram" in the node',
			'  panel to add the nodes to a workflow of your own.',
			'  Change a file under nodes/ or credentials/: it is rebuilt and n8n reloads the nodes (reload',
			'  the editor page to see the change). The examples are imported again at each start.',
			'  Ctrl-C stops n8n, the watcher and the sandbox providers.',
			'',
		].join('\n') + '\n',
	);
}

if (require.main === module) {
	main().catch(async (error: unknown) => {
		process.stderr.write(`[dev] ${error instanceof Error ? error.message : String(error)}\n`);
		await shutdown(1);
	});
}
