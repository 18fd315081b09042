/** Shared plumbing of the benchmarks: statistics, durations, an image server, the package's internals. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { FakeServer, JobSnapshot, ProviderName, RecordedRequest } from '../../test/fakes';
import { CREDENTIAL_TYPE, PROVIDER_LABEL } from '../../test/harness/workflows';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export { CREDENTIAL_TYPE, PROVIDER_LABEL };

export function credentialsFor(fake: FakeServer) {
	return { [CREDENTIAL_TYPE[fake.provider]]: { apiKey: fake.apiKey, baseUrl: fake.url } };
}

/** Job durations drawn uniformly in mean × [1 - spread, 1 + spread], so no schedule can aim at fixed instants. */
export function randomDuration(meanMs: number, spread: number): () => number {
	return () => meanMs * (1 - spread + 2 * spread * Math.random());
}

// ───────────── statistics ─────────────

/** Nearest-rank percentile (p in 0–100). */
export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
export const median = (values: readonly number[]) => percentile(values, 50);
export const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
export const max = (values: readonly number[]) => values.reduce((a, b) => Math.max(a, b), -Infinity);

export function round(value: number, digits = 2): number {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}

/**
 * Least-squares slope of `value` against `executions` over the points of the run's second half
 * (executions above half the last one), per 100 executions, with the slope's standard error.
 */
export function secondHalfGrowth<P extends { executions: number }>(points: readonly P[], value: (p: P) => number): { per100: number; stdErr: number } {
	const total = points[points.length - 1]?.executions ?? 0;
	const half = points.filter((p) => p.executions > total / 2).map((p) => ({ x: p.executions, y: value(p) }));
	if (half.length < 2) return { per100: NaN, stdErr: NaN };
	const mx = mean(half.map((p) => p.x));
	const my = mean(half.map((p) => p.y));
	const sxx = half.reduce((a, p) => a + (p.x - mx) ** 2, 0);
	const slope = half.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx;
	const residuals = half.reduce((a, p) => a + (p.y - my - slope * (p.x - mx)) ** 2, 0);
	const stdErr = half.length > 2 ? Math.sqrt(residuals / (half.length - 2) / sxx) : NaN;
	return { per100: slope * 100, stdErr: stdErr * 100 };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ───────────── jobs and requests on a fake ─────────────

const POLL_KINDS = new Set(['status', 'getResponse']);

export interface JobTiming {
	id: string;
	createdAt: number;
	completedAt: number;
	durationMs: number;
	/** Status checks (RunComfy `status`, Runware `getResponse`, Ideogram's generation) that named this job. */
	statusRequests: number;
	/** Result reads (RunComfy `result`). */
	resultRequests: number;
	/** When the first download of one of its images reached the fake. */
	downloadAt?: number;
}

/** Per-job timings and request counts from a fake's records (requests matched by job id in path or body). */
export function jobTimings(fake: FakeServer): JobTiming[] {
	const jobs = fake.jobs().filter((j): j is JobSnapshot & { completedAt: number } => j.completedAt !== undefined);
	const byId = new Map<string, JobTiming>();
	const byImagePath = new Map<string, JobTiming>();
	for (const j of jobs) {
		const t: JobTiming = {
			id: j.id,
			createdAt: j.createdAt,
			completedAt: j.completedAt,
			durationMs: j.completedAt - j.createdAt,
			statusRequests: 0,
			resultRequests: 0,
		};
		byId.set(j.id, t);
		for (const url of j.images) byImagePath.set(new URL(url).pathname, t);
	}
	for (const r of fake.requests) {
		if (r.kind === 'download') {
			const t = byImagePath.get(r.path);
			if (t && t.downloadAt === undefined) t.downloadAt = r.at;
			continue;
		}
		if (!r.kind || (!POLL_KINDS.has(r.kind) && r.kind !== 'result')) continue;
		for (const id of idsIn(r, byId)) {
			const t = byId.get(id)!;
			if (r.kind === 'result') t.resultRequests++;
			else t.statusRequests++;
		}
	}
	return [...byId.values()];
}

function idsIn(r: RecordedRequest, byId: Map<string, JobTiming>): string[] {
	// RunComfy names the job in the path (/v1/requests/{id}/…), Ideogram too (/v2/generations/{id}), Runware in the body.
	const m = /\/v1\/requests\/([^/]+)\//.exec(r.path) ?? /^\/v2\/generations\/([^/]+)$/.exec(r.path);
	if (m) return byId.has(m[1]) ? [m[1]] : [];
	const body = r.body.toString('utf8');
	return [...byId.keys()].filter((id) => body.includes(id));
}

// ───────────── input images over HTTP ─────────────

export interface ImageServer {
	url(name: string): string;
	close(): Promise<void>;
}

/** Serves fixed files (the inputs the hand-built loops and the package send as URLs). */
export async function startImageServer(files: Record<string, { data: Buffer; mimeType: string }>): Promise<ImageServer> {
	const server = http.createServer((req, res) => {
		const file = files[(req.url ?? '/').slice(1).split('?')[0]];
		if (!file) {
			res.writeHead(404).end('Not Found');
			return;
		}
		res.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(file.data.length) });
		res.end(file.data);
	});
	server.keepAliveTimeout = 30_000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url: (name) => `${base}/${name}`,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

