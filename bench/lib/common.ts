/** Shared plumbing of the benchmarks: statistics, job timings on a fake, an image server, meters on the built package. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { FakeServer, JobSnapshot } from '../../test/fakes';
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
export function medianBy<T>(values: T[], key: (value: T) => number): T {
	return [...values].sort((a, b) => key(a) - key(b))[Math.floor((values.length - 1) / 2)];
}

/**
 * Least-squares slope of `value` against `executions` over the run's second half (executions
 * above half the last one), per 100 executions, with its standard error.
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

// ───────────── jobs and requests on a fake ─────────────

export interface JobTiming {
	id: string;
	createdAt: number;
	completedAt: number;
	durationMs: number;
	/** Status checks that named this job (RunComfy `status`, Runware `getResponse`, Ideogram's generation). */
	statusRequests: number;
	/** When the first download of one of its images reached the fake. */
	downloadAt?: number;
}

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

// ───────────── input images over HTTP ─────────────

export interface ImageServer {
	url(name: string): string;
	close(): Promise<void>;
}

/** Serves fixed files (the inputs the loops and the package are given as URLs). */
export async function startImageServer(files: Record<string, { data: Buffer; mimeType: string }>): Promise<ImageServer> {
	const server = http.createServer((req, res) => {
		const file = files[(req.url ?? '/').slice(1).split('?')[0]];
		if (!file) return void res.writeHead(404).end('Not Found');
		res.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(file.data.length) }).end(file.data);
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

/** A module of the BUILT package (dist/): the very instance the nodes use (n8n-core loads node files with this process's require). */
export function distModule<T>(file: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(path.join(REPO_ROOT, 'dist/nodes/shared', file)) as T;
}

/** The process-wide learned job durations of the built package. */
export const packageDurations = () => distModule<{ learnedDurations: { clear(): void } }>('pipeline/processState.js').learnedDurations;

type AsyncFn = (...args: never[]) => Promise<unknown>;

/** Adds up the time spent in calls of `target[key]` (an async function, calls not overlapping); with `onlyFulfilled`, rejected calls are not counted. */
function meter(target: Record<string, unknown>, key: string, onlyFulfilled: boolean) {
	const original = target[key] as AsyncFn;
	let total = 0;
	target[key] = async function (this: unknown, ...args: never[]) {
		const start = performance.now();
		const value = await original.apply(this, args).catch((error: unknown) => {
			if (!onlyFulfilled) total += performance.now() - start;
			throw error;
		});
		total += performance.now() - start;
		return value;
	};
	return { take: () => [total, (total = 0)][0], restore: () => void (target[key] = original) };
}

export interface PackageTimes {
	/** Scheduled waits that ran their course (poll gaps, back-off); a request's own timeout timer runs alongside it and is not counted. */
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
	const meters = [meter(clock, 'sleep', true), meter(BinaryDataService.prototype, 'store', false), meter(BinaryDataService.prototype, 'getAsBuffer', false)];
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
		const [slept, stored, read] = meters.map((m) => m.take());
		return { value, times: { sleptMs: slept, httpMs, binaryMs: stored + read } };
	} finally {
		meters.forEach((m) => m.restore());
		transportModule.createN8nTransport = createTransport;
	}
}
