/**
 * `npm run dev` as a user runs it: started in a process group of its own (a terminal's), it prints
 * the editor's address; through n8n's REST API the four nodes are loaded, the four sandbox
 * credentials exist, an example runs to completion through the route the editor's "Execute
 * workflow" calls, and a rewritten dist file reloads the nodes (N8N_DEV_RELOAD). Ctrl-C (SIGINT to
 * the group) then leaves no process it started (n8n, its task runner, tsc --watch) and no port
 * open (the editor's, the sandbox providers').
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { DEV_OWNER } from '../../scripts/dev';
import { REAL_PROVIDERS } from '../../scripts/providers';
import { listExampleFiles, loadExample } from './examples';
import { CREDENTIAL_OF, PROVIDERS } from './fixtures';
import { freePort, REPO_ROOT } from './n8n';

const PACKAGE = 'n8n-nodes-ideogram-v3';
const NODE_NAMES = ['ideogramEdit', 'ideogramReframe', 'ideogramReplaceBackground', 'ideogramPollResult'];
const EXAMPLE = path.join(REPO_ROOT, 'examples', 'replace-background-runcomfy.json');

/** Every process below `pid` (by parent id, read from /proc). */
function descendants(pid: number): number[] {
	const parentOf = new Map<number, number>();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			// the command name is in parentheses and may hold spaces: the fields after it are fixed
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
		} catch {
			// gone meanwhile
		}
	}
	const found: number[] = [];
	const walk = (parent: number) => {
		for (const [child, ppid] of parentOf) if (ppid === parent && !found.includes(child)) (found.push(child), walk(child));
	};
	walk(pid);
	return found;
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		// a zombie has exited; only its parent has not read its status yet
		return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
	} catch {
		return false;
	}
}

async function portOpen(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => (socket.destroy(), resolve(true)));
		socket.once('error', () => resolve(false));
	});
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, logs: () => string): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s\n--- npm run dev printed (tail):\n${logs().slice(-6000)}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

