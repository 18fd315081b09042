/**
 * Harness 2: the real n8n 2.41 (CLI and server) running the packed package.
 *
 *   const n8n = await startN8nScratch({ credentials });   // pack + install the package, import creds
 *   const run = await n8n.execute(workflowJson);           // import:workflow + execute --rawOutput
 *   run.exitCode; outputItems(run, 'Node'); run.stdout;
 *   const server = await n8n.startServer();                // `n8n start`, owner set up, logged in
 *   await server.request('POST', '/rest/credentials/test', {...});
 *   await n8n.dispose();
 *
 * The package goes in the way n8n installs a community package (see installLikeN8n): its npm
 * tarball is unpacked into <userFolder>/.n8n/nodes/node_modules/<name>, dev/peer/optional
 * dependencies are stripped from its package.json, and `npm install` runs there with n8n's flags.
 * n8n itself comes from the cache filled by scripts/install-n8n.js.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureN8n as ensureN8nInstall, type N8nInstall } from '../../scripts/install-n8n';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export type { N8nInstall };

/** Installs (once, cached) or waits for the pinned n8n. Several minutes the first time. */
export async function ensureN8n(): Promise<N8nInstall> {
	return await ensureN8nInstall({ log: (msg) => process.stderr.write(msg + '\n') });
}

// ---------------------------------------------------------------------------------------------
// Types

