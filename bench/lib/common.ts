/** Shared plumbing of the benchmarks: statistics, runs against a fake, job timings, an image server, meters on the built package. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { startFake, type FakeOptions, type FakeServer, type JobSnapshot, type ProviderName } from '../../test/fakes';
import { runWorkflow, type WorkflowJson } from '../../test/harness/engine';
import { CREDENTIAL_TYPE, PROVIDER_LABEL } from '../../test/harness/workflows';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export { CREDENTIAL_TYPE, PROVIDER_LABEL };

export const credentialsFor = (fake: FakeServer) => ({ [CREDENTIAL_TYPE[fake.provider]]: { apiKey: fake.apiKey, baseUrl: fake.url } });
/** Job durations drawn uniformly in mean × [1 - spread, 1 + spread], so no schedule can aim at fixed instants. */
export const randomDuration = (meanMs: number, spread: number) => () => meanMs * (1 - spread + 2 * spread * Math.random());
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ───────────── statistics ─────────────

/** Nearest-rank percentile (p in 0–100). */
export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}
export const median = (values: readonly number[]) => percentile(values, 50);
export const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
export const max = (values: readonly number[]) => values.reduce((a, b) => Math.max(a, b), -Infinity);
export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
/** The element whose `key` is the median (the lower middle one for an even count). */
export const medianBy = <T>(values: T[], key: (value: T) => number): T => [...values].sort((a, b) => key(a) - key(b))[Math.floor((values.length - 1) / 2)];

/** Least-squares slope of `value` against `executions` over the run's second half, per 100 executions, with its standard error. */
export function secondHalfGrowth<P extends { executions: number }>(points: readonly P[], value: (p: P) => number): { per100: number; stdErr: number } {
	const total = points[points.length - 1]?.executions ?? 0;
	const half = points.filter((p) => p.executions > total / 2).map((p) => ({ x: p.executions, y: value(p) }));
	if (half.length < 2) return { per100: NaN, stdErr: NaN };
	const [mx, my] = [mean(half.map((p) => p.x)), mean(half.map((p) => p.y))];
	const sxx = half.reduce((a, p) => a + (p.x - mx) ** 2, 0);
	const slope = half.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx;
	const residuals = half.reduce((a, p) => a + (p.y - my - slope * (p.x - mx)) ** 2, 0);
	const stdErr = half.length > 2 ? Math.sqrt(residuals / (half.length - 2) / sxx) : NaN;
	return { per100: slope * 100, stdErr: stdErr * 100 };
}

// ───────────── jobs and requests on a fake ─────────────

/** `statusRequests`: the status checks that named the job (RunComfy `status`, Runware `getResponse`, Ideogram's generation); `downloadAt`: when the first download of one of its images reached the fake. */
export type JobTiming = { id: string; createdAt: number; completedAt: number; durationMs: number; statusRequests: number; downloadAt?: number };

/** Per-job timings and status checks from a fake's records (a job is named in the path or, on Runware, the body). */
export function jobTimings(fake: FakeServer): JobTiming[] {
	const jobs = fake.jobs().filter((j): j is JobSnapshot & { completedAt: number } => j.completedAt !== undefined);
	const byId = new Map(jobs.map((j) => [j.id, { id: j.id, createdAt: j.createdAt, completedAt: j.completedAt, durationMs: j.completedAt - j.createdAt, statusRequests: 0 } as JobTiming]));
	const byImagePath = new Map(jobs.flatMap((j) => j.images.map((url) => [new URL(url).pathname, byId.get(j.id)!] as const)));
	for (const r of fake.requests) {
		if (r.kind === 'download') {
			const t = byImagePath.get(r.path);
			if (t && t.downloadAt === undefined) t.downloadAt = r.at;
		} else if (r.kind === 'status' || r.kind === 'getResponse') {
			const m = /\/v1\/requests\/([^/]+)\//.exec(r.path) ?? /^\/v2\/generations\/([^/]+)$/.exec(r.path);
			const body = m ? '' : r.body.toString('utf8');
			for (const [id, t] of byId) if (m ? m[1] === id : body.includes(id)) t.statusRequests++;
		}
	}
	return [...byId.values()];
}

/** `wallMs`: n8n's own wall time of the run (startedAt → stoppedAt); `endedAt`: when the output node finished (epoch ms). */
export type ContenderRun = { wallMs: number; jobs: JobTiming[]; endedAt: number; error?: string; outputItems: number };

