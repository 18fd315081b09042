/** Running one contender's workflow against a fresh fake, and what an ideal client would take. */
import http from 'node:http';

import { runWorkflow, type WorkflowJson } from '../../test/harness/engine';
import { startFake, type FakeOptions, type FakeServer, type ProviderName } from '../../test/fakes';
import { credentialsFor, jobTimings, median, type JobTiming } from './common';

export interface ContenderRun {
	/** n8n's own wall time of the run (startedAt → stoppedAt), ms. */
	wallMs: number;
	jobs: JobTiming[];
	/** When the output node finished (epoch ms). */
	endedAt: number;
	error?: string;
	outputItems: number;
}

/** Runs `workflow` against a fresh fake of `provider`, closed afterwards. */
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

/** One round trip as a perfect client pays it: a submit POST (the loops' body) and one status GET against an instant RunComfy fake; the median of `n`. */
export async function measureRoundTrip(submitPath: string, body: unknown, n = 7): Promise<number> {
	const fake = await startFake('runComfy', { jobDurationMs: 0, recordBodies: false });
	const agent = new http.Agent({ keepAlive: true });
	const auth = { authorization: `Bearer ${fake.apiKey}` };
	try {
		const times: number[] = [];
		for (let i = 0; i <= n; i++) {
			const start = performance.now();
			const submitted = await rawRequest(agent, 'POST', fake.url + submitPath, { ...auth, 'content-type': 'application/json' }, Buffer.from(JSON.stringify(body)));
			const { request_id } = JSON.parse(submitted.toString()) as { request_id: string };
			await rawRequest(agent, 'GET', `${fake.url}/v1/requests/${request_id}/status`, auth);
			if (i > 0) times.push(performance.now() - start); // the first warms the connection and sharp
		}
		return median(times);
	} finally {
		agent.destroy();
		await fake.close();
	}
}

/**
 * The least time `durations` (in submission order) take with at most `slots` at once, each slot
 * taking the next job when free, plus `roundTripMs` per job. With slots ≥ jobs: the longest job
 * and one round trip.
 */
export function idealMakespan(durations: readonly number[], slots: number, roundTripMs: number): number {
	const free = new Array<number>(Math.max(1, Math.min(slots, durations.length))).fill(0);
	for (const d of durations) free[free.indexOf(Math.min(...free))] += d + roundTripMs;
	return Math.max(...free);
}
