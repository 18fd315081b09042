/**
 * 1. Batch wall time: N items on the RunComfy fake (which runs jobs in parallel), this package at
 * its default settings against the two loops built from n8n's own nodes, each as a ratio to the
 * ideal (the longest job of the run + one round trip; with an in-flight limit, the best schedule
 * of the run's own job lengths under it).
 */
import type { ProviderName } from '../test/fakes';
import { mean, packageDurations, randomDuration } from './lib/common';
import { idealMakespan, measureRoundTrip, runAgainstFake, type ContenderRun } from './lib/measure';
import { allItemsLoop, oneAtATimeLoop, packageWorkflow, PACKAGE_NODE_NAME, type ItemInputs, type Operation } from './lib/workflows';

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
	/** Job mean for the other providers' rows (package only); none when undefined. */
	otherProvidersMeanMs?: number;
	inputs: ItemInputs;
	log: (line: string) => void;
}

const RUNCOMFY_PATH: Record<Operation, string> = {
	edit: '/v1/models/ideogram/ideogram-v3/edit',
	replaceBackground: '/v1/models/ideogram/ideogram-v3/replace-background',
};

/** Concurrency the package uses by default, from its documented limits (README). */
export const DEFAULT_SLOTS: Record<ProviderName, number> = { runComfy: 20, runware: 4, cometApi: 5, ideogram: 10 };

const roundTrips = new Map<Operation, number>();
export async function roundTripMs(operation: Operation, inputs: ItemInputs): Promise<number> {
	if (!roundTrips.has(operation)) {
		const body = { image: inputs.imageUrl, prompt: 'x', ...(operation === 'edit' ? { mask: inputs.maskUrl } : {}) };
		roundTrips.set(operation, await measureRoundTrip(RUNCOMFY_PATH[operation], body));
	}
	return roundTrips.get(operation)!;
}

export function batchRow(
	provider: ProviderName,
	operation: Operation,
	meanMs: number,
	contender: Contender,
	run: ContenderRun,
	items: number,
	slots: number,
	rtt: number,
): BatchRow {
	const ordered = [...run.jobs].sort((a, b) => a.createdAt - b.createdAt).map((j) => j.durationMs);
	const expectedOut = contender === 'one-at-a-time loop' ? run.jobs.length : items;
	const error =
		run.error ?? (run.outputItems !== expectedOut ? `${run.outputItems} items out of ${expectedOut}` : undefined);
	return {
		provider,
		operation,
		meanMs,
		contender,
		ranItems: run.jobs.length,
		items,
		wallMs: run.wallMs,
		idealMs: idealMakespan(ordered, slots, rtt),
		slots,
		statusPerJob: run.jobs.length ? mean(run.jobs.map((j) => j.statusRequests)) : NaN,
		...(error ? { error } : {}),
	};
}

/** The element whose `key` is the median (the lower middle one for an even count). */
export function medianBy<T>(values: T[], key: (value: T) => number): T {
	const sorted = [...values].sort((a, b) => key(a) - key(b));
	return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** The package (cold, then warm) and the all-items loop, one after another, for every case. */
export async function benchBatch(config: BatchConfig): Promise<BatchRow[]> {
	const rows: BatchRow[] = [];
	const { items, inputs, spread } = config;
	for (const operation of config.operations) {
		const rtt = await roundTripMs(operation, inputs);
		for (const meanMs of config.meansMs) {
			const jobDurationMs = randomDuration(meanMs, spread);
			const label = `${operation} ${meanMs / 1000} s`;
			const runRow = (contender: Contender, run: ContenderRun) => batchRow('runComfy', operation, meanMs, contender, run, items, items, rtt);
			const packageRun = () => runAgainstFake('runComfy', { jobDurationMs }, () => packageWorkflow(operation, 'runComfy', items, inputs), PACKAGE_NODE_NAME);
			const cold: BatchRow[] = [];
			const warm: BatchRow[] = [];
			const loop: BatchRow[] = [];
			// Each contender runs `repeats` times, every job length drawn afresh.
			for (let r = 0; r < config.repeats; r++) {
				// Cold: nothing learned yet, as in the first execution after n8n starts.
				packageDurations().clear();
				cold.push(runRow('package (cold)', await packageRun()));
				// Warm: the next execution, after the cold one taught the schedule this kind of job.
				warm.push(runRow('package (warm)', await packageRun()));
				const loopRun = await runAgainstFake('runComfy', { jobDurationMs }, (fake) => allItemsLoop(operation, fake.url, fake.apiKey, items, inputs), 'Download Image');
				loop.push(runRow('all-items loop', loopRun));
			}
			// The row is the run with the median ratio to its ideal: one lucky or unlucky draw does not decide it.
			for (const candidates of [cold, warm, loop]) {
				const chosen = { ...medianBy(candidates, (c) => c.wallMs / c.idealMs), runs: candidates.length };
				rows.push(chosen);
				config.log(`batch ${label}: ${chosen.contender} ${candidates.map((c) => c.wallMs).join(' / ')} ms`);
			}
		}
	}
	if (config.otherProvidersMeanMs !== undefined) {
		const meanMs = config.otherProvidersMeanMs;
		const rtt = await roundTripMs('replaceBackground', inputs);
		for (const provider of ['runware', 'cometApi', 'ideogram'] as const) {
			packageDurations().clear();
			const run = await runAgainstFake(
				provider,
				{ jobDurationMs: randomDuration(meanMs, spread) },
				() => packageWorkflow('replaceBackground', provider, items, inputs),
				PACKAGE_NODE_NAME,
			);
			rows.push(batchRow(provider, 'replaceBackground', meanMs, 'package (cold)', run, items, DEFAULT_SLOTS[provider], rtt));
			config.log(`batch replaceBackground ${meanMs / 1000} s on ${provider}: package ${run.wallMs} ms`);
		}
	}
	return rows;
}

/**
 * The loop inside Loop Over Items, one item at a time. It runs `loopItems` items per case (all
 * cases side by side, each on its own fake) and is extrapolated to `items`: its items run one
 * after another, so its time grows linearly with their number.
 */
export async function benchOneAtATime(config: BatchConfig): Promise<BatchRow[]> {
	const cases = config.operations.flatMap((operation) => config.meansMs.map((meanMs) => ({ operation, meanMs })));
	return await Promise.all(
		cases.map(async ({ operation, meanMs }) => {
			const rtt = await roundTripMs(operation, config.inputs);
			const run = await runAgainstFake(
				'runComfy',
				{ jobDurationMs: randomDuration(meanMs, config.spread) },
				(fake) => oneAtATimeLoop(operation, fake.url, fake.apiKey, config.loopItems, config.inputs),
				'Done',
			);
			config.log(`batch ${operation} ${meanMs / 1000} s: one-at-a-time loop ${run.wallMs} ms for ${config.loopItems} items`);
			const r = batchRow('runComfy', operation, meanMs, 'one-at-a-time loop', run, config.items, config.items, rtt);
			// Extrapolated: ran `loopItems` items one after another.
			r.wallMs = (run.wallMs * config.items) / config.loopItems;
			return r;
		}),
	);
}
