/**
 * The package's poll schedule (nodes/shared/engine/poll.ts, from source) on a fake clock: batches
 * of 20 jobs of random length (mean ± 20 %) polled side by side, 12 executions in a row sharing
 * one DurationTracker, 10 independent series per mean. Prints, for the first execution of each
 * series (cold: nothing learned), the one after it and the others (warm): the batch's wall time as a multiple of its
 * longest job, the median/p95 latency, status checks per job against the budget at each job's own
 * length, and how many jobs went over their own budget. No real time passes: it runs in seconds.
 * `npx tsx bench/pollSim.ts [mean seconds …]`
 */
import { DurationTracker, pollUntilDone } from '../nodes/shared/engine';
import { FakeClock, seededRandom } from '../test/unit/engine/fakeClock';
import { percentile } from './lib/common';
import { statusBudget } from './latency';

export interface SimStats {
	jobs: number;
	overBudget: number;
	maxChecks: number;
	meanChecks: number;
	meanBudget: number;
	medianLatencyMs: number;
	p95LatencyMs: number;
	/** Mean over batches of (last detection / longest job). */
	batchRatio: number;
}

export interface SimResult {
	meanMs: number;
	cold: SimStats;
	/** The execution right after the cold one (learned from a single cold batch). */
	firstWarm: SimStats;
	warm: SimStats;
}

class Tally {
	private checks: number[] = [];
	private budgets: number[] = [];
	private latencies: number[] = [];
	private ratios: number[] = [];

	add(jobs: Array<{ jobMs: number; checks: number; seenMs: number }>): void {
		for (const j of jobs) {
			this.checks.push(j.checks);
			this.budgets.push(statusBudget(j.jobMs));
			this.latencies.push(j.seenMs - j.jobMs);
		}
		this.ratios.push(Math.max(...jobs.map((j) => j.seenMs)) / Math.max(...jobs.map((j) => j.jobMs)));
	}

	stats(): SimStats {
		const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
		return {
			jobs: this.checks.length,
			overBudget: this.checks.filter((c, i) => c > this.budgets[i]).length,
			maxChecks: Math.max(...this.checks),
			meanChecks: mean(this.checks),
			meanBudget: mean(this.budgets),
			medianLatencyMs: percentile(this.latencies, 50),
			p95LatencyMs: percentile(this.latencies, 95),
			batchRatio: mean(this.ratios),
		};
	}
}

export interface SimOptions {
	series?: number;
	executions?: number;
	items?: number;
	spread?: number;
	/** How long each status check takes (fake time). */
	checkMs?: number;
	/** Submits follow each other this far apart. */
	submitGapMs?: number;
}

export async function simulateBatchPolling(meanMs: number, options: SimOptions = {}): Promise<SimResult> {
	const { series = 10, executions = 12, items = 20, spread = 0.2, checkMs = 0, submitGapMs = 0 } = options;
	const cold = new Tally();
	const firstWarm = new Tally();
	const warm = new Tally();
	for (let seed = 1; seed <= series; seed++) {
		const clock = new FakeClock(undefined, seededRandom(seed));
		const lengths = seededRandom(seed * 77);
		const tracker = new DurationTracker();
		for (let execution = 0; execution < executions; execution++) {
			// Executions start at random instants, not on the grid the previous one ended on.
			await clock.advance(Math.round(10_000 * lengths()));
			const start = clock.now();
			const jobs = await clock.run(
				Promise.all(
					Array.from({ length: items }, async (_, n) => {
						const jobMs = Math.round(meanMs * (1 - spread + 2 * spread * lengths()));
						let checks = 0;
						if (submitGapMs) await clock.sleep(n * submitGapMs);
						const submittedAt = clock.now();
						await pollUntilDone(
							async () => {
								checks++;
								if (checkMs) await clock.sleep(checkMs);
								return { done: clock.now() - submittedAt >= jobMs, value: 0 };
							},
							{ clock, signal: new AbortController().signal, deadline: start + 600_000, durations: { tracker, key: 'job' } },
						);
						return { jobMs, checks, seenMs: clock.now() - submittedAt };
					}),
				),
			);
			(execution === 0 ? cold : execution === 1 ? firstWarm : warm).add(jobs);
		}
	}
	return { meanMs, cold: cold.stats(), firstWarm: firstWarm.stats(), warm: warm.stats() };
}

if (require.main === module) {
	const means = process.argv.slice(2).map(Number);
	const options: SimOptions = {
		items: Number(process.env.SIM_ITEMS ?? 20),
		checkMs: Number(process.env.SIM_CHECK_MS ?? 0),
		submitGapMs: Number(process.env.SIM_SUBMIT_GAP_MS ?? 0),
	};
	void (async () => {
		for (const seconds of means.length ? means : [2, 3, 5, 10, 12, 30, 60]) {
			const r = await simulateBatchPolling(seconds * 1000, options);
			for (const [name, s] of [['cold', r.cold], ['1st warm', r.firstWarm], ['warm', r.warm]] as const) {
				console.log(
					`${String(seconds).padStart(3)} s ${name}: batch ${s.batchRatio.toFixed(2)}× longest job; latency median ${s.medianLatencyMs} ms, p95 ${s.p95LatencyMs} ms; checks/job ${s.meanChecks.toFixed(1)} (budget ${s.meanBudget.toFixed(1)}), ${s.overBudget}/${s.jobs} over their own, max ${s.maxChecks}`,
				);
			}
		}
	})();
}