// ───────────── the built package's internals ─────────────

interface DurationTrackerLike {
	clear(): void;
	expected(key: string): { lowMs: number; highMs: number } | undefined;
}
/**
 * The process-wide learned job durations of the BUILT package (dist/), the very module instance
 * the nodes use (n8n-core loads node files with the process's require).
 */
export function packageDurations(): DurationTrackerLike {
	return distModule<{ learnedDurations: DurationTrackerLike }>('pipeline/processState.js').learnedDurations;
}

function distModule<T>(file: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(path.join(REPO_ROOT, 'dist/nodes/shared', file)) as T;
}

type AsyncFn = (...args: never[]) => Promise<unknown>;

/**
 * Adds up the time spent in calls of `target[key]` (an async function) while installed; with
 * `onlyFulfilled`, calls that reject are not counted. For sequential use (calls must not overlap).
 */
function meter(target: Record<string, unknown>, key: string, onlyFulfilled: boolean) {
	const original = target[key] as AsyncFn;
	let total = 0;
	target[key] = async function (this: unknown, ...args: never[]) {
		const start = performance.now();
		if (onlyFulfilled) {
			const value = await original.apply(this, args);
			total += performance.now() - start;
			return value;
		}
		try {
			return await original.apply(this, args);
		} finally {
			total += performance.now() - start;
		}
	};
	return {
		take() {
			const t = total;
			total = 0;
			return t;
		},
		restore() {
			target[key] = original;
		},
	};
}

export interface PackageTimes {
	/** Scheduled waits that ran their course (poll gaps, back-off). Timers that guard a request
	 * (its timeout) are aborted when it ends and run alongside it, so they are not counted. */
	sleptMs: number;
	/** Inside the package's transport: its HTTP requests as n8n's request helpers make them. */
	httpMs: number;
	/** Inside n8n's binary data store (writing outputs, reading inputs; filesystem mode). */
	binaryMs: number;
}

/** Runs `fn` with meters on the package's clock and transport and on n8n's binary data service. */
export async function withPackageMeters<T>(fn: () => Promise<T>): Promise<{ value: T; times: PackageTimes }> {
	const clock = distModule<{ systemClock: Record<string, unknown> }>('engine/clock.js').systemClock;
	const transportModule = distModule<Record<string, unknown>>('engine/n8nTransport.js');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { BinaryDataService } = require('n8n-core') as { BinaryDataService: { prototype: Record<string, unknown> } };
	const sleep = meter(clock, 'sleep', true);
	const binaryStore = meter(BinaryDataService.prototype, 'store', false);
	const binaryRead = meter(BinaryDataService.prototype, 'getAsBuffer', false);
	const createTransport = transportModule.createN8nTransport as (...args: unknown[]) => AsyncFn;
	let httpMs = 0;
	transportModule.createN8nTransport = (...args: unknown[]) => {
		const transport = createTransport(...args);
		return async (...request: never[]) => {
			const start = performance.now();
			try {
				return await transport(...request);
			} finally {
				httpMs += performance.now() - start;
			}
		};
	};
	try {
		const value = await fn();
		return { value, times: { sleptMs: sleep.take(), httpMs, binaryMs: binaryStore.take() + binaryRead.take() } };
	} finally {
		sleep.restore();
		binaryStore.restore();
		binaryRead.restore();
		transportModule.createN8nTransport = createTransport;
	}
}

/** Formats a number for the tables. */
export function fmt(value: number | undefined, digits = 2): string {
	if (value === undefined || Number.isNaN(value)) return '–';
	return value.toFixed(digits);
}
