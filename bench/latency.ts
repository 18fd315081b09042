/**
 * 2. Completion latency and 3. polling cost, per job, for jobs of a few lengths on the queued
 * providers. All classes run side by side (each on its own fake, under its own Rendering Speed so
 * each class is its own "kind of job" to the poll schedule), so the benchmark stays short.
 *
 * Latency of a job = when the package's download of its image reached the fake − when the fake
 * marked the job done. The download follows the detecting status check (and, on RunComfy, the
 * result read) at once, so this is the time the node takes to pick up a finished job; it is
 * measured per job, so a batch's slowest job does not hide the others.
 *
 * Round 1 runs with nothing learned (cold: the first execution after n8n starts, or the first
 * of a new kind of job); later rounds run with what the earlier ones taught the schedule (warm).
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
	/** Warm rounds of the longest class; shorter classes repeat while it runs (at least `minWarmRounds`). */
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
	/** The target's request budget, the mean over the jobs of the budget for each one's own length. */
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

async function runRound(provider: ProviderName, items: number, cls: LatencyClass, config: LatencyConfig, phase: Round['phase']): Promise<Round> {
	const run = await runAgainstFake(
		provider,
		{ jobDurationMs: randomDuration(cls.meanMs, config.spread) },
		() => packageWorkflow('replaceBackground', provider, items, config.inputs, { renderingSpeed: cls.renderingSpeed }),
		PACKAGE_NODE_NAME,
	);
	const lastDone = max(run.jobs.map((j) => j.completedAt));
	const error = run.error ?? (run.outputItems !== items ? `${run.outputItems}/${items} items` : undefined);
	return { phase, jobs: run.jobs, tailMs: run.endedAt - lastDone, ...(error ? { error } : {}) };
}

export async function benchLatency(config: LatencyConfig): Promise<LatencyRow[]> {
	packageDurations().clear();
	const longest = Math.max(...config.classes.map((c) => c.meanMs));
	const tasks = config.providers.flatMap(({ provider, items }) =>
		config.classes.map((cls) => ({ provider, items, cls, rounds: [] as Round[] })),
	);
	const isDone = new Map<ProviderName, boolean>();

	const runTask = async (task: (typeof tasks)[number]) => {
		const { provider, items, cls } = task;
		const say = (r: Round, n: number) =>
			config.log(`latency ${provider} ${cls.meanMs / 1000} s round ${n} (${r.phase}): median ${median(r.jobs.map(latency)).toFixed(0)} ms${r.error ? ` ERROR ${r.error}` : ''}`);
		task.rounds.push(await runRound(provider, items, cls, config, 'cold'));
		say(task.rounds[0], 1);
		if (cls.meanMs === longest) {
			for (let i = 0; i < config.longWarmRounds; i++) {
				task.rounds.push(await runRound(provider, items, cls, config, 'warm'));
				say(task.rounds[task.rounds.length - 1], task.rounds.length);
			}
			isDone.set(provider, true);
			return;
		}
		let warm = 0;
		while (warm < config.maxWarmRounds && (warm < config.minWarmRounds || !isDone.get(provider))) {
			task.rounds.push(await runRound(provider, items, cls, config, 'warm'));
			warm++;
			say(task.rounds[task.rounds.length - 1], task.rounds.length);
		}
	};
	await Promise.all(tasks.map(runTask));

	const rows: LatencyRow[] = [];
	for (const task of tasks) {
		for (const phase of ['cold', 'warm'] as const) {
			const rounds = task.rounds.filter((r) => r.phase === phase);
			const jobs = rounds.flatMap((r) => r.jobs).filter((j) => j.downloadAt !== undefined);
			if (!rounds.length) continue;
			const latencies = jobs.map(latency);
			rows.push({
				provider: task.provider,
				meanMs: task.cls.meanMs,
				phase,
				jobs: jobs.length,
				medianMs: median(latencies),
				p95Ms: percentile(latencies, 95),
				maxMs: max(latencies),
				medianShare: median(latencies) / task.cls.meanMs,
				statusMean: mean(jobs.map((j) => j.statusRequests)),
				statusMax: max(jobs.map((j) => j.statusRequests)),
				budget: mean(jobs.map((j) => statusBudget(j.durationMs))),
				withinBudget: jobs.filter((j) => j.statusRequests <= statusBudget(j.durationMs)).length,
				maxOverBudget: Math.max(0, ...jobs.map((j) => Math.ceil(j.statusRequests - statusBudget(j.durationMs)))),
				batchTailMs: median(rounds.map((r) => r.tailMs)),
				errors: rounds.flatMap((r) => (r.error ? [r.error] : [])),
			});
		}
	}
	return rows;
}

function latency(j: JobTiming): number {
	return (j.downloadAt ?? NaN) - j.completedAt;
}
