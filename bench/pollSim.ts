/**
 * The package's poll schedule (nodes/shared/engine/poll.ts, from source) on a fake clock: batches
 * of 20 jobs of random length (mean ± 20 %) polled side by side, 12 executions in a row sharing
 * one DurationTracker, 10 independent series per mean. Prints, for the warm executions (all but
 * the first of each series), how many jobs made more status checks than the budget for their own
 * length, the most checks a job made, and the median/p95 latency. No real time passes: it runs in
 * seconds. `npx tsx bench/pollSim.ts [mean seconds …]`
 */
import { DurationTracker, pollUntilDone } from '../nodes/shared/engine';
import { FakeClock, seededRandom } from '../test/unit/engine/fakeClock';
import { percentile } from './lib/common';
import { statusBudget } from './latency';

export interface SimResult {
	meanMs: number;
	warmJobs: number;
	overBudget: number;
	maxChecks: number;
	medianLatencyMs: number;
	p95LatencyMs: number;
}

export async function simulateWarmPolling(meanMs: number, series = 10, executions = 12, items = 20): Promise<SimResult> {
	let warmJobs = 0;
	let overBudget = 0;
	let maxChecks = 0;
	const latencies: number[] = [];
	for (let seed = 1; seed <= series; seed++) {
		const clock = new FakeClock(undefined, seededRandom(seed));
		const lengths = seededRandom(seed * 77);
		const tracker = new DurationTracker();
		for (let execution = 0; execution < executions; execution++) {
			const start = clock.now();
			await clock.run(
				Promise.all(
					Array.from({ length: items }, async () => {
						const jobMs = Math.round(meanMs * (0.8 + 0.4 * lengths()));
						let checks = 0;
						await pollUntilDone(
							async () => {
								checks++;
								return { done: clock.now() - start >= jobMs, value: 0 };
							},
							{ clock, signal: new AbortController().signal, deadline: start + 600_000, durations: { tracker, key: 'job' } },
						);
						if (execution === 0) return;
						warmJobs++;
						if (checks > statusBudget(jobMs)) overBudget++;
						maxChecks = Math.max(maxChecks, checks);
						latencies.push(clock.now() - start - jobMs);
					}),
				),
			);
		}
	}
	return {
		meanMs,
		warmJobs,
		overBudget,
		maxChecks,
		medianLatencyMs: percentile(latencies, 50),
		p95LatencyMs: percentile(latencies, 95),
	};
}

if (require.main === module) {
	const means = process.argv.slice(2).map(Number);
	void (async () => {
		for (const seconds of means.length ? means : [2, 3, 5, 10, 12, 30, 60]) {
			const r = await simulateWarmPolling(seconds * 1000);
			console.log(
				`${String(seconds).padStart(3)} s jobs: ${r.overBudget}/${r.warmJobs} warm jobs over their own budget, at most ${r.maxChecks} checks; latency median ${r.medianLatencyMs} ms, p95 ${r.p95LatencyMs} ms`,
			);
		}
	})();
}
