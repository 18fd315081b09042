/**
 * The package's poll schedule (nodes/shared/engine/poll.ts, from source) on a fake clock: 10
 * series of 12 executions of 20 jobs (mean ± 20 %), one DurationTracker per series. Prints per mean
 * for cold, first warm and warm: batch time / longest job, latency, status checks against budget.
 * `npx tsx bench/pollSim.ts [mean seconds …]` (SIM_ITEMS; SIM_CHECK_MS: how long a check takes;
 * SIM_SUBMIT_GAP_MS: how far apart the submits are)
 */
import { DurationTracker, pollUntilDone } from '../nodes/shared/engine';
import { FakeClock, seededRandom } from '../test/unit/engine/fakeClock';
import { mean, percentile } from './lib/common';
import { statusBudget } from './latency';

type Job = { jobMs: number; checks: number; seenMs: number };

function stats(batches: Job[][]) {
	const jobs = batches.flat();
	const latencies = jobs.map((j) => j.seenMs - j.jobMs);
	return {
		jobs: jobs.length, overBudget: jobs.filter((j) => j.checks > statusBudget(j.jobMs)).length, maxChecks: Math.max(...jobs.map((j) => j.checks)),
		meanChecks: mean(jobs.map((j) => j.checks)), meanBudget: mean(jobs.map((j) => statusBudget(j.jobMs))),
		medianLatencyMs: percentile(latencies, 50), p95LatencyMs: percentile(latencies, 95),
		// The mean over batches of (last detection / longest job).
		batchRatio: mean(batches.map((b) => Math.max(...b.map((j) => j.seenMs)) / Math.max(...b.map((j) => j.jobMs)))),
	};
}

export async function simulateBatchPolling(meanMs: number, { series = 10, executions = 12, items = 20, spread = 0.2, checkMs = 0, submitGapMs = 0 } = {}) {
	const [cold, firstWarm, warm]: Job[][][] = [[], [], []];
	for (let seed = 1; seed <= series; seed++) {
		const clock = new FakeClock(undefined, seededRandom(seed));
		const lengths = seededRandom(seed * 77);
		const tracker = new DurationTracker();
		for (let execution = 0; execution < executions; execution++) {
			// Executions start at random instants, not on the grid the previous one ended on.
			await clock.advance(Math.round(10_000 * lengths()));
			const start = clock.now();
			const job = async (n: number): Promise<Job> => {
				const jobMs = Math.round(meanMs * (1 - spread + 2 * spread * lengths()));
				let checks = 0;
				if (submitGapMs) await clock.sleep(n * submitGapMs);
				const submittedAt = clock.now();
				const check = async () => {
					checks++;
					if (checkMs) await clock.sleep(checkMs);
					return { done: clock.now() - submittedAt >= jobMs, value: 0 };
				};
				await pollUntilDone(check, { clock, signal: new AbortController().signal, deadline: start + 600_000, durations: { tracker, key: 'job' } });
				return { jobMs, checks, seenMs: clock.now() - submittedAt };
			};
			(execution === 0 ? cold : execution === 1 ? firstWarm : warm).push(await clock.run(Promise.all(Array.from({ length: items }, (_, n) => job(n)))));
		}
	}
	return { meanMs, cold: stats(cold), firstWarm: stats(firstWarm), warm: stats(warm) };
}

if (require.main === module) {
	const env = process.env;
	const options = { items: Number(env.SIM_ITEMS ?? 20), checkMs: Number(env.SIM_CHECK_MS ?? 0), submitGapMs: Number(env.SIM_SUBMIT_GAP_MS ?? 0) };
	void (async () => {
		const means = process.argv.slice(2).map(Number);
		for (const seconds of means.length ? means : [2, 3, 5, 10, 12, 30, 60]) {
			const r = await simulateBatchPolling(seconds * 1000, options);
			for (const [name, s] of [['cold', r.cold], ['1st warm', r.firstWarm], ['warm', r.warm]] as const) {
				console.log(`${String(seconds).padStart(3)} s ${name}: batch ${s.batchRatio.toFixed(2)}× longest job; latency median ${s.medianLatencyMs} ms, p95 ${s.p95LatencyMs} ms; checks/job ${s.meanChecks.toFixed(1)} (budget ${s.meanBudget.toFixed(1)}), ${s.overBudget}/${s.jobs} over their own, max ${s.maxChecks}`);
			}
		}
	})();
}