export interface CredentialFixture {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface CliResult {
	args: string[];
	exitCode: number;
	stdout: string;
	stderr: string;
	durationMs: number;
}

export interface RunItem {
	json: Record<string, unknown>;
	binary?: Record<string, { data: string; mimeType: string; fileName?: string; id?: string; [key: string]: unknown }>;
	pairedItem?: unknown;
	error?: unknown;
}

export interface NodeRun {
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	data?: { main?: Array<RunItem[] | null>; [output: string]: unknown };
	error?: { message?: string; description?: string; name?: string; [key: string]: unknown };
	[key: string]: unknown;
}

export interface RunOutput {
	data: {
		resultData: {
			runData: Record<string, NodeRun[]>;
			error?: { message?: string; description?: string; node?: { name?: string }; [key: string]: unknown };
			lastNodeExecuted?: string;
		};
		[key: string]: unknown;
	};
	status?: string;
	finished?: boolean;
	mode?: string;
	[key: string]: unknown;
}

export interface ExecutionResult extends CliResult {
	workflowId: string;
	/** The run as n8n printed it; undefined if n8n printed no JSON (e.g. it crashed before running). */
	output: RunOutput | undefined;
}

export interface ScratchOptions {
	/** Credentials imported once into the scratch instance (`n8n import:credentials`). */
	credentials?: CredentialFixture[];
	/** Directory of the package to pack and install (default: $N8N_E2E_PACKAGE_DIR, else this repository; dist/ must exist). */
	packageDir?: string;
	/** A tarball already packed; skips `npm pack`. */
	tarball?: string;
	/** Extra environment for every n8n process of this scratch instance (undefined deletes). */
	env?: Record<string, string | undefined>;
	/** Keep the scratch folder after dispose() (also: N8N_E2E_KEEP=1). */
	keep?: boolean;
}

export interface ServerOptions {
	/** Extra environment for the server process. */
	env?: Record<string, string | undefined>;
	/** Milliseconds to wait for readiness (default 120 s). */
	timeoutMs?: number;
}

export interface HttpResult<T = unknown> {
	status: number;
	body: T;
	text: string;
	/** The body as received (binary downloads). */
	bytes: Buffer;
}

export interface N8nServer {
	readonly url: string;
	readonly port: number;
	/** The n8n process itself (its task runner is a child of it). */
	readonly pid: number;
	/** Everything the server printed so far (stdout + stderr). */
	logs(): string;
	/** An authenticated request (owner session) to the server; `body` is sent as JSON. */
	request<T = unknown>(method: string, urlPath: string, body?: unknown): Promise<HttpResult<T>>;
	/** A request without the session cookie. */
	anonymousRequest<T = unknown>(method: string, urlPath: string, body?: unknown): Promise<HttpResult<T>>;
	stop(): Promise<void>;
}

export interface N8nScratch {
	readonly userFolder: string;
	readonly packageName: string;
	readonly packageVersion: string;
	/** <userFolder>/.n8n/nodes/node_modules/<packageName> */
	readonly installedPackageDir: string;
	/** Environment every n8n process of this instance gets (without the per-process ports). */
	readonly env: NodeJS.ProcessEnv;
	/** Runs `n8n <args>` against this instance. */
	cli(args: string[], options?: { timeoutMs?: number; env?: Record<string, string | undefined> }): Promise<CliResult>;
	importCredentials(credentials: CredentialFixture[]): Promise<void>;
	/** One `n8n import:workflow` for all of them; gives each an id if it has none. Returns the ids. */
	importWorkflows(workflows: WorkflowJson[]): Promise<string[]>;
	/** `n8n execute --id <id> --rawOutput` of an imported workflow. */
	executeById(workflowId: string, options?: { timeoutMs?: number; env?: Record<string, string | undefined> }): Promise<ExecutionResult>;
	/** Imports the workflow, then executes it. */
	execute(workflow: WorkflowJson, options?: { timeoutMs?: number; env?: Record<string, string | undefined> }): Promise<ExecutionResult>;
	/** Imports all in one call, then executes them one after another (in this order). */
	executeAll(workflows: WorkflowJson[], options?: { timeoutMs?: number }): Promise<ExecutionResult[]>;
	/** Starts `n8n start` on a free loopback port, sets up the owner and logs in. */
	startServer(options?: ServerOptions): Promise<N8nServer>;
	/** Starts `n8n worker` (queue mode: the scratch env must point at Postgres and Redis); resolves when it is ready. */
	startWorker(options?: { concurrency?: number; env?: Record<string, string | undefined> }): Promise<LiveProcess>;
	/** Stops servers started here and deletes the scratch folder. */
	dispose(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Helpers

export const ENCRYPTION_KEY = 'n8n-ideogram-e2e-encryption-key-0123456789';
export const OWNER = {
	email: 'owner@e2e.test',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Passw0rd!',
};

/** Items of one output of one node's first run (throws with the run's error if it has none). */
export function outputItems(run: ExecutionResult, nodeName: string, outputIndex = 0, runIndex = 0): RunItem[] {
	const runs = run.output?.data.resultData.runData[nodeName];
	if (!runs) {
		throw new Error(`Node "${nodeName}" did not run (exit ${run.exitCode}).\n${describeRun(run)}`);
	}
	const nodeRun = runs[runIndex];
	if (!nodeRun) throw new Error(`Node "${nodeName}" has no run #${runIndex}`);
	if (nodeRun.error) {
		throw new Error(`Node "${nodeName}" failed: ${nodeRun.error.message ?? JSON.stringify(nodeRun.error)}`);
	}
	return nodeRun.data?.main?.[outputIndex] ?? [];
}

/** A short description of a run for assertion messages: error, last node, tail of the logs. */
export function describeRun(run: CliResult & { output?: RunOutput }): string {
	const error = run.output?.data.resultData.error;
	const tail = (s: string) => s.split('\n').slice(-40).join('\n');
	return [
		`n8n ${run.args.join(' ')} -> exit ${run.exitCode} in ${run.durationMs} ms`,
		error ? `error: ${error.message ?? ''} ${error.description ?? ''} (node ${error.node?.name ?? '?'})` : '',
		`stdout (tail):\n${tail(run.stdout)}`,
		run.stderr.trim() ? `stderr (tail):\n${tail(run.stderr)}` : '',
	]
		.filter(Boolean)
		.join('\n');
}

/**
 * The JSON n8n prints: it starts at the first line that is exactly `{`; log lines may come before
 * and after it, so the end is the first following line that is exactly `}` and parses.
 */
export function parseExecuteOutput(stdout: string): RunOutput | undefined {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line === '{');
	if (start === -1) return undefined;
	for (let end = start + 1; end < lines.length; end++) {
		if (lines[end] !== '}') continue;
		try {
			return JSON.parse(lines.slice(start, end + 1).join('\n')) as RunOutput;
		} catch {
			// a nested `}` at column 0 is impossible in JSON.stringify(…, 2) output; keep looking anyway
		}
	}
	return undefined;
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** The environment without npm's `npm_*` variables (set by `npm run`), as a plain n8n would have. */
function cleanEnv(): NodeJS.ProcessEnv {
	const keep = new Set(['npm_config_nodedir', 'npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (key.toLowerCase().startsWith('npm_') && !keep.has(key)) continue;
		env[key] = value;
	}
	// Node 24 (the one running the tests) first, so `npm` and n8n's own `npm` calls run under it.
	env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ''}`;
	return env;
}

function applyEnv(base: NodeJS.ProcessEnv, extra?: Record<string, string | undefined>): NodeJS.ProcessEnv {
	const env = { ...base };
	for (const [key, value] of Object.entries(extra ?? {})) {
		if (value === undefined) delete env[key];
		else env[key] = value;
	}
	return env;
}

interface RunOptions {
	cwd: string;
	env: NodeJS.ProcessEnv;
	timeoutMs?: number;
}

async function run(command: string, args: string[], options: RunOptions): Promise<CliResult> {
	const started = Date.now();
	return await new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		track(child);
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		const timeoutMs = options.timeoutMs ?? 180_000;
		const timer = setTimeout(() => {
			stderr += `\n[harness] timed out after ${timeoutMs} ms, killing\n`;
			killGroup(child, 'SIGKILL');
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ args, exitCode: code ?? (signal ? 128 : 1), stdout, stderr, durationMs: Date.now() - started });
		});
	});
}

/** n8n processes still running: killed when this process exits, so an aborted run leaves none behind. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of liveChildren) killGroup(child, 'SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
	liveChildren.add(child);
	child.once('close', () => liveChildren.delete(child));
	return child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal); // the whole group: n8n and the task runner it spawned
	} catch {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

/** A long-running process (n8n start / worker, a database): its own process group, killed with this one. */
export interface LiveProcess {
	readonly pid: number;
	/** Everything it printed so far (stdout + stderr). */
	logs(): string;
	running(): boolean;
	/** Resolves once its output matches (from `from`, a logs() length); throws when it exits first or after timeoutMs. */
	waitForLog(pattern: RegExp, options?: { from?: number; timeoutMs?: number }): Promise<RegExpMatchArray>;
	/** Sends a signal to the whole group. */
	kill(signal: NodeJS.Signals): void;
	/** `signal` (default SIGTERM), then SIGKILL after graceMs (default 20 s); resolves when it has exited. */
	stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export function startProcess(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): LiveProcess {
	const child = track(spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
	let logs = '';
	const listeners = new Set<() => void>();
	const onOutput = (chunk: string) => {
		logs += chunk;
		for (const listener of listeners) listener();
	};
	child.stdout!.setEncoding('utf8').on('data', onOutput);
	child.stderr!.setEncoding('utf8').on('data', onOutput);
	const running = () => child.exitCode === null && child.signalCode === null;
	const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
	child.on('close', () => listeners.forEach((listener) => listener()));
	return {
		pid: child.pid!,
		logs: () => logs,
		running,
		async waitForLog(pattern, { from = 0, timeoutMs = 120_000 } = {}) {
			return await new Promise((resolve, reject) => {
				const check = () => {
					const match = logs.slice(from).match(pattern);
					if (!match && running()) return;
					listeners.delete(check);
					clearTimeout(timer);
					if (match) resolve(match);
					else reject(new Error(`${[path.basename(command), ...args.slice(1)].join(' ')} exited before printing ${pattern}\n${logs.slice(-4000)}`));
				};
				const timer = setTimeout(() => {
					listeners.delete(check);
					reject(new Error(`no ${pattern} within ${timeoutMs} ms\n${logs.slice(-4000)}`));
				}, timeoutMs);
				listeners.add(check);
				check();
			});
		},
		kill: (signal) => killGroup(child, signal),
		async stop(signal = 'SIGTERM', graceMs = 20_000) {
			if (!running()) return;
			killGroup(child, signal);
			const killer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
			await exited;
			clearTimeout(killer);
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Packing and installing the package like n8n

export interface PackedPackage {
	tarball: string;
	name: string;
	version: string;
	files: string[];
}

const workRoot = path.join(os.tmpdir(), 'n8n-ideogram-e2e');

/** `npm pack` of a package directory into a temp dir. */
export async function packPackage(packageDir = REPO_ROOT): Promise<PackedPackage> {
	fs.mkdirSync(workRoot, { recursive: true });
	const dest = fs.mkdtempSync(path.join(workRoot, 'pack-'));
	const result = await run('npm', ['pack', '--json', '--pack-destination', dest], { cwd: packageDir, env: cleanEnv() });
	if (result.exitCode !== 0) throw new Error(`npm pack failed:\n${result.stderr}\n${result.stdout}`);
	const [info] = JSON.parse(result.stdout) as Array<{ filename: string; name: string; version: string; files: Array<{ path: string }> }>;
	return { tarball: path.join(dest, info.filename), name: info.name, version: info.version, files: info.files.map((f) => f.path) };
}

/**
 * What n8n 2.41 does in CommunityPackagesService.downloadPackage (dist/modules/community-packages/
 * community-packages.service.js), with the tarball from `npm pack <name>@<version>` replaced by ours:
 *   1. <nodes>/package.json is the ledger {"name":"installed-nodes","private":true,"dependencies":{}}
 *   2. tar -xzf <tarball> -C <nodes>/node_modules/<name> --strip-components=1
 *   3. drop devDependencies, peerDependencies, optionalDependencies from the package's package.json
 *   4. in that directory: npm install --audit=false --fund=false --bin-links=false
 *        --install-strategy=shallow --ignore-scripts=true --package-lock=false [--registry=<N8N_COMMUNITY_PACKAGES_REGISTRY>]
 *   5. ledger.dependencies[name] = version
 * Steps 2–4 are done once per tarball into a template and copied into each scratch folder.
 */
export async function installLikeN8n(tarball: string, nodesDir: string): Promise<{ name: string; version: string; dir: string }> {
	const hash = createHash('sha256').update(fs.readFileSync(tarball)).digest('hex').slice(0, 16);
	const template = path.join(workRoot, `pkg-${hash}`);
	if (!fs.existsSync(path.join(template, '.complete'))) {
		const staging = `${template}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
		fs.mkdirSync(staging, { recursive: true });
		const tar = await run('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1'], { cwd: staging, env: cleanEnv() });
		if (tar.exitCode !== 0) throw new Error(`tar failed: ${tar.stderr}`);
		const pkgPath = path.join(staging, 'package.json');
		const packageJson = JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as Record<string, unknown>;
		for (const key of ['devDependencies', 'peerDependencies', 'optionalDependencies']) delete packageJson[key];
		fs.writeFileSync(pkgPath, JSON.stringify(packageJson, null, 2), 'utf8');
		const args = ['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'];
		if (process.env.N8N_COMMUNITY_PACKAGES_REGISTRY) args.push(`--registry=${process.env.N8N_COMMUNITY_PACKAGES_REGISTRY}`);
		const install = await run('npm', args, { cwd: staging, env: cleanEnv(), timeoutMs: 600_000 });
		if (install.exitCode !== 0) throw new Error(`npm install of the package failed:\n${install.stderr}\n${install.stdout}`);
		fs.writeFileSync(path.join(staging, '.complete'), '');
		fs.rmSync(template, { recursive: true, force: true });
		fs.renameSync(staging, template);
		// every build makes a new tarball: keep only the three most recently used templates
		const templates = fs
			.readdirSync(workRoot)
			.filter((e) => /^pkg-[0-9a-f]{16}$/.test(e))
			.map((e) => ({ dir: path.join(workRoot, e), mtime: fs.statSync(path.join(workRoot, e)).mtimeMs }))
			.sort((a, b) => b.mtime - a.mtime);
		for (const old of templates.slice(3)) fs.rmSync(old.dir, { recursive: true, force: true });
	}
	const now = new Date();
	fs.utimesSync(template, now, now); // in use: keep it from pruneWorkRoot
	const { name, version } = JSON.parse(fs.readFileSync(path.join(template, 'package.json'), 'utf8')) as { name: string; version: string };
	const dir = path.join(nodesDir, 'node_modules', name);
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	fs.cpSync(template, dir, { recursive: true, verbatimSymlinks: true, filter: (src) => path.basename(src) !== '.complete' });
	const ledgerPath = path.join(nodesDir, 'package.json');
	const ledger = fs.existsSync(ledgerPath)
		? (JSON.parse(fs.readFileSync(ledgerPath, 'utf8')) as { dependencies: Record<string, string> })
		: { name: 'installed-nodes', private: true, dependencies: {} as Record<string, string> };
	ledger.dependencies[name] = version;
	fs.writeFileSync(ledgerPath, JSON.stringify(ledger, null, 2), 'utf8');
	return { name, version, dir };
}

// ---------------------------------------------------------------------------------------------
// The scratch instance

function workflowId(): string {
	return `e2e${randomBytes(8).toString('hex')}`; // n8n accepts ids of 1–21 characters
}

/** Removes scratch folders and package templates left by runs more than 6 hours ago (killed runs, N8N_E2E_KEEP). */
function pruneWorkRoot(): void {
	if (!fs.existsSync(workRoot)) return;
	const cutoff = Date.now() - 6 * 3600_000;
	for (const entry of fs.readdirSync(workRoot)) {
		const full = path.join(workRoot, entry);
		try {
			if (fs.statSync(full).mtimeMs < cutoff) fs.rmSync(full, { recursive: true, force: true });
		} catch {
			// raced with another run
		}
	}
}

export async function startN8nScratch(options: ScratchOptions = {}): Promise<N8nScratch> {
	pruneWorkRoot();
	const install = await ensureN8n();
	const tarball = options.tarball ?? (await packPackage(options.packageDir ?? process.env.N8N_E2E_PACKAGE_DIR ?? REPO_ROOT)).tarball;
	fs.mkdirSync(workRoot, { recursive: true });
	const userFolder = fs.mkdtempSync(path.join(workRoot, 'scratch-'));
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const pkg = await installLikeN8n(tarball, nodesDir);
	if (!options.tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });

	const env = applyEnv(
		{
			...cleanEnv(),
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			DB_TYPE: 'sqlite',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			// Off by default in 2.41 (N8N_SSRF_PROTECTION_ENABLED=false); explicit so a changed default
			// shows up here. With it on, the fakes need N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.0/8 or
			// N8N_SSRF_ALLOWED_HOSTNAMES=localhost.
			N8N_SSRF_PROTECTION_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_SECURE_COOKIE: 'false',
			N8N_HOST: '127.0.0.1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			NODE_ENV: 'production',
		},
		options.env,
	);
	delete env.N8N_CUSTOM_EXTENSIONS;

	const servers = new Set<N8nServer>();
	const workers = new Set<LiveProcess>();

	const cli: N8nScratch['cli'] = async (args, cliOptions = {}) => {
		const processEnv = applyEnv({ ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) }, cliOptions.env);
		return await run(process.execPath, [install.bin, ...args], { cwd: userFolder, env: processEnv, timeoutMs: cliOptions.timeoutMs });
	};

	let fileCounter = 0;
	const writeJson = (prefix: string, value: unknown): string => {
		const file = path.join(userFolder, `${prefix}-${++fileCounter}.json`);
		fs.writeFileSync(file, JSON.stringify(value, null, 2));
		return file;
	};

	const importCredentials: N8nScratch['importCredentials'] = async (credentials) => {
		const file = writeJson('credentials', credentials);
		const result = await cli(['import:credentials', `--input=${file}`]);
		if (result.exitCode !== 0 || !/Successfully imported/i.test(result.stdout + result.stderr)) {
			throw new Error(`import:credentials failed\n${describeRun(result)}`);
		}
	};

	const importWorkflows: N8nScratch['importWorkflows'] = async (workflows) => {
		const prepared = workflows.map((wf) => ({ active: false, settings: {}, ...wf, id: wf.id ?? workflowId() }));
		const file = writeJson('workflows', prepared);
		const result = await cli(['import:workflow', `--input=${file}`]);
		if (result.exitCode !== 0 || !/Successfully imported/i.test(result.stdout + result.stderr)) {
			throw new Error(`import:workflow failed\n${describeRun(result)}`);
		}
		return prepared.map((wf) => wf.id);
	};

	const executeById: N8nScratch['executeById'] = async (id, execOptions = {}) => {
		const result = await cli(['execute', `--id=${id}`, '--rawOutput'], execOptions);
		return { ...result, workflowId: id, output: parseExecuteOutput(result.stdout) };
	};

	const scratch: N8nScratch = {
		userFolder,
		packageName: pkg.name,
		packageVersion: pkg.version,
		installedPackageDir: pkg.dir,
		env,
		cli,
		importCredentials,
		importWorkflows,
		executeById,
		async execute(workflow, execOptions) {
			const [id] = await importWorkflows([workflow]);
			return await executeById(id, execOptions);
		},
		async executeAll(workflows, execOptions) {
			const ids = await importWorkflows(workflows);
			const results: ExecutionResult[] = [];
			for (const id of ids) results.push(await executeById(id, execOptions));
			return results;
		},
		async startServer(serverOptions = {}) {
			const server = await startServer(install, env, userFolder, serverOptions);
			servers.add(server);
			const stop = server.stop.bind(server);
			return Object.assign(server, {
				async stop() {
					servers.delete(server);
					await stop();
				},
			});
		},
		async startWorker({ concurrency = 10, env: extra } = {}) {
			const processEnv = applyEnv({ ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) }, extra);
			const worker = startProcess(process.execPath, [install.bin, 'worker', `--concurrency=${concurrency}`], { cwd: userFolder, env: processEnv });
			workers.add(worker);
			try {
				await worker.waitForLog(/n8n worker is now ready/);
			} catch (error) {
				await worker.stop('SIGKILL');
				throw error;
			}
			return worker;
		},
		async dispose() {
			for (const server of [...servers]) await server.stop();
			await Promise.all([...workers].map(async (worker) => await worker.stop()));
			if (!(options.keep || process.env.N8N_E2E_KEEP === '1')) {
				fs.rmSync(userFolder, { recursive: true, force: true });
			}
		},
	};

	if (options.credentials?.length) await importCredentials(options.credentials);
	return scratch;
}

