/**
 * Shared by the fault-tolerance workflow tests (faults*.test.ts): fakes with distinctive API keys,
 * workflows for one Ideogram node, a runner that times each run and keeps everything it produced
 * (run data, errors) plus every log line and console call, so the suite can finally check that
 * no API key appears anywhere a user or an operator could see it.
 */
import crypto from 'node:crypto';
import { Container } from '@n8n/di';
import type { INodeParameters } from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';

import { runWorkflow, type RunResult } from '../harness/engine';
import { CREDENTIAL_TYPE, imageItem, makeImage, PROVIDER_LABEL, singleNode, type NodeName, type NodeSettings } from '../harness/workflows';
import type { TestItem } from '../harness/engine';
import { startFake, type FakeOptions, type FakeServer, type ProviderName, type RecordedRequest } from '../fakes';

export const PROVIDERS: readonly ProviderName[] = ['runComfy', 'runware', 'cometApi', 'ideogram'];
export const DISPLAY = PROVIDER_LABEL;

/** Distinctive keys: any appearance in output, errors or logs is a leak. */
export const KEYS: Record<ProviderName, string> = Object.fromEntries(
	PROVIDERS.map((p) => [p, `sk-live-SECRET-${p}-${crypto.randomBytes(12).toString('hex')}`]),
) as Record<ProviderName, string>;

const openFakes = new Set<FakeServer>();

export async function fake(provider: ProviderName, options: FakeOptions = {}): Promise<FakeServer> {
	const server = await startFake(provider, { jobDurationMs: 100, apiKey: KEYS[provider], ...options });
	openFakes.add(server);
	return server;
}

export async function closeFakes(): Promise<void> {
	await Promise.all([...openFakes].map((f) => f.close()));
	openFakes.clear();
}

export function credentials(server: FakeServer, apiKey = KEYS[server.provider]) {
	return { [CREDENTIAL_TYPE[server.provider]]: { apiKey, baseUrl: server.url } };
}

let image: Buffer | undefined;
/** A tiny PNG: Replace Background answers with an image of the input's size. */
export async function inputItems(count = 1): Promise<TestItem[]> {
	image ??= await makeImage({ width: 64, height: 48 });
	return Array.from({ length: count }, (_, i) => imageItem(image!, { json: { n: i } }));
}

export interface Case {
	provider: ProviderName;
	node?: NodeName;
	parameters?: INodeParameters;
	options?: INodeParameters;
	settings?: NodeSettings;
	items?: number;
	cancelAfterMs?: number;
	apiKey?: string;
}

export interface Timed extends RunResult {
	startedAt: number;
	endedAt: number;
	ms: number;
}

// ───────────────────────────── everything seen, for the key scan ─────────────────────────────

export const seen: { runs: unknown[]; logs: string[] } = { runs: [], logs: [] };

function format(value: unknown): string {
	return typeof value === 'string' ? value : serialize(value);
}

/**
 * JSON of anything, errors included with their non-enumerable `message`/`stack` and their
 * `description`, `context`, `cause` (JSON.stringify alone drops an Error's message).
 */
export function serialize(value: unknown): string {
	const stack = new WeakSet<object>();
	const walk = (v: unknown, depth: number): unknown => {
		if (typeof v === 'bigint') return String(v);
		if (typeof v !== 'object' || v === null) return v;
		if (Buffer.isBuffer(v)) return `<buffer ${v.length}>`;
		if (stack.has(v) || depth > 40) return '[circular]';
		stack.add(v);
		try {
			if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
			const out: Record<string, unknown> = {};
			const keys = new Set<string>(Object.keys(v));
			if (v instanceof Error) for (const k of ['name', 'message', 'stack', 'description', 'context', 'cause', ...Object.getOwnPropertyNames(v)]) keys.add(k);
			for (const k of keys) {
				let field: unknown;
				try {
					field = (v as Record<string, unknown>)[k];
				} catch {
					continue;
				}
				if (typeof field !== 'function') out[k] = walk(field, depth + 1);
			}
			return out;
		} finally {
			stack.delete(v);
		}
	};
	return JSON.stringify(walk(value, 0)) ?? String(value);
}

