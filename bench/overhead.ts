/**
 * 5. Per-item overhead with an instant fake (jobs take 0 ms): the time the node spends per item
 * beyond its HTTP round trips and its scheduled waits.
 *
 * The node runs with Concurrency 1, so its items run one after another and times add up:
 *   node time (n8n's executionTime of the node)
 *   − time in scheduled waits (the poll gaps; measured by wrapping the package's clock)
 *   − the same HTTP requests replayed one by one with Node's bare http client against the same
 *     fake (the recorded method, URL, headers and body: the round trips, fake's own work included)
 * = overhead; the slope between two item counts removes per-execution costs.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';

import { runWorkflow } from '../test/harness/engine';
import { imageItem, makeImage, singleNode } from '../test/harness/workflows';
import { startFake, type FakeServer, type ProviderName, type RecordedRequest } from '../test/fakes';
import { credentialsFor, withSleepMeter } from './lib/common';
import { rawRequest } from './lib/measure';
import { PACKAGE_NODE_NAME } from './lib/workflows';

export interface OverheadConfig {
	providers: ProviderName[];
	/** Two item counts; the overhead is the slope between them. */
	counts: [number, number];
	log: (line: string) => void;
}

export interface OverheadRow {
	provider: ProviderName;
	counts: [number, number];
	/** Per item at the larger count: node time, waits, replayed round trips. */
	nodeMsPerItem: number;
	waitMsPerItem: number;
	roundTripMsPerItem: number;
	requestsPerItem: number;
	/** (node − waits − round trips) per item, as the slope between the two counts. */
	overheadMsPerItem: number;
	error?: string;
}

interface Sample {
	nodeMs: number;
	sleptMs: number;
	replayMs: number;
	requests: number;
	error?: string;
}

const SKIP_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']);

async function replay(fake: FakeServer, requests: RecordedRequest[]): Promise<number> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	try {
		const start = performance.now();
		for (const r of requests) {
			const headers = Object.fromEntries(Object.entries(r.headers).filter(([k]) => !SKIP_HEADERS.has(k)));
			const query = new URLSearchParams(r.query).toString();
			let body: Buffer | undefined = r.body.length ? r.body : undefined;
			// Runware's submit carries a client-chosen taskUUID: a fresh one makes the replay a new task
			// (the same work on the fake) rather than a cheap conflictTaskUUID answer.
			if (body && fake.provider === 'runware' && r.kind === 'submit') {
				const text = body.toString('utf8');
				const uuid = /"taskUUID"\s*:\s*"([^"]+)"/.exec(text)?.[1];
				if (uuid) body = Buffer.from(text.split(uuid).join(randomUUID()));
			}
			await rawRequest(agent, r.method, `${fake.url}${r.path}${query ? `?${query}` : ''}`, headers, body);
		}
		return performance.now() - start;
	} finally {
		agent.destroy();
	}
}

async function sample(provider: ProviderName, n: number, image: Buffer): Promise<Sample> {
	const fake = await startFake(provider, { jobDurationMs: 0 });
	try {
		const workflow = singleNode(
			'ideogramReplaceBackground',
			{ provider, imageSource: 'binary', prompt: 'on a sunlit marble kitchen counter', options: { concurrency: 1 } },
			Array.from({ length: n }, () => imageItem(image)),
		);
		const { value: result, sleptMs } = await withSleepMeter(() => runWorkflow(workflow, { credentials: credentialsFor(fake) }));
		const nodeRun = result.run.data.resultData.runData[PACKAGE_NODE_NAME]?.[0];
		const out = nodeRun?.data?.main?.[0]?.length ?? 0;
		const error = result.run.data.resultData.error?.message ?? (out !== n ? `${out}/${n} items` : undefined);
		const requests = [...fake.requests];
		const replayMs = await replay(fake, requests);
		return { nodeMs: nodeRun?.executionTime ?? NaN, sleptMs, replayMs, requests: requests.length, ...(error ? { error } : {}) };
	} finally {
		await fake.close();
	}
}

export async function benchOverhead(config: OverheadConfig): Promise<OverheadRow[]> {
	const image = await makeImage({ width: 256, height: 192 });
	const rows: OverheadRow[] = [];
	const [n1, n2] = config.counts;
	for (const provider of config.providers) {
		await sample(provider, 2, image); // warm-up: JIT, connections, the learned schedule
		const a = await sample(provider, n1, image);
		const b = await sample(provider, n2, image);
		const net = (s: Sample) => s.nodeMs - s.sleptMs - s.replayMs;
		const row: OverheadRow = {
			provider,
			counts: [n1, n2],
			nodeMsPerItem: b.nodeMs / n2,
			waitMsPerItem: b.sleptMs / n2,
			roundTripMsPerItem: b.replayMs / n2,
			requestsPerItem: b.requests / n2,
			overheadMsPerItem: (net(b) - net(a)) / (n2 - n1),
			...(a.error || b.error ? { error: a.error ?? b.error } : {}),
		};
		config.log(
			`overhead ${provider}: node ${row.nodeMsPerItem.toFixed(1)} ms/item, waits ${row.waitMsPerItem.toFixed(1)}, round trips ${row.roundTripMsPerItem.toFixed(1)} → overhead ${row.overheadMsPerItem.toFixed(2)} ms/item`,
		);
		rows.push(row);
	}
	return rows;
}
