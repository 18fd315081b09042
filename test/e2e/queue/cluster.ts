/**
 * n8n in queue mode, as a team runs it when one process is not enough: Postgres, Redis, a main
 * process (`n8n start`: editor, REST API, production webhooks) and two `n8n worker` processes that
 * run the executions. Each n8n process has its own user folder with the package installed in it
 * (installLikeN8n), as on separate machines; they share only Postgres, Redis, N8N_ENCRYPTION_KEY
 * and, in filesystem binary mode, the binary data folder.
 *
 *   const cluster = await startCluster();
 *   const id = await cluster.activate(workflow);             // REST: create + publish (activate)
 *   const res = await cluster.trigger('path', { png });      // POST /webhook/path
 *   const run = await cluster.waitForExecution(executionId); // the execution as stored in Postgres
 *   cluster.workerOf(executionId);                           // 0 or 1, from the workers' logs
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';

import { closeAllFakes, credentialFixtures, credentialsFor, startAllFakes, type Fakes, type Provider } from '../fixtures';
import {
	activateWorkflow,
	packPackage,
	postWebhook,
	startN8nScratch,
	type ExecutionResult,
	type HttpResult,
	type LiveProcess,
	type N8nScratch,
	type N8nServer,
	type RunOutput,
	type WorkflowJson,
} from '../n8n';
import { startServices, type Services } from './services';

export const PACKAGE = 'n8n-nodes-ideogram-v3';

export type BinaryMode = 'database' | 'filesystem';

export interface StoredExecution extends ExecutionResult {
	id: string;
	status: string;
}

export interface QueueCluster {
	fakes: Fakes;
	services: Services;
	main: N8nServer;
	workers: LiveProcess[];
	binaryMode: BinaryMode;
	/** Creates the workflow through the REST API and publishes it, so its production webhook listens. */
	activate(workflow: WorkflowJson): Promise<string>;
	/** POST to a production webhook of the main process. */
	trigger(webhookPath: string, body: unknown): Promise<HttpResult<Record<string, unknown>>>;
	/** The execution as n8n stored it (REST GET /rest/executions/:id). */
	execution(id: string): Promise<StoredExecution>;
	/** Polls until the execution has ended (any status but new/running/waiting). */
	waitForExecution(id: string, timeoutMs?: number): Promise<StoredExecution>;
	/** Index of the worker that started the execution (from its log line), undefined if none did. */
	workerOf(id: string): number | undefined;
	/** How many times the current workers started the execution. */
	startsOf(id: string): number;
	/** The next execution a worker starts after `since` (the workers' log lengths): its id, Bull job id and worker. */
	nextStartedExecution(since: number[], timeoutMs?: number): Promise<{ id: string; job: string; worker: number }>;
	logLengths(): number[];
	/** Kills worker `index` (n8n and its task runner) with SIGKILL. */
	killWorker(index: number): Promise<void>;
	/** Starts worker `index` again (after killWorker). */
	startWorker(index: number): Promise<void>;

	/** Runs `body` with one worker only, one whose user folder lacks the package (then restores both). */
	withWorkerLackingPackage<T>(body: () => Promise<T>): Promise<T>;
	/** Stops main and workers and starts them again in another binary data mode (Postgres and Redis stay). */
	restart(binaryMode: BinaryMode): Promise<void>;
	stop(): Promise<void>;
}

/** What a worker logs as it takes a job: execution id and Bull job id. */
const STARTED = /Worker started execution (\d+) \(job (\d+)\)/;
const startsIn = (logs: string) => [...logs.matchAll(new RegExp(STARTED, 'g'))].map((m) => ({ id: m[1], job: m[2] }));

/**
 * Bull's lock on a running job, renewed by the worker holding it; a worker that dies lets it
 * expire and another worker's check finds the job stalled (n8n 2.41 defaults: 60 s, 10 s, 30 s).
 * Shorter here so a killed worker is noticed within the test.
 */
const QUEUE_TIMINGS = { QUEUE_WORKER_LOCK_DURATION: '15000', QUEUE_WORKER_LOCK_RENEW_TIME: '3000', QUEUE_WORKER_STALLED_INTERVAL: '5000' };

/** flatted's format (how n8n's REST API sends execution data): strings in the table are indexes into it. */
function unflatten(text: string): unknown {
	const table = JSON.parse(text) as unknown[];
	const revived = new Map<number, unknown>();
	const revive = (index: number): unknown => {
		const value = table[index];
		if (typeof value !== 'object' || value === null) return value;
		if (revived.has(index)) return revived.get(index);
		const out: Record<string, unknown> = Array.isArray(value) ? ([] as unknown as Record<string, unknown>) : {};
		revived.set(index, out);
		for (const [key, entry] of Object.entries(value)) out[key] = typeof entry === 'string' ? revive(Number(entry)) : entry;
		return out;
	};
	return revive(0);
}