/** Runs `workflow` through n8n's engine against a fresh fake of `provider`, closed afterwards. */
export async function runAgainstFake(provider: ProviderName, fakeOptions: FakeOptions, build: (fake: FakeServer) => WorkflowJson, outputNode: string): Promise<ContenderRun> {
	const fake = await startFake(provider, fakeOptions);
	try {
		const { run } = await runWorkflow(build(fake), { credentials: credentialsFor(fake) });
		const stoppedAt = new Date(run.stoppedAt ?? Date.now()).getTime();
		const runs = run.data.resultData.runData[outputNode] ?? [];
		const last = runs[runs.length - 1];
		const error = run.data.resultData.error?.message;
		return {
			wallMs: stoppedAt - new Date(run.startedAt).getTime(),
			jobs: jobTimings(fake),
			endedAt: last ? last.startTime + last.executionTime : stoppedAt,
			...(error ? { error } : {}),
			outputItems: runs.reduce((n, r) => n + (r.data?.main?.[0]?.length ?? 0), 0),
		};
	} finally {
		await fake.close();
	}
}

/** A bare request with Node's http client: the floor under any client's cost. */
export function rawRequest(agent: http.Agent, method: string, url: string, headers: Record<string, string> = {}, body?: Buffer): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, agent, headers: body ? { ...headers, 'content-length': String(body.length) } : headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve(Buffer.concat(chunks)));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(body);
	});
}

// ───────────── input images over HTTP ─────────────

/** Serves fixed files (the inputs the loops and the package are given as URLs). */
export async function startImageServer(files: Record<string, { data: Buffer; mimeType: string }>) {
	const server = http.createServer((req, res) => {
		const file = files[(req.url ?? '/').slice(1).split('?')[0]];
		if (!file) return void res.writeHead(404).end('Not Found');
		res.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(file.data.length) }).end(file.data);
	});
	server.keepAliveTimeout = 30_000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url: (name: string) => `${base}/${name}`,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

// ───────────── the built package ─────────────

/** A module of the BUILT package (dist/): the very instance the nodes use (n8n-core loads node files with this process's require). */
export function distModule<T>(file: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(path.join(REPO_ROOT, 'dist/nodes/shared', file)) as T;
}

/** Forgets the job durations the built package learned (the next batch runs cold). */
export const forgetLearnedDurations = () => distModule<{ learnedDurations: { clear(): void } }>('pipeline/processState.js').learnedDurations.clear();

type AsyncFn = (...args: never[]) => Promise<unknown>;

/** `fn` adding the time of each call (async, calls not overlapping) to `total.ms`; with `onlyFulfilled`, rejected calls are not counted. */
function timed(fn: AsyncFn, total: { ms: number }, onlyFulfilled = false): AsyncFn {
	return async function (this: unknown, ...args: never[]) {
		const start = performance.now();
		try {
			const value = await fn.apply(this, args);
			total.ms += performance.now() - start;
			return value;
		} catch (error) {
			if (!onlyFulfilled) total.ms += performance.now() - start;
			throw error;
		}
	};
}

/**
 * Runs `fn` with meters on the package's clock (scheduled waits that ran their course; a request's
 * own timeout timer runs alongside and is not counted), inside its transport (its HTTP requests as
 * n8n's request helpers make them) and on n8n's binary data store (writing outputs, reading inputs).
 */
export async function withPackageMeters<T>(fn: () => Promise<T>): Promise<{ value: T; times: { sleptMs: number; httpMs: number; binaryMs: number } }> {
	const { systemClock } = distModule<{ systemClock: Record<string, AsyncFn> }>('engine/index.js');
	// The transport's own module: the engine's index only re-exports it, through getters.
	const transport = distModule<{ createN8nTransport: (...args: unknown[]) => AsyncFn }>('engine/n8nTransport.js');
	const create = transport.createN8nTransport;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const binaryData = (require('n8n-core') as { BinaryDataService: { prototype: Record<string, AsyncFn> } }).BinaryDataService.prototype;
	const [slept, http, binary] = [{ ms: 0 }, { ms: 0 }, { ms: 0 }];
	const patches: Array<[Record<string, unknown>, string, unknown]> = [
		[systemClock, 'sleep', timed(systemClock.sleep, slept, true)],
		[binaryData, 'store', timed(binaryData.store, binary)],
		[binaryData, 'getAsBuffer', timed(binaryData.getAsBuffer, binary)],
		[transport, 'createN8nTransport', (...args: unknown[]) => timed(create(...args), http)],
	];
	const originals = patches.map(([target, key, patched]) => [target[key], (target[key] = patched)][0]);
	try {
		const value = await fn();
		return { value, times: { sleptMs: slept.ms, httpMs: http.ms, binaryMs: binary.ms } };
	} finally {
		patches.forEach(([target, key], i) => (target[key] = originals[i]));
	}
}
