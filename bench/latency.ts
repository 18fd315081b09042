/**
 * 2. Completion latency and 3. polling cost, per job, for jobs of a few lengths on the queued
 * providers. All classes run side by side, each on its own fake under its own Rendering Speed, so
 * each is its own "kind of job" to the poll schedule. Latency of a job = when the package's
 * download of its image reached the fake − when the fake marked the job done. Round 1 runs with
 * nothing learned (cold); later rounds with what the earlier ones taught the schedule (warm).
 */
import type { ProviderName } from '../test/fakes';
import { max, mean, median, packageDurations, percentile, randomDuration, type JobTiming } from './lib/common';
import { runAgainstFake } from './lib/measure';
import { packageWorkflow, PACKAGE_NODE_NAME, type ItemInputs } from './lib/workflows';

export interface LatencyClass {
	meanMs: number;
	renderingSpeed: 'TURBO' | 'DEFAULT' | 'QUALITY';
}

export interface LatencyConfig {
	classes: LatencyClass[];
	providers: Array<{ provider: ProviderName; items: number }>;
	/** Warm rounds of the longest class; shorter classes repeat while it runs (between `minWarmRounds` and `maxWarmRounds`). */
	longWarmRounds: number;
	minWarmRounds: number;
	maxWarmRounds: number;
	spread: number;
	inputs: ItemInputs;
	log: (line: string) => void;
}

export interface LatencyRow {
	provider: ProviderName;
	meanMs: number;
	phase: 'cold' | 'warm';
	jobs: number;
	medianMs: number;
	p95Ms: number;
	maxMs: number;
	/** Median latency as a share of the mean job length. */
	medianShare: number;
	statusMean: number;
	statusMax: number;
	/** The mean over the jobs of the budget for each one's own length. */
	budget: number;
	/** Jobs whose status checks were within the budget for their own length. */
	withinBudget: number;
	/** The most checks any job made beyond the budget for its own length (0 when none did). */
	maxOverBudget: number;
	/** Node end − the last job's completion, median over the rounds (what a whole batch waits). */
	batchTailMs: number;
	errors: string[];
}

/** ≤ 2 + 1 per 2 s of job up to 10 s; ≤ 7 + 1 per 5 s beyond (19 for a 60 s job). */
export function statusBudget(durationMs: number): number {
	const s = durationMs / 1000;
	return s <= 10 ? 2 + s / 2 : 7 + s / 5;
}

interface Round {
	phase: 'cold' | 'warm';
	jobs: JobTiming[];
	tailMs: number;
	error?: string;
}

const latency = (j: JobTiming) => (j.downloadAt ?? NaN) - j.completedAt;

export async function benchLatency(config: LatencyConfig): Promise<LatencyRow[]> {
	packageDurations().clear();
	const longest = Math.max(...config.classes.map((c) => c.meanMs));
	const tasks = config.providers.flatMap(({ provider, items }) => config.classes.map((cls) => ({ provider, items, cls, rounds: [] as Round[] })));
	const longestDone = new Set<ProviderName>();

	const runTask = async ({ provider, items, cls, rounds }: (typeof tasks)[number]) => {
		const round = async (phase: Round['phase']) => {
			const build = () => packageWorkflow('replaceBackground', provider, items, config.inputs, { renderingSpeed: cls.renderingSpeed });
			const run = await runAgainstFake(provider, { jobDurationMs: randomDuration(cls.meanMs, config.spread) }, build, PACKAGE_NODE_NAME);
			const error = run.error ?? (run.outputItems !== items ? `${run.outputItems}/${items} items` : undefined);
			const r: Round = { phase, jobs: run.jobs, tailMs: run.endedAt - max(run.jobs.map((j) => j.completedAt)), ...(error ? { error } : {}) };
			rounds.push(r);
			config.log(`latency ${provider} ${cls.meanMs / 1000} s round ${rounds.length} (${phase}): median ${median(r.jobs.map(latency)).toFixed(0)} ms${error ? ` ERROR ${error}` : ''}`);
		};
		await round('cold');
		if (cls.meanMs === longest) {
			for (let i = 0; i < config.longWarmRounds; i++) await round('warm');
			longestDone.add(provider);
			return;
		}
		for (let warm = 0; warm < config.maxWarmRounds && (warm < config.minWarmRounds || !longestDone.has(provider)); warm++) await round('warm');
	};
	await Promise.all(tasks.map(runTask));

	return tasks.flatMap(({ provider, cls, rounds: all }) =>
		(['cold', 'warm'] as const).flatMap((phase): LatencyRow[] => {
			const rounds = all.filter((r) => r.phase === phase);
			if (!rounds.length) return [];
			const jobs = rounds.flatMap((r) => r.jobs).filter((j) => j.downloadAt !== undefined);
			const latencies = jobs.map(latency);
			const over = jobs.map((j) => j.statusRequests - statusBudget(j.durationMs));
			return [
				{
					provider,
					meanMs: cls.meanMs,
					phase,
					jobs: jobs.length,
					medianMs: median(latencies),
					p95Ms: percentile(latencies, 95),
					maxMs: max(latencies),
					medianShare: median(latencies) / cls.meanMs,
					statusMean: mean(jobs.map((j) => j.statusRequests)),
					statusMax: max(jobs.map((j) => j.statusRequests)),
					budget: mean(jobs.map((j) => statusBudget(j.durationMs))),
					withinBudget: over.filter((o) => o <= 0).length,
					maxOverBudget: Math.max(0, ...over.map(Math.ceil)),
					batchTailMs: median(rounds.map((r) => r.tailMs)),
					errors: rounds.flatMap((r) => (r.error ? [r.error] : [])),
				},
			];
		}),
	);
}
