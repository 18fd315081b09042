/** Running one contender's workflow against a fresh fake and reading its timings from the run data. */
import http from 'node:http';

import { runWorkflow, type RunResult, type WorkflowJson } from '../../test/harness/engine';
import { startFake, type FakeOptions, type FakeServer, type ProviderName } from '../../test/fakes';
import { credentialsFor, jobTimings, median, type JobTiming } from './common';

export interface ContenderRun {
	/** Workflow wall time from n8n's run data (startedAt → stoppedAt), ms. */
	wallMs: number;
	jobs: JobTiming[];
	/** When the last node of the workflow finished (epoch ms). */
	endedAt: number;
	status: string;
	error?: string;
	outputItems: number;
}

/** Runs `workflow` against a fresh fake of `provider`; the fake is closed afterwards. */
export async function runAgainstFake(
	provider: ProviderName,
	fakeOptions: FakeOptions,
	build: (fake: FakeServer) => WorkflowJson,
	outputNode: string,
): Promise<ContenderRun> {
	const fake = await startFake(provider, fakeOptions);
	try {
		const result = await runWorkflow(build(fake), { credentials: credentialsFor(fake) });
		return summarise(result, fake, outputNode);
	} finally {
		await fake.close();
	}
}

export function summarise(result: RunResult, fake: FakeServer, outputNode: string): ContenderRun {
	const { run } = result;
	const startedAt = new Date(run.startedAt).getTime();
	const stoppedAt = new Date(run.stoppedAt ?? Date.now()).getTime();
	const runs = run.data.resultData.runData[outputNode] ?? [];
	const outputItems = runs.reduce((n, r) => n + (r.data?.main?.[0]?.length ?? 0), 0);
	const last = runs[runs.length - 1];
	return {
		wallMs: stoppedAt - startedAt,
		jobs: jobTimings(fake),
		endedAt: last ? last.startTime + last.executionTime : stoppedAt,
		status: run.status,
		error: run.data.resultData.error?.message,
		outputItems,
	};
}

/**
 * One HTTP round trip as a perfect client pays it: a submit POST (the body the loops send) plus
 * one status GET, against an instant fake; the median of `n`.
 */
export async function measureRoundTrip(submitPath: string, body: unknown, n = 7): Promise<number> {
	const fake = await startFake('runComfy', { jobDurationMs: 0, recordBodies: false });
	const agent = new http.Agent({ keepAlive: true });
	try {
		const times: number[] = [];
		for (let i = 0; i < n + 1; i++) {
			const start = performance.now();
			const submitted = JSON.parse(
				(await rawRequest(agent, 'POST', fake.url + submitPath, { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' }, Buffer.from(JSON.stringify(body)))).toString(),
			) as { request_id: string };
			await rawRequest(agent, 'GET', `${fake.url}/v1/requests/${submitted.request_id}/status`, { authorization: `Bearer ${fake.apiKey}` });
			if (i > 0) times.push(performance.now() - start); // the first warms the connection and sharp
		}
		return median(times);
	} finally {
		agent.destroy();
		await fake.close();
	}
}

/** A bare request with Node's http client: the floor under any client's cost. */
export function rawRequest(
	agent: http.Agent,
	method: string,
	url: string,
	headers: Record<string, string> = {},
	body?: Buffer,
): Promise<Buffer> {
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

/**
 * The least time `durations` (in submission order) take with at most `slots` at once, each slot
 * taking the next job as soon as it is free, plus `roundTripMs` per job: the ideal for a
 * provider with an in-flight limit. With slots ≥ jobs: the longest job + one round trip.
 */
export function idealMakespan(durations: readonly number[], slots: number, roundTripMs: number): number {
	const free = new Array<number>(Math.max(1, Math.min(slots, durations.length))).fill(0);
	for (const d of durations) {
		let i = 0;
		for (let k = 1; k < free.length; k++) if (free[k] < free[i]) i = k;
		free[i] += d + roundTripMs;
	}
	return Math.max(...free);
}