export async function startCluster(binaryMode: BinaryMode = 'database'): Promise<QueueCluster> {
	const [services, fakes, packed] = await Promise.all([startServices(), startAllFakes(), packPackage()]);
	const sharedBinaryFolder = fs.mkdtempSync(path.join(path.dirname(packed.tarball), 'binary-'));
	const scratches: N8nScratch[] = [];
	try {
		const env = { ...services.env, ...QUEUE_TIMINGS };
		// main first: it creates the schema (import:credentials runs the migrations)
		scratches.push(await startN8nScratch({ tarball: packed.tarball, env, credentials: credentialFixtures(fakes) }));
		scratches.push(...(await Promise.all([1, 2].map(async () => await startN8nScratch({ tarball: packed.tarball, env })))));
	} catch (error) {
		await Promise.all(scratches.map(async (s) => await s.dispose()));
		await Promise.all([services.stop(), closeAllFakes(fakes)]);
		throw error;
	}
	const [mainScratch, ...workerScratches] = scratches;
	const modeEnv = (mode: BinaryMode) => ({
		N8N_DEFAULT_BINARY_DATA_MODE: mode,
		N8N_BINARY_DATA_STORAGE_PATH: mode === 'filesystem' ? sharedBinaryFolder : undefined,
	});
	const startWorker = async (index: number) => await workerScratches[index].startWorker({ env: modeEnv(cluster.binaryMode) });
	const startAll = async () => {
		cluster.main = await mainScratch.startServer({ env: modeEnv(cluster.binaryMode) });
		cluster.workers = await Promise.all(workerScratches.map(async (_, i) => await startWorker(i)));
	};

	const cluster: QueueCluster = {
		fakes,
		services,
		main: undefined as unknown as N8nServer,
		workers: [],
		binaryMode,
		activate: async (workflow) => await activateWorkflow(cluster.main, workflow),
		trigger: async (webhookPath, body) => await postWebhook(cluster.main, webhookPath, body),
		async execution(id) {
			const res = await cluster.main.request<{ data: { id: string; status: string; workflowId: string; data: string } }>('GET', `/rest/executions/${id}`);
			if (res.status !== 200) throw new Error(`GET /rest/executions/${id}: ${res.status} ${res.text}`);
			const { status, workflowId, data } = res.body.data;
			const output = { data: unflatten(data), status } as RunOutput;
			return { id, status, workflowId, output, args: [`execution ${id}`], exitCode: status === 'success' ? 0 : 1, stdout: '', stderr: '', durationMs: 0 };
		},
		async waitForExecution(id, timeoutMs = 120_000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const execution = await cluster.execution(id);
				if (!['new', 'running', 'waiting', 'unknown'].includes(execution.status)) return execution;
				if (Date.now() > deadline) throw new Error(`execution ${id} still ${execution.status} after ${timeoutMs} ms`);
				await new Promise((resolve) => setTimeout(resolve, 250));
			}
		},
		workerOf(id) {
			const index = cluster.workers.findIndex((w) => startsIn(w.logs()).some((start) => start.id === id));
			return index === -1 ? undefined : index;
		},
		startsOf: (id) => cluster.workers.flatMap((w) => startsIn(w.logs())).filter((start) => start.id === id).length,
		logLengths: () => cluster.workers.map((w) => w.logs().length),
		async nextStartedExecution(since, timeoutMs = 60_000) {
			return await Promise.any(
				cluster.workers.map(async (w, worker) => {
					const [, id, job] = await w.waitForLog(STARTED, { from: since[worker], timeoutMs });
					return { id, job, worker };
				}),
			);
		},
		async killWorker(index) {
			await cluster.workers[index].stop('SIGKILL');
		},
		async startWorker(index) {
			cluster.workers[index] = await startWorker(index);
		},

		async withWorkerLackingPackage(body) {
			await Promise.all(cluster.workers.map(async (w) => await w.stop()));
			// out of node_modules: n8n loads every package there that has an `n8n` section, whatever its folder name
			const dir = workerScratches[0].installedPackageDir;
			const aside = path.join(workerScratches[0].userFolder, 'package-removed');
			fs.renameSync(dir, aside);
			try {
				cluster.workers = [await startWorker(0)];
				return await body();
			} finally {
				await cluster.workers[0]?.stop();
				fs.renameSync(aside, dir);
				cluster.workers = await Promise.all(workerScratches.map(async (_, i) => await startWorker(i)));
			}
		},
		async restart(mode) {
			await Promise.all([cluster.main.stop(), ...cluster.workers.map(async (w) => await w.stop())]);
			cluster.binaryMode = mode;
			await startAll();
		},
		async stop() {
			await Promise.all(scratches.map(async (s) => await s.dispose()));
			await Promise.all([services.stop(), closeAllFakes(fakes)]);
			fs.rmSync(path.dirname(packed.tarball), { recursive: true, force: true });
		},
	};
	try {
		await startAll();
	} catch (error) {
		await cluster.stop();
		throw error;
	}
	return cluster;
}

