/**
 * 1. Batch wall time: N items on the RunComfy fake (which runs jobs in parallel), the package at
 * its default settings against the two loops built from n8n's own nodes, each as a ratio to the
 * ideal (the longest job of the run + one round trip; with an in-flight limit, the best schedule
 * of the run's own job lengths under it).
 */
import type { ProviderName } from '../test/fakes';
import { distModule, mean, medianBy, packageDurations, randomDuration } from './lib/common';
import { idealMakespan, measureRoundTrip, runAgainstFake, type ContenderRun } from './lib/measure';
import { allItemsLoop, oneAtATimeLoop, packageWorkflow, PACKAGE_NODE_NAME, RUNCOMFY_MODEL, type ItemInputs, type Operation } from './lib/workflows';

export type Contender = 'package (cold)' | 'package (warm)' | 'all-items loop' | 'one-at-a-time loop';

export interface BatchRow {
	provider: ProviderName;
	operation: Operation;
	meanMs: number;
	contender: Contender;
	/** Items the workflow ran; the one-at-a-time loop is extrapolated to `items` from fewer. */
	ranItems: number;
	items: number;
	wallMs: number;
	idealMs: number;
	/** Concurrency the ideal assumes. */
	slots: number;
	statusPerJob: number;
	/** Runs of this contender; the row is the one with the median ratio to its ideal. */
	runs?: number;
	error?: string;
}

export interface BatchConfig {
	/** Runs per contender and case (package and all-items loop). */
	repeats: number;
	items: number;
	loopItems: number;
	meansMs: number[];
	operations: Operation[];
	spread: number;
	/** Job mean for the other providers' rows (package only, cold). */
	otherProvidersMeanMs: number;
	inputs: ItemInputs;
	log: (line: string) => void;
}

const roundTrips = new Map<Operation, Promise<number>>();
export function roundTripMs(operation: Operation, inputs: ItemInputs): Promise<number> {
	const body = { image: inputs.imageUrl, prompt: 'x', ...(operation === 'edit' ? { mask: inputs.maskUrl } : {}) };
	if (!roundTrips.has(operation)) roundTrips.set(operation, measureRoundTrip(`/v1/models/${RUNCOMFY_MODEL[operation]}`, body));
	return roundTrips.get(operation)!;
}

export interface RowOf {
	provider: ProviderName;
	operation: Operation;
	meanMs: number;
	items: number;
	slots: number;
	rtt: number;
}

export function batchRow(c: RowOf, contender: Contender, run: ContenderRun): BatchRow {
	const ordered = [...run.jobs].sort((a, b) => a.createdAt - b.createdAt).map((j) => j.durationMs);
	const expectedOut = contender === 'one-at-a-time loop' ? run.jobs.length : c.items;
	const error = run.error ?? (run.outputItems !== expectedOut ? `${run.outputItems} items out of ${expectedOut}` : undefined);
	return {
		provider: c.provider,
		operation: c.operation,
		meanMs: c.meanMs,
		contender,
		ranItems: run.jobs.length,
		items: c.items,
		wallMs: run.wallMs,
		idealMs: idealMakespan(ordered, c.slots, c.rtt),
		slots: c.slots,
		statusPerJob: run.jobs.length ? mean(run.jobs.map((j) => j.statusRequests)) : NaN,
		...(error ? { error } : {}),
	};
}

/** The run with the median ratio to its ideal, so one lucky or unlucky draw does not decide the row. */
export const medianRun = (runs: BatchRow[]): BatchRow => ({ ...medianBy(runs, (r) => r.wallMs / r.idealMs), runs: runs.length });

/** The package (cold, then warm) and the all-items loop, `repeats` times each for every case, each time with fresh job lengths. */
export async function benchBatch(config: BatchConfig): Promise<BatchRow[]> {
	const { items, inputs } = config;
	const rows: BatchRow[] = [];
	for (const operation of config.operations) {
		for (const meanMs of config.meansMs) {
			const c: RowOf = { provider: 'runComfy', operation, meanMs, items, slots: items, rtt: await roundTripMs(operation, inputs) };
			const fakeOptions = { jobDurationMs: randomDuration(meanMs, config.spread) };
			const packageRun = () => runAgainstFake('runComfy', fakeOptions, () => packageWorkflow(operation, 'runComfy', items, inputs), PACKAGE_NODE_NAME);
			const runs: Record<'cold' | 'warm' | 'loop', BatchRow[]> = { cold: [], warm: [], loop: [] };
			for (let r = 0; r < config.repeats; r++) {
				// Cold: nothing learned, as in the first execution after n8n starts; warm: the next one.
				packageDurations().clear();
				runs.cold.push(batchRow(c, 'package (cold)', await packageRun()));
				runs.warm.push(batchRow(c, 'package (warm)', await packageRun()));
				const loop = await runAgainstFake('runComfy', fakeOptions, (fake) => allItemsLoop(operation, fake.url, fake.apiKey, items, inputs), 'Download Image');
				runs.loop.push(batchRow(c, 'all-items loop', loop));
			}
			for (const candidates of Object.values(runs)) {
				rows.push(medianRun(candidates));
				config.log(`batch ${operation} ${meanMs / 1000} s: ${candidates[0].contender} ${candidates.map((r) => r.wallMs).join(' / ')} ms`);
			}
		}
	}
	const meanMs = config.otherProvidersMeanMs;
	const rtt = await roundTripMs('replaceBackground', inputs);
	const adapters = distModule<{ PROVIDERS: Array<{ name: ProviderName; defaultConcurrency: number }> }>('providers/registry.js').PROVIDERS;
	for (const { name: provider, defaultConcurrency } of adapters.filter((a) => a.name !== 'runComfy')) {
		packageDurations().clear();
		const fakeOptions = { jobDurationMs: randomDuration(meanMs, config.spread) };
		const run = await runAgainstFake(provider, fakeOptions, () => packageWorkflow('replaceBackground', provider, items, inputs), PACKAGE_NODE_NAME);
		rows.push(batchRow({ provider, operation: 'replaceBackground', meanMs, items, slots: defaultConcurrency, rtt }, 'package (cold)', run));
		config.log(`batch replaceBackground ${meanMs / 1000} s on ${provider}: package ${run.wallMs} ms`);
	}
	return rows;
}

/**
 * The loop inside Loop Over Items: `loopItems` items per case, all cases side by side (each on its
 * own fake), extrapolated to `items` (its items run one after another, so its time grows linearly).
 */
export async function benchOneAtATime(config: BatchConfig): Promise<BatchRow[]> {
	const cases = config.operations.flatMap((operation) => config.meansMs.map((meanMs) => ({ operation, meanMs })));
	return await Promise.all(
		cases.map(async ({ operation, meanMs }) => {
			const c: RowOf = { provider: 'runComfy', operation, meanMs, items: config.items, slots: config.items, rtt: await roundTripMs(operation, config.inputs) };
			const build = (fake: { url: string; apiKey: string }) => oneAtATimeLoop(operation, fake.url, fake.apiKey, config.loopItems, config.inputs);
			const run = await runAgainstFake('runComfy', { jobDurationMs: randomDuration(meanMs, config.spread) }, build, 'Done');
			config.log(`batch ${operation} ${meanMs / 1000} s: one-at-a-time loop ${run.wallMs} ms for ${config.loopItems} items`);
			return { ...batchRow(c, 'one-at-a-time loop', run), wallMs: (run.wallMs * config.items) / config.loopItems };
		}),
	);
}