describe('npm run dev', () => {
	let dev: ChildProcess;
	let output = '';
	const logs = () => output;
	let url = '';
	let cookie = '';
	let userFolder = '';
	let started: number[] = [];

	const request = async <T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> => {
		const headers: Record<string, string> = { 'browser-id': 'dev-test', accept: 'application/json' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (cookie) headers.cookie = cookie;
		const response = await fetch(url + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
		const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (setCookie) cookie = setCookie.split(';')[0];
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON
		}
		return { status: response.status, body: parsed as T };
	};

	beforeAll(async () => {
		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-ideogram-dev-'));
		const env: NodeJS.ProcessEnv = { ...process.env, N8N_PORT: String(await freePort()), N8N_IDEOGRAM_DEV_FOLDER: userFolder };
		for (const provider of PROVIDERS) delete env[REAL_PROVIDERS[provider].keyVar]; // the sandbox, whatever the machine has
		for (const key of Object.keys(env)) if (key.toLowerCase().startsWith('npm_')) delete env[key];
		env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ''}`;
		// detached: a process group of its own, as a terminal gives a command
		dev = spawn('npm', ['run', 'dev'], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
		dev.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		dev.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		url = await until('editor address', () => (dev.exitCode === null ? output.match(/Editor\s+(http:\/\/\S+)/)?.[1] : `exited ${dev.exitCode}`), 20 * 60_000, logs);
		expect(url).toMatch(/^http:\/\/localhost:\d+$/);
		started = descendants(dev.pid!);
	}, 21 * 60_000);

	afterAll(async () => {
		if (dev && dev.exitCode === null && dev.signalCode === null) process.kill(-dev.pid!, 'SIGKILL');
		for (const pid of descendants(dev?.pid ?? 0).concat(started)) if (alive(pid)) process.kill(pid, 'SIGKILL');
		fs.rmSync(userFolder, { recursive: true, force: true });
	});

	it('prints the login, and the editor signs in with it', async () => {
		expect(output).toContain(`${DEV_OWNER.email} / ${DEV_OWNER.password}`);
		expect(output).toMatch(/Try this/);
		const login = await request('POST', '/rest/login', { emailOrLdapLoginId: DEV_OWNER.email, password: DEV_OWNER.password });
		expect(login.status).toBe(200);
	});

	it('has the four nodes loaded from the package', async () => {
		const res = await request<Array<{ name: string }>>('GET', '/types/nodes.json');
		expect(res.status).toBe(200);
		const ours = res.body.map((n) => n.name).filter((name) => name.startsWith(`${PACKAGE}.`) && !name.endsWith('Tool'));
		expect(ours.sort()).toEqual(NODE_NAMES.map((n) => `${PACKAGE}.${n}`).sort());
	});

	it('has one sandbox credential per provider, pointing at a sandbox on loopback', async () => {
		const res = await request<{ data: Array<{ id: string; name: string; type: string }> }>('GET', '/rest/credentials');
		expect(res.status).toBe(200);
		for (const provider of PROVIDERS) {
			const { id, type } = CREDENTIAL_OF[provider];
			const credential = res.body.data.find((c) => c.id === id);
			expect({ provider, type: credential?.type, name: credential?.name }).toEqual({ provider, type, name: expect.stringMatching(/\(sandbox\)$/) });
			const full = await request<{ data: { data?: { baseUrl?: string } } }>('GET', `/rest/credentials/${id}?includeData=true`);
			expect({ provider, baseUrl: full.body.data.data?.baseUrl }).toEqual({ provider, baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
		}
	});

	it('has the examples imported, and one runs to completion as "Execute workflow" runs it', async () => {
		const list = await request<{ data: Array<{ id: string; name: string }> }>('GET', '/rest/workflows');
		expect(list.status).toBe(200);
		const names = list.body.data.map((w) => w.name);
		expect(names).toEqual(expect.arrayContaining(listExampleFiles().map((file) => loadExample(file, {}).name)));

		const { id, nodes } = loadExample(EXAMPLE, {});
		const trigger = nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger')!;
		// what the editor posts for "Execute workflow": the saved workflow, started from its trigger
		// (n8n 2.41's ManualRunDto, a full run from a known trigger)
		const run = await request<{ data: { executionId?: string } }>('POST', `/rest/workflows/${id}/run`, { triggerToStartFrom: { name: trigger.name } });
		expect(run.status).toBe(200);
		const executionId = run.body.data.executionId!;
		expect(executionId).toBeTruthy();
		const execution = await until(
			`execution ${executionId} finishing`,
			async () => {
				const res = await request<{ data: { status: string; finished: boolean } }>('GET', `/rest/executions/${executionId}`);
				return res.status === 200 && !['new', 'running', 'waiting'].includes(res.body.data.status) ? res.body.data : undefined;
			},
			120_000,
			logs,
		);
		expect(execution.status).toBe('success');
	});

	it('reloads the nodes when their built files change (N8N_DEV_RELOAD)', async () => {
		const builtNode = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE, 'dist', 'nodes', 'IdeogramEdit', 'IdeogramEdit.node.js');
		expect(fs.existsSync(builtNode)).toBe(true);
		const from = output.length;
		fs.writeFileSync(builtNode, fs.readFileSync(builtNode)); // as tsc --watch rewrites it
		await until('hot reload', () => (/Hot reload triggered for n8n-nodes-ideogram-v3/.test(output.slice(from)) ? true : undefined), 60_000, logs);
		// n8n rewrites the node types file after a reload; it is served again once complete
		const names = await until(
			'the node types served again',
			async () => {
				const res = await request<unknown>('GET', '/types/nodes.json');
				return Array.isArray(res.body) ? (res.body as Array<{ name: string }>).map((n) => n.name) : undefined;
			},
			60_000,
			logs,
		);
		expect(names).toEqual(expect.arrayContaining(NODE_NAMES.map((n) => `${PACKAGE}.${n}`)));
	});

	it('stops everything it started on Ctrl-C', async () => {
		const port = Number(new URL(url).port);
		const sandboxPorts = [...output.matchAll(/sandbox at http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
		expect(sandboxPorts).toHaveLength(PROVIDERS.length);
		const running = descendants(dev.pid!);
		expect(running.length).toBeGreaterThanOrEqual(3); // at least the script, n8n and tsc
		const exited = new Promise((resolve) => dev.once('exit', resolve));
		process.kill(-dev.pid!, 'SIGINT'); // what Ctrl-C in a terminal does
		await exited;
		const left = await until(
			'exit of every process it started',
			() => {
				const still = [...new Set([...started, ...running])].filter(alive);
				return still.length === 0 ? still : undefined;
			},
			60_000,
			logs,
		);
		expect(left).toEqual([]);
		for (const open of [port, ...sandboxPorts]) expect({ port: open, open: await portOpen(open) }).toEqual({ port: open, open: false });
		expect(output).toMatch(/stopped n8n, the watcher and the sandbox providers/);
	}, 120_000);
});