// ---------------------------------------------------------------------------------------------
// `n8n start`

/** Creates the workflow through the REST API and publishes it, so its production webhooks listen. Returns its id. */
export async function activateWorkflow(server: N8nServer, workflow: WorkflowJson): Promise<string> {
	const created = await server.request<{ data: { id: string; versionId: string } }>('POST', '/rest/workflows', { settings: {}, ...workflow, active: false });
	if (created.status !== 200) throw new Error(`creating workflow "${workflow.name}": ${created.status} ${created.text}`);
	const { id, versionId } = created.body.data;
	const activated = await server.request('POST', `/rest/workflows/${id}/activate`, { versionId });
	if (activated.status !== 200) throw new Error(`activating workflow "${workflow.name}": ${activated.status} ${activated.text}`);
	return id;
}

/** POST to a production webhook; retries while n8n is still registering a just-published workflow's webhook. */
export async function postWebhook<T = Record<string, unknown>>(server: N8nServer, webhookPath: string, body: unknown): Promise<HttpResult<T>> {
	for (let attempt = 0; ; attempt++) {
		const res = await server.anonymousRequest<T>('POST', `/webhook/${webhookPath}`, body);
		if (!(res.status === 404 && /not registered/.test(res.text)) || attempt === 40) return res;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

async function startServer(install: N8nInstall, baseEnv: NodeJS.ProcessEnv, userFolder: string, options: ServerOptions): Promise<N8nServer> {
	const port = await freePort();
	const env = applyEnv(
		{ ...baseEnv, N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(await freePort()), N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}` },
		options.env,
	);
	const child = startProcess(process.execPath, [install.bin, 'start'], { cwd: userFolder, env });
	const url = `http://127.0.0.1:${port}`;
	const browserId = `e2e-${randomBytes(6).toString('hex')}`;
	let cookie = '';

	const doRequest = async <T>(method: string, urlPath: string, body: unknown, withCookie: boolean): Promise<HttpResult<T>> => {
		const headers: Record<string, string> = { 'browser-id': browserId, accept: 'application/json' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (withCookie && cookie) headers.cookie = cookie;
		const response = await fetch(url + urlPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
		const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (setCookie) cookie = setCookie.split(';')[0];
		const bytes = Buffer.from(await response.arrayBuffer());
		const text = bytes.toString('utf8');
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON
		}
		return { status: response.status, body: parsed as T, text, bytes };
	};

	const server: N8nServer = {
		url,
		port,
		pid: child.pid,
		logs: child.logs,
		request: async (method, urlPath, body) => await doRequest(method, urlPath, body, true),
		anonymousRequest: async (method, urlPath, body) => await doRequest(method, urlPath, body, false),
		stop: child.stop,
	};

	const deadline = Date.now() + (options.timeoutMs ?? 120_000);
	let ready = false;
	while (Date.now() < deadline) {
		if (!child.running()) throw new Error(`n8n start exited\n${child.logs()}`);
		try {
			const res = await fetch(`${url}/healthz/readiness`);
			if (res.status === 200) {
				ready = true;
				break;
			}
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	if (!ready) {
		await server.stop();
		throw new Error(`n8n start did not become ready\n${child.logs()}`);
	}
	// The instance has a shell owner until this: setting it up also logs in (sets n8n-auth).
	const setup = await doRequest('POST', '/rest/owner/setup', OWNER, false);
	if (setup.status !== 200) {
		const login = await doRequest('POST', '/rest/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password }, false);
		if (login.status !== 200) {
			await server.stop();
			throw new Error(`owner setup (${setup.status} ${setup.text}) and login (${login.status} ${login.text}) failed`);
		}
	}
	return server;
}
