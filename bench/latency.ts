/**
 * 2. Completion latency and 3. polling cost, per job, on the queued providers: each job length its
 * own kind of job on its own fake, all side by side; round 1 cold, later rounds warm. The method
 * is in BENCHMARKS.md's notes (`latency`).
 */
import type { ProviderName } from '../test/fakes';
import type { Settings } from './run';
import { forgetLearnedDurations, max, mean, median, percentile, randomDuration, runAgainstFake, type JobTiming } from './lib/common';
import { packageWorkflow, PACKAGE_NODE_NAME } from './lib/workflows';

/** ≤ 2 + 1 per 2 s of job up to 10 s; ≤ 7 + 1 per 5 s beyond (19 for a 60 s job). */
export function statusBudget(durationMs: number): number {
	const s = durationMs / 1000;
	return s <= 10 ? 2 + s / 2 : 7 + s / 5;
}

type Round = { phase: 'cold' | 'warm'; jobs: JobTiming[]; tailMs: number; error?: string };
export type LatencyRow = ReturnType<typeof latencyRows>[number];

const latency = (j: JobTiming) => (j.downloadAt ?? NaN) - j.completedAt;
const SPEEDS = ['TURBO', 'DEFAULT', 'QUALITY'];

export async function benchLatency(s: Settings): Promise<LatencyRow[]> {
	forgetLearnedDurations();
	const longest = Math.max(...s.latencyMeansMs);
	// Runware's default concurrency; Ideogram's 10 items of one image each fill its in-flight limit.
	const providers: Array<[ProviderName, number]> = [['runComfy', s.quick ? 6 : 20], ['runware', s.quick ? 2 : 4], ['ideogram', s.quick ? 4 : 10]];
	const tasks = providers.flatMap(([provider, items]) => s.latencyMeansMs.map((meanMs, i) => ({ provider, items, meanMs, renderingSpeed: SPEEDS[i % SPEEDS.length], rounds: [] as Round[] })));
	const longestDone = new Set<ProviderName>();
	const runTask = async ({ provider, items, meanMs, renderingSpeed, rounds }: (typeof tasks)[number]) => {
		const round = async (phase: Round['phase']) => {
			const build = () => packageWorkflow('replaceBackground', provider, items, s.inputs, { renderingSpeed });
			const run = await runAgainstFake(provider, { jobDurationMs: randomDuration(meanMs, s.spread) }, build, PACKAGE_NODE_NAME);
			const error = run.error ?? (run.outputItems !== items ? `${run.outputItems}/${items} items` : undefined);
			rounds.push({ phase, jobs: run.jobs, tailMs: run.endedAt - max(run.jobs.map((j) => j.completedAt)), ...(error ? { error } : {}) });
			s.log(`latency ${provider} ${meanMs / 1000} s round ${rounds.length} (${phase}): median ${median(run.jobs.map(latency)).toFixed(0)} ms${error ? ` ERROR ${error}` : ''}`);
		};
		await round('cold');
		if (meanMs === longest) {
			await round('warm');
			return void longestDone.add(provider);
		}
		const [minWarm, maxWarm] = s.quick ? [1, 3] : [2, 12];
		for (let warm = 0; warm < maxWarm && (warm < minWarm || !longestDone.has(provider)); warm++) await round('warm');
	};
	await Promise.all(tasks.map(runTask));
	return tasks.flatMap(({ provider, meanMs, rounds }) => latencyRows(provider, meanMs, rounds));
}

function latencyRows(provider: ProviderName, meanMs: number, all: Round[]) {
	return (['cold', 'warm'] as const).flatMap((phase) => {
		const rounds = all.filter((r) => r.phase === phase);
		if (!rounds.length) return [];
		const jobs = rounds.flatMap((r) => r.jobs).filter((j) => j.downloadAt !== undefined);
		const [latencies, checks] = [jobs.map(latency), jobs.map((j) => j.statusRequests)];
		const over = jobs.map((j) => j.statusRequests - statusBudget(j.durationMs));
		return [{
			provider, meanMs, phase, jobs: jobs.length, medianMs: median(latencies), p95Ms: percentile(latencies, 95), maxMs: max(latencies),
			medianShare: median(latencies) / meanMs, // of the mean job length
			statusMean: mean(checks), statusMax: max(checks),
			// The mean over the jobs of the budget for each one's own length; the jobs within their own; the most checks any job made beyond its own.
			budget: mean(jobs.map((j) => statusBudget(j.durationMs))), withinBudget: over.filter((o) => o <= 0).length, maxOverBudget: Math.max(0, ...over.map(Math.ceil)),
			batchTailMs: median(rounds.map((r) => r.tailMs)), // node end − the last job's completion: what a whole batch waits
			errors: rounds.flatMap((r) => (r.error ? [r.error] : [])),
		}];
	});
}