/**
 * Sends every log line to `seen.logs` instead of the terminal: n8n's Logger (@n8n/backend-common,
 * which n8n-core's ErrorReporter writes to and which LoggerProxy forwards to once it exists) at
 * every level, debug included; LoggerProxy itself; console calls; and direct stream writes.
 */
function captureLogs(): () => void {
	const line =
		(level: string) =>
		(message: string, metadata?: unknown) =>
			seen.logs.push(`[${level}] ${message} ${metadata === undefined ? '' : format(metadata)}`);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Logger } = require('@n8n/backend-common') as { Logger: { prototype: { log: (...args: unknown[]) => void } } };
	const originalLog = Logger.prototype.log;
	Logger.prototype.log = function (level: unknown, message: unknown, metadata: unknown) {
		line(`n8n ${String(level)}`)(String(message), metadata);
	};
	// Created now, n8n's Logger points LoggerProxy at itself (dropping debug); ours comes after it.
	Container.get(Logger as never);
	LoggerProxy.init({ error: line('error'), warn: line('warn'), info: line('info'), debug: line('debug') });
	const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
		jest.spyOn(console, m).mockImplementation((...args: unknown[]) => {
			seen.logs.push(`[console.${m}] ${args.map(format).join(' ')}`);
		}),
	);
	// Whatever writes to the process streams directly (loggers with their own transports).
	const streams = ([process.stdout, process.stderr] as const).map((stream) => {
		const write = stream.write.bind(stream);
		stream.write = ((chunk: unknown, ...rest: unknown[]) => {
			seen.logs.push(`[${stream === process.stdout ? 'stdout' : 'stderr'}] ${typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')}`);
			return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
		}) as typeof stream.write;
		return () => (stream.write = write as typeof stream.write);
	});
	return () => {
		Logger.prototype.log = originalLog;
		spies.forEach((s) => s.mockRestore());
		streams.forEach((restore) => restore());
	};
}

/** `captureLogs` from before the test file's first test until after its last. */
export function captureLogsForFile(): void {
	let restore = () => {};
	beforeAll(() => {
		restore = captureLogs();
	});
	afterAll(() => restore());
}

/** Runs one node of `c.node` (default Replace Background) over tiny images against `server`. */
export async function runCase(server: FakeServer, c: Case): Promise<Timed> {
	const parameters: INodeParameters = {
		provider: c.provider,
		imageSource: 'binary',
		imageBinaryProperty: 'data',
		...((c.node ?? 'ideogramReplaceBackground') === 'ideogramReplaceBackground' ? { prompt: 'a quiet beach at dawn' } : {}),
		...c.parameters,
		options: { ...c.options },
	};
	const workflow = singleNode(c.node ?? 'ideogramReplaceBackground', parameters, await inputItems(c.items ?? 1), c.settings);
	const startedAt = Date.now();
	const result = await runWorkflow(workflow, { credentials: credentials(server, c.apiKey), cancelAfterMs: c.cancelAfterMs });
	const endedAt = Date.now();
	seen.runs.push(result.run);
	return { ...result, startedAt, endedAt, ms: endedAt - startedAt };
}

// ───────────────────────────── reading what the fakes saw ─────────────────────────────

/** Submit requests (Runware: imageInference tasks) the fake received. */
export function submits(server: FakeServer): RecordedRequest[] {
	return server.requests.filter((r) => r.kind === 'submit');
}

/** Runware taskUUIDs of the imageInference tasks sent. */
export function taskUuids(server: FakeServer): string[] {
	return submits(server).flatMap((r) =>
		(Array.isArray(r.json) ? (r.json as Array<Record<string, unknown>>) : [])
			.filter((t) => t.taskType === 'imageInference')
			.map((t) => String(t.taskUUID)),
	);
}

/** Every text the user sees of a node error: message, description, and the error's context. */
export function errorText(result: RunResult, node = 'Ideogram'): string {
	const e = result.error(node);
	if (!e) return '';
	return [e.message, e.description ?? '', serialize(e.context ?? {})].join('\n');
}
