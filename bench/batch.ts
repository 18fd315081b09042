/**
 * 1. Batch wall time: the package at its default settings against the two loops from n8n's own
 * nodes on the RunComfy fake, each as a ratio to the ideal (the longest job of the run + one
 * round trip; under an in-flight limit, the best schedule of the run's own job lengths). 1b: the
 * package, cold, and the all-items loop on the shortest Replace Background case in the real n8n
 * 2.41.1 (`n8n execute`, the package installed as n8n installs community packages: test/e2e/n8n.ts).
 */
import http from 'node:http';

import { credentialFixtures, credentialsFor } from '../test/e2e/fixtures';
import { startN8nScratch, type WorkflowJson } from '../test/e2e/n8n';
import type { WorkflowJson as HarnessWorkflow } from '../test/harness/engine';
import { startFake, type ProviderName } from '../test/fakes';
import type { Settings } from './run';
import { distModule, forgetLearnedDurations, jobTimings, mean, median, medianBy, randomDuration, rawRequest, runAgainstFake, type ContenderRun } from './lib/common';
import { loopWorkflow, packageWorkflow, PACKAGE_NODE_NAME, RUNCOMFY_MODEL, type ItemInputs, type Operation } from './lib/workflows';

export type Contender = 'package (cold)' | 'package (warm)' | 'all-items loop' | 'one-at-a-time loop';
/** A case: `slots` is the concurrency the ideal assumes, `rtt` one round trip. */
type Case = { provider: ProviderName; operation: Operation; meanMs: number; items: number; slots: number; rtt: number };
/** `runs`: runs of this contender, the row the one with the median ratio to its ideal; `ranItems`: items the workflow ran (the one-at-a-time loop is extrapolated from fewer). */
export type BatchRow = Omit<Case, 'rtt'> & { contender: Contender; ranItems: number; wallMs: number; idealMs: number; statusPerJob: number; runs?: number; error?: string };