// ---------------------------------------------------------------------------------------------
// Workflows: Webhook → To File (the PNG of the request body as binary `data`) → steps → Done

type Node = Record<string, unknown> & { name: string };

/** An Ideogram node of this package on `provider`, reading the binary `data` of its input. */
export function ideogramNode(name: string, type: string, provider: Provider, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}): Node {
	const image = type === 'ideogramPollResult' ? {} : { imageSource: 'binary', imageBinaryProperty: 'data' };
	return { name, type: `${PACKAGE}.${type}`, typeVersion: 1, parameters: { provider, ...image, ...parameters }, credentials: credentialsFor(provider), ...extra };
}

/** The operations with parameters every provider takes; Edit repaints a region of the image. */
export const OPERATIONS = {
	Edit: ['ideogramEdit', { prompt: 'a red balloon', maskSource: 'region', maskRegions: { regions: [{ unit: 'percent', x: 25, y: 25, width: 50, height: 50 }] }, options: {} }],
	Reframe: ['ideogramReframe', { resolution: '1280x800', options: {} }],
	// the prompt of the request's item, so the fake's jobs tell the items apart
	'Replace Background': ['ideogramReplaceBackground', { prompt: '={{ $("Items").item.json.prompt ?? "a beach at sunset" }}', options: {} }],
} as const;

export interface WebhookWorkflowOptions {
	/** `lastNode` (default): the response is Done's item, `{ executionId }`, once the execution ends. `onReceived`: at once. */
	respond?: 'lastNode' | 'onReceived';
	/** No To File step (the steps read the items' JSON only). */
	noImage?: boolean;
}

/**
 * A linear workflow started by a production webhook at `webhookPath`: the request body's `items`
 * become the items (Items), each one's `png` (base64) its binary `data` (To File), then the steps.
 */
export function webhookWorkflow(webhookPath: string, steps: Node[], options: WebhookWorkflowOptions = {}): WorkflowJson {
	const respond = options.respond ?? 'lastNode';
	const nodes: Node[] = [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: randomUUID(),
			parameters: { httpMethod: 'POST', path: webhookPath, responseMode: respond, options: {} },
		},
		{ name: 'Items', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'body.items', options: {} } },
		...(options.noImage
			? []
			: [
					{
						name: 'To File',
						type: 'n8n-nodes-base.convertToFile',
						typeVersion: 1.1,
						parameters: {
							operation: 'toBinary',
							sourceProperty: 'png',
							binaryPropertyName: 'data',
							options: { fileName: 'input.png', mimeType: 'image/png' },
						},
					},
				]),
		...steps,
		...(respond === 'lastNode'
			? [
					{
						name: 'Done',
						type: 'n8n-nodes-base.set',
						typeVersion: 3.4,
						executeOnce: true,
						parameters: { mode: 'manual', assignments: { assignments: [{ id: 'e', name: 'executionId', value: '={{ $execution.id }}', type: 'string' }] }, options: {} },
					},
				]
			: []),
	];
	const connections: Record<string, unknown> = {};
	nodes.forEach((node, i) => {
		node.id ??= `n${i}`;
		node.position ??= [i * 220, 0];
		if (i > 0) connections[nodes[i - 1].name] = { main: [[{ node: node.name, type: 'main', index: 0 }]] };
	});
	return { name: `queue ${webhookPath}`, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** Triggers a `lastNode` webhook workflow and returns its stored execution once it has ended. */
export async function runViaWebhook(cluster: QueueCluster, webhookPath: string, body: unknown): Promise<StoredExecution> {
	const res = await cluster.trigger(webhookPath, body);
	const executionId = res.body?.executionId;
	if (res.status !== 200 || typeof executionId !== 'string') throw new Error(`webhook ${webhookPath}: ${res.status} ${res.text}`);
	return await cluster.waitForExecution(executionId);
}

