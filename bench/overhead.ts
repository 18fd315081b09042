/**
 * 5. Per-item overhead: node time − scheduled poll waits − HTTP time (inside the package's
 * transport, and bare: the fake's own time plus the same requests replayed with Node's http
 * client), as the slope between two item counts. The method is in BENCHMARKS.md's notes (`overhead`).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';

import { runWorkflow } from '../test/harness/engine';
import { imageItem, makeImage, singleNode } from '../test/harness/workflows';
import { PROVIDERS, startFake, type FakeServer, type ProviderName, type RecordedRequest } from '../test/fakes';
import type { Settings } from './run';
import { credentialsFor, forgetLearnedDurations, median, rawRequest, withPackageMeters } from './lib/common';
import { PACKAGE_NODE_NAME } from './lib/workflows';

export type OverheadRow = Awaited<ReturnType<typeof overheadRow>>;
type Sample = Awaited<ReturnType<typeof sample>>;

/** Sums the time the fake's server spends per request (request event → response finished). */
function meterServer(fake: FakeServer) {
	const server = (fake as unknown as { server: http.Server }).server;
	const [listener] = server.listeners('request') as Array<(req: http.IncomingMessage, res: http.ServerResponse) => void>;
	let total = 0;
	const timed = (req: http.IncomingMessage, res: http.ServerResponse) => {
		const start = performance.now();
		res.once('finish', () => (total += performance.now() - start));
		listener(req, res);
	};
	server.removeListener('request', listener).on('request', timed);
	return { take: () => [total, (total = 0)][0], stop: () => void server.removeListener('request', timed).on('request', listener) };
}

const SKIP_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']);

/** The requests replayed one by one on one keep-alive socket: the time they took. */
async function replay(fake: FakeServer, requests: RecordedRequest[]): Promise<number> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	try {
		const start = performance.now();
		for (const r of requests) {
			const headers = Object.fromEntries(Object.entries(r.headers).filter(([k]) => !SKIP_HEADERS.has(k)));
			const query = new URLSearchParams(r.query).toString();
			let body: Buffer | undefined = r.body.length ? r.body : undefined;
			// A fresh taskUUID makes Runware's replayed submit a new task (the same work), not a cheap conflict answer.
			const uuid = body && fake.provider === 'runware' && r.kind === 'submit' ? /"taskUUID"\s*:\s*"([^"]+)"/.exec(body.toString('utf8'))?.[1] : undefined;
			if (body && uuid) body = Buffer.from(body.toString('utf8').split(uuid).join(randomUUID()));
			await rawRequest(agent, r.method, `${fake.url}${r.path}${query ? `?${query}` : ''}`, headers, body);
		}
		return performance.now() - start;
	} finally {
		agent.destroy();
	}
}

async function sample(provider: ProviderName, n: number, image: Buffer) {
	const fake = await startFake(provider, { jobDurationMs: 0 });
	try {
		const parameters = { provider, imageSource: 'binary', prompt: 'on a sunlit marble kitchen counter', options: { concurrency: 1 } };
		const workflow = singleNode('ideogramReplaceBackground', parameters, Array.from({ length: n }, () => imageItem(image)));
		const server = meterServer(fake);
		const { value: result, times } = await withPackageMeters(() => runWorkflow(workflow, { credentials: credentialsFor(fake) }));
		const serverDuringRun = server.take();
		const nodeRun = result.run.data.resultData.runData[PACKAGE_NODE_NAME]?.[0];
		const out = nodeRun?.data?.main?.[0]?.length ?? 0;
		const error = result.run.data.resultData.error?.message ?? (out !== n ? `${out}/${n} items` : undefined);
		const requests = [...fake.requests];
		const clientFloor = (await replay(fake, requests)) - server.take();
		server.stop();
		return { nodeMs: nodeRun?.executionTime ?? NaN, ...times, bareMs: serverDuringRun + clientFloor, requests: requests.length, error };
	} finally {
		await fake.close();
	}
}

/** Per item at the larger count, except the three overheads, which are slopes. */
async function overheadRow(provider: ProviderName, [n1, n2]: [number, number], repeats: number, image: Buffer) {
	// What earlier sections taught the schedule about real job lengths is not about instant jobs.
	forgetLearnedDurations();
	await sample(provider, 2, image); // warm-up: JIT, connections, the learned schedule
	const pairs: Array<[Sample, Sample]> = [];
	for (let r = 0; r < repeats; r++) pairs.push([await sample(provider, n1, image), await sample(provider, n2, image)]);
	const slope = (f: (s: Sample) => number) => median(pairs.map(([a, b]) => (f(b) - f(a)) / (n2 - n1)));
	const perItem = (f: (s: Sample) => number) => median(pairs.map(([, b]) => f(b) / n2));
	const error = pairs.flat().find((s) => s.error)?.error;
	return {
		provider, counts: [n1, n2],
		requestsPerItem: perItem((s) => s.requests), nodeMsPerItem: perItem((s) => s.nodeMs), waitMsPerItem: perItem((s) => s.sleptMs),
		n8nHttpMsPerItem: perItem((s) => s.httpMs), bareHttpMsPerItem: perItem((s) => s.bareMs), binaryMsPerItem: perItem((s) => s.binaryMs),
		overheadMsPerItem: slope((s) => s.nodeMs - s.sleptMs - s.httpMs), // beyond HTTP as n8n makes it
		packageOnlyMsPerItem: slope((s) => s.nodeMs - s.sleptMs - s.httpMs - s.binaryMs), // n8n's binary data store taken off too
		overheadBareMsPerItem: slope((s) => s.nodeMs - s.sleptMs - s.bareMs), // everything between the sockets
		...(error ? { error } : {}),
	};
}

export async function benchOverhead(s: Settings): Promise<OverheadRow[]> {
	const image = await makeImage({ width: 256, height: 192 });
	const rows: OverheadRow[] = [];
	for (const provider of PROVIDERS) {
		const row = await overheadRow(provider, s.quick ? [3, 8] : [5, 25], s.quick ? 1 : 3, image);
		s.log(`overhead ${provider}: node ${row.nodeMsPerItem.toFixed(1)} ms/item, HTTP via n8n ${row.n8nHttpMsPerItem.toFixed(1)}; overhead ${row.overheadMsPerItem.toFixed(2)} (package only ${row.packageOnlyMsPerItem.toFixed(2)}, beyond bare sockets ${row.overheadBareMsPerItem.toFixed(2)}) ms/item`);
		rows.push(row);
	}
	return rows;
}