/** One round trip as a perfect client pays it: a submit POST (the loops' body) and one status GET against an instant RunComfy fake; the median of 7. */
async function measureRoundTrip(operation: Operation, inputs: ItemInputs): Promise<number> {
	const body = Buffer.from(JSON.stringify({ image: inputs.imageUrl, prompt: 'x', ...(operation === 'edit' ? { mask: inputs.maskUrl } : {}) }));
	const fake = await startFake('runComfy', { jobDurationMs: 0, recordBodies: false });
	const agent = new http.Agent({ keepAlive: true });
	const auth = { authorization: `Bearer ${fake.apiKey}` };
	try {
		const times: number[] = [];
		for (let i = 0; i <= 7; i++) {
			const start = performance.now();
			const submitted = await rawRequest(agent, 'POST', `${fake.url}/v1/models/${RUNCOMFY_MODEL[operation]}`, { ...auth, 'content-type': 'application/json' }, body);
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
const roundTrips = new Map<Operation, Promise<number>>();
const roundTripMs = (operation: Operation, inputs: ItemInputs) => roundTrips.get(operation) ?? roundTrips.set(operation, measureRoundTrip(operation, inputs)).get(operation)!;

/** The least time `durations` (in submission order) take with at most `slots` at once, each slot taking the next job when free, plus `rtt` per job. */
function idealMakespan(durations: readonly number[], slots: number, rtt: number): number {
	const free = new Array<number>(Math.max(1, Math.min(slots, durations.length))).fill(0);
	for (const d of durations) free[free.indexOf(Math.min(...free))] += d + rtt;
	return Math.max(...free);
}

function batchRow({ rtt, ...c }: Case, contender: Contender, run: ContenderRun): BatchRow {
	const ordered = [...run.jobs].sort((a, b) => a.createdAt - b.createdAt).map((j) => j.durationMs);
	const expectedOut = contender === 'one-at-a-time loop' ? run.jobs.length : c.items;
	const error = run.error ?? (run.outputItems !== expectedOut ? `${run.outputItems} items out of ${expectedOut}` : undefined);
	const statusPerJob = run.jobs.length ? mean(run.jobs.map((j) => j.statusRequests)) : NaN;
	return { ...c, contender, ranItems: run.jobs.length, wallMs: run.wallMs, idealMs: idealMakespan(ordered, c.slots, rtt), statusPerJob, ...(error ? { error } : {}) };
}

/** The run with the median ratio to its ideal, so one lucky or unlucky draw does not decide the row. */
const medianRun = (runs: BatchRow[]): BatchRow => ({ ...medianBy(runs, (r) => r.wallMs / r.idealMs), runs: runs.length });

/** The package (cold, then warm) and the all-items loop, `repeats` times each for every case, each time with fresh job lengths; then the other providers (package, cold). */
export async function benchBatch(s: Settings): Promise<BatchRow[]> {
	const { items, inputs } = s;
	const rows: BatchRow[] = [];
	for (const operation of ['replaceBackground', 'edit'] as const) {
		for (const meanMs of s.batchMeansMs) {
			const c: Case = { provider: 'runComfy', operation, meanMs, items, slots: items, rtt: await roundTripMs(operation, inputs) };
			const fakeOptions = { jobDurationMs: randomDuration(meanMs, s.spread) };
			const packageRun = () => runAgainstFake('runComfy', fakeOptions, () => packageWorkflow(operation, 'runComfy', items, inputs), PACKAGE_NODE_NAME);
			const runs: BatchRow[][] = [[], [], []];
			for (let r = 0; r < s.repeats; r++) {
				// Cold: nothing learned, as in the first execution after n8n starts; warm: the next one.
				forgetLearnedDurations();
				runs[0].push(batchRow(c, 'package (cold)', await packageRun()));
				runs[1].push(batchRow(c, 'package (warm)', await packageRun()));
				const loop = await runAgainstFake('runComfy', fakeOptions, (fake) => loopWorkflow(operation, fake.url, fake.apiKey, items, inputs), 'Download Image');
				runs[2].push(batchRow(c, 'all-items loop', loop));
			}
			for (const candidates of runs) {
				rows.push(medianRun(candidates));
				s.log(`batch ${operation} ${meanMs / 1000} s: ${candidates[0].contender} ${candidates.map((r) => r.wallMs).join(' / ')} ms`);
			}
		}
	}
	const meanMs = s.batchMeansMs[0];
	const rtt = await roundTripMs('replaceBackground', inputs);
	const adapters = distModule<{ PROVIDERS: Array<{ name: ProviderName; defaultConcurrency: number }> }>('providers/registry.js').PROVIDERS;
	for (const { name: provider, defaultConcurrency } of adapters.filter((a) => a.name !== 'runComfy')) {
		forgetLearnedDurations();
		const run = await runAgainstFake(provider, { jobDurationMs: randomDuration(meanMs, s.spread) }, () => packageWorkflow('replaceBackground', provider, items, inputs), PACKAGE_NODE_NAME);
		rows.push(batchRow({ provider, operation: 'replaceBackground', meanMs, items, slots: defaultConcurrency, rtt }, 'package (cold)', run));
		s.log(`batch replaceBackground ${meanMs / 1000} s on ${provider}: package ${run.wallMs} ms`);
	}
	return rows;
}

/**
 * The loop inside Loop Over Items: `loopItems` items per case, all cases side by side (each on its
 * own fake), extrapolated to `items` (its items run one after another, so its time grows
 * linearly); its ideal is the `items`-item ideal of the same case in `batch`, where it ran.
 */
export async function benchOneAtATime(s: Settings, batch: BatchRow[]): Promise<BatchRow[]> {
	const cases = (['replaceBackground', 'edit'] as const).flatMap((operation) => s.batchMeansMs.map((meanMs) => ({ operation, meanMs })));
	return await Promise.all(
		cases.map(async ({ operation, meanMs }) => {
			const c: Case = { provider: 'runComfy', operation, meanMs, items: s.items, slots: s.items, rtt: await roundTripMs(operation, s.inputs) };
			const build = (fake: { url: string; apiKey: string }) => loopWorkflow(operation, fake.url, fake.apiKey, s.loopItems, s.inputs, true);
			const run = await runAgainstFake('runComfy', { jobDurationMs: randomDuration(meanMs, s.spread) }, build, 'Done');
			s.log(`batch ${operation} ${meanMs / 1000} s: one-at-a-time loop ${run.wallMs} ms for ${s.loopItems} items`);
			const row = { ...batchRow(c, 'one-at-a-time loop', run), wallMs: (run.wallMs * s.items) / s.loopItems };
			const same = batch.filter((b) => b.provider === 'runComfy' && b.operation === operation && b.meanMs === meanMs);
			return same.length ? { ...row, idealMs: mean(same.map((b) => b.idealMs)) } : row;
		}),
	);
}

type Printed = { startedAt?: string; stoppedAt?: string; data?: { resultData: { runData: Record<string, Array<{ data?: { main?: unknown[][] } }>> } } };

/** Wall time is n8n's own (startedAt → stoppedAt of the execution it prints). */
export async function benchBatchInRealN8n(s: Settings): Promise<BatchRow[]> {
	const { items, inputs } = s;
	const [operation, meanMs] = ['replaceBackground', s.batchMeansMs[0]] as const;
	const c: Case = { provider: 'runComfy', operation, meanMs, items, slots: items, rtt: await roundTripMs(operation, inputs) };
	const fake = await startFake('runComfy', { jobDurationMs: randomDuration(meanMs, s.spread) });
	const scratch = await startN8nScratch({ credentials: credentialFixtures({ runComfy: fake }) });
	try {
		const pkg = packageWorkflow(operation, 'runComfy', items, inputs);
		const contenders: Array<[Contender, WorkflowJson, string]> = [
			// The package node with the e2e fixtures' credential (imported into the scratch n8n).
			['package (cold)', forRealN8n({ ...pkg, nodes: pkg.nodes.map((n) => (n.name === PACKAGE_NODE_NAME ? { ...n, credentials: credentialsFor('runComfy') } : n)) }, 'Ideogram package'), PACKAGE_NODE_NAME],
			['all-items loop', forRealN8n(loopWorkflow(operation, fake.url, fake.apiKey, items, inputs), 'All-items loop'), 'Download Image'],
		];
		const rows: BatchRow[] = [];
		for (const [contender, workflow, outputNode] of contenders) {
			const runs: BatchRow[] = [];
			for (let r = 0; r < s.repeats; r++) {
				const since = Date.now();
				const result = await scratch.execute(workflow, { timeoutMs: 180_000 });
				const output = result.output as Printed | undefined;
				const [startedAt, stoppedAt] = [Date.parse(output?.startedAt ?? ''), Date.parse(output?.stoppedAt ?? '')];
				const failed = result.exitCode !== 0 || !(stoppedAt > startedAt);
				const outputItems = (output?.data?.resultData.runData[outputNode] ?? []).reduce((n, run) => n + (run.data?.main?.[0]?.length ?? 0), 0);
				const jobs = jobTimings(fake).filter((job) => job.createdAt >= since);
				runs.push(batchRow(c, contender, { wallMs: stoppedAt - startedAt, jobs, endedAt: stoppedAt, outputItems, ...(failed ? { error: `n8n execute exited ${result.exitCode}` } : {}) }));
			}
			s.log(`batch in the real n8n, ${operation} ${meanMs / 1000} s: ${contender} ${runs.map((row) => row.wallMs).join(' / ')} ms`);
			rows.push(medianRun(runs));
		}
		return rows;
	} finally {
		await scratch.dispose();
		await fake.close();
	}
}

/** The harness's item source (a test-only node) becomes Manual Trigger → Edit Fields (the items as one array) → Split Out, still named "Start". */
function forRealN8n(workflow: HarnessWorkflow, name: string): WorkflowJson {
	const start = workflow.nodes.find((node) => node.name === 'Start');
	const items = (JSON.parse(String(start?.parameters.items ?? '[]')) as Array<{ json: unknown }>).map((item) => item.json);
	const at = (x: number) => [x, 300] as [number, number];
	const nodes = [
		{ id: 'trigger', name: 'Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: at(-400), parameters: {} },
		{ id: 'items', name: 'Items', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: at(-200), parameters: { mode: 'raw', jsonOutput: JSON.stringify({ items }), options: {} } },
		{ id: 'start', name: 'Start', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: at(0), parameters: { fieldToSplitOut: 'items', options: {} } },
		...workflow.nodes.filter((node) => node !== start),
	];
	const to = (node: string) => ({ main: [[{ node, type: 'main', index: 0 }]] });
	return { name, nodes, connections: { ...workflow.connections, Trigger: to('Items'), Items: to('Start') } } as unknown as WorkflowJson;
}
