import {
	DEFAULT_POLL_SCHEDULE,
	DurationTracker,
	isAbortError,
	nextPollDelay,
	pollUntilDone,
	PollTimeoutError,
	type ExpectedDuration,
} from '../../../nodes/shared/engine';
import { FakeClock, seededRandom } from './fakeClock';

/** The schedule's targets (BENCHMARKS.md): median detection latency and status requests per job. */
const latencyTargetMs = (jobMs: number) => (jobMs <= 10_000 ? 500 : 0.05 * jobMs);
const requestBudget = (jobMs: number) => (jobMs <= 10_000 ? 2 + jobMs / 2_000 : 7 + jobMs / 5_000);
/** A cold job is seen within one normal gap of its end (jitter included), however long it ran. */
const maxColdLatencyMs = (jobMs: number) => {
	const s = DEFAULT_POLL_SCHEDULE;
	return (1 + s.jitter) * Math.min(s.maxDelayMs, s.baseDelayMs + s.firstDelayMs * s.growth + s.growth * jobMs * 1.1);
};
const JOB_SECONDS = [1, 2, 3, 5, 10, 12, 30, 60, 120];

interface JobRun {
	latencyMs: number;
	requests: number;
}

/** One job of `jobMs` through the real pollUntilDone on the fake clock. */
async function runJob(clock: FakeClock, jobMs: number, tracker?: DurationTracker, key = 'k'): Promise<JobRun> {
	const start = clock.now();
	let requests = 0;
	await clock.run(
		pollUntilDone(
			async () => {
				requests++;
				const done = clock.now() - start >= jobMs;
				return { done, value: done ? 'completed' : 'running' };
			},
			{ clock, signal: new AbortController().signal, deadline: start + 600_000, durations: tracker ? { tracker, key } : undefined },
		),
	);
	return { latencyMs: clock.now() - start - jobMs, requests };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Jobs whose lengths are random around `meanMs` (± spread), run one after another, in `seeds`
 * independent series; the medians and means are averaged over the series.
 */
async function runSeries(meanMs: number, spread: number, jobs: number, learn: boolean, seed: number, seeds = 1) {
	let medianLatencyMs = 0;
	let meanRequests = 0;
	let maxRequests = 0;
	let maxLatencyMs = 0;
	for (let k = 0; k < seeds; k++) {
		const clock = new FakeClock(undefined, seededRandom(seed * 101 + k));
		const lengths = seededRandom(seed * 101 + k + 7919);
		const tracker = learn ? new DurationTracker() : undefined;
		const runs: JobRun[] = [];
		for (let i = 0; i < jobs; i++) runs.push(await runJob(clock, Math.round(meanMs * (1 + spread * (2 * lengths() - 1))), tracker));
		medianLatencyMs += median(runs.map((r) => r.latencyMs)) / seeds;
		meanRequests += mean(runs.map((r) => r.requests)) / seeds;
		maxRequests = Math.max(maxRequests, ...runs.map((r) => r.requests));
		maxLatencyMs = Math.max(maxLatencyMs, ...runs.map((r) => r.latencyMs));
	}
	return { medianLatencyMs: Math.round(medianLatencyMs), meanRequests, maxRequests, maxLatencyMs };
}

describe('nextPollDelay', () => {
	const mid = () => 0.5; // no jitter
	const S = DEFAULT_POLL_SCHEDULE;
	/** Elapsed times from the first check to well past the longest gap. */
	const ELAPSED = Array.from({ length: 40 }, (_, i) => S.firstDelayMs + i * 1_500);
	/** The schedule's gaps over ELAPSED, no jitter, no window. */
	const gaps = (options: Parameters<typeof nextPollDelay>[3] = {}) => ELAPSED.map((t, i) => nextPollDelay(i + 1, t, mid, options));
	const nonDecreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]);

	it('first check after the configured first delay; then gaps that grow with the time waited, up to the cap', () => {
		expect(nextPollDelay(0, 0, mid)).toBe(S.firstDelayMs);
		const g = gaps();
		expect(nonDecreasing(g)).toBe(true);
		expect(g[g.length - 1]).toBeGreaterThan(g[0]);
		expect(Math.max(...g)).toBe(S.maxDelayMs);
		expect(Math.min(...g)).toBeGreaterThanOrEqual(S.minDelayMs);
	});

	it('jitter stays within its share of the gap, and no gap is shorter than the minimum', () => {
		for (const t of ELAPSED) {
			const plain = nextPollDelay(3, t, mid);
			for (const r of [0, 0.25, 0.75, 0.999999]) {
				const d = nextPollDelay(3, t, () => r);
				expect(d).toBeGreaterThanOrEqual(Math.floor(plain * (1 - S.jitter)));
				expect(d).toBeLessThanOrEqual(Math.ceil(plain * (1 + S.jitter)));
			}
		}
		expect(nextPollDelay(0, 0, mid, { schedule: { firstDelayMs: 10 } })).toBe(S.minDelayMs);
	});

	it('counts the first delay from the submit when polling starts late', () => {
		for (const late of [100, 300]) expect(late + nextPollDelay(0, late, mid)).toBe(Math.max(S.firstDelayMs, late + S.minDelayMs));
		// Past the first delay, the first check comes one normal gap later.
		expect(nextPollDelay(0, 2_000, mid)).toBe(nextPollDelay(1, 2_000, mid));
	});

	it('a phase moves the first check later through the first gap, never past it; later gaps are unchanged', () => {
		const firsts = [0, 0.25, 0.5, 0.75, 0.999].map((phase) => nextPollDelay(0, 0, mid, { phase }));
		expect(nonDecreasing(firsts)).toBe(true);
		expect(firsts[0]).toBe(S.firstDelayMs);
		expect(firsts[firsts.length - 1]).toBeLessThanOrEqual(S.firstDelayMs + nextPollDelay(1, S.firstDelayMs, mid));
		expect(gaps({ phase: 0.5 })).toEqual(gaps());
	});

	it('given the time, dense checks fall on a grid shared by all jobs, at least half a step apart', () => {
		const expected = { lowMs: 2_000, highMs: 4_000 };
		const grid = S.denseDelayMs;
		for (const nowMs of [1_000_000, 1_000_123, 1_000_299, 1_000_301, 1_000_599]) {
			const delay = nextPollDelay(3, 2_500, Math.random, { expected, nowMs });
			expect((nowMs + delay) % grid).toBe(0);
			expect(delay).toBeGreaterThanOrEqual(grid / 2);
			expect(delay).toBeLessThan(grid * 1.5);
		}
	});

	describe('with an expected window', () => {
		const expected: ExpectedDuration = { lowMs: 14_000, highMs: 17_000 };
		const normal = (attempt: number, t: number) => nextPollDelay(attempt, t, mid);

		it('goes straight to a window that opens soon', () => {
			const soon = { lowMs: S.directFirstMs - 1_000, highMs: S.directFirstMs + 1_000 };
			expect(nextPollDelay(0, 0, mid, { expected: soon })).toBe(soon.lowMs);
		});

		it('approaches a later window in widening steps, fewer than the normal schedule makes, never past its start', () => {
			let t = 0;
			const steps: number[] = [];
			while (t < expected.lowMs - S.denseDelayMs) {
				const d = nextPollDelay(steps.length, t, mid, { expected });
				expect(t + d).toBeLessThanOrEqual(expected.lowMs);
				steps.push(d);
				t += d;
			}
			expect(t).toBe(expected.lowMs);
			expect(nonDecreasing(steps.slice(0, -1))).toBe(true);
			let normalChecks = 0;
			for (let u = 0; u < expected.lowMs; normalChecks++) u += normal(normalChecks, u);
			expect(steps.length).toBeLessThan(normalChecks);
		});

		it('checks more densely inside the window and a little past its end than the normal schedule; normally after that', () => {
			const w = { lowMs: 9_000, highMs: 12_000 };
			for (const t of [9_000, 10_500, 12_000, 12_000 * S.tailFactor - 100]) {
				const d = nextPollDelay(5, t, mid, { expected: w });
				expect(d).toBeLessThan(normal(5, t));
				expect(d).toBeGreaterThanOrEqual(S.denseDelayMs);
			}
			for (const t of [12_000 * S.tailFactor + 100, 19_000, 40_000]) expect(nextPollDelay(6, t, mid, { expected: w })).toBe(normal(6, t));
			// A window from the job's own batch (its fastest jobs) is followed further past its end.
			const t = 12_000 * S.tailFactor + 500;
			expect(nextPollDelay(6, t, mid, { expected: w, expectedFromBatch: true })).toBeLessThan(normal(6, t));
		});

		it('a job still queued gets the normal gaps', () => {
			expect(nextPollDelay(4, 14_000, mid, { expected, queuePosition: 3 })).toBe(normal(4, 14_000));
		});
	});
});

describe('poll schedule against the benchmark targets', () => {
	/**
	 * Without knowledge of the job's length only the request budget can be met: a median latency
	 * of 0.5 s needs a check about every second, i.e. ~11 requests for a 10 s job (budget 7).
	 * These bounds pin the compromise the default schedule makes.
	 */
	it('cold (nothing learned): within the request budget, worst case included; latency bounded', async () => {
		const table: string[] = [];
		for (const seconds of JOB_SECONDS) {
			const jobMs = seconds * 1000;
			const r = await runSeries(jobMs, 0.2, 30, false, seconds, 4);
			// Exact job lengths, worst case over the jitter.
			const exact = await runSeries(jobMs, 0, 30, false, seconds + 50, 4);
			table.push(
				`${seconds}s: median latency ${r.medianLatencyMs} ms (worst ${Math.max(r.maxLatencyMs, exact.maxLatencyMs)}), requests mean ${r.meanRequests.toFixed(1)} / worst ${Math.max(r.maxRequests, exact.maxRequests)} (budget ${requestBudget(jobMs)})`,
			);
			expect(r.meanRequests).toBeLessThanOrEqual(requestBudget(jobMs));
			expect(exact.maxRequests).toBeLessThanOrEqual(Math.ceil(requestBudget(jobMs)) + 1);
			// The gap never exceeds 5.5 s (5 s + jitter), nor ~1.43 + 0.33 × elapsed.
			expect(Math.max(r.maxLatencyMs, exact.maxLatencyMs)).toBeLessThanOrEqual(maxColdLatencyMs(jobMs));
		}
		if (process.env.ENGINE_SCHEDULE_TABLE) console.log(`cold schedule\n${table.join('\n')}`);
	});

	it.each([0.1, 0.2, 0.3])(
		'learned (jobs of one kind, lengths random ±%p around the mean): median latency and mean requests meet the targets',
		async (spread) => {
			const rows: Array<{ seconds: number; medianLatencyMs: number; meanRequests: number; maxRequests: number }> = [];
			for (const seconds of JOB_SECONDS) rows.push({ seconds, ...(await runSeries(seconds * 1000, spread, 30, true, seconds, 4)) });
			if (process.env.ENGINE_SCHEDULE_TABLE) {
				const lines = rows.map(
					(r) =>
						`${r.seconds}s: median latency ${r.medianLatencyMs} ms (target ${latencyTargetMs(r.seconds * 1000)}), requests mean ${r.meanRequests.toFixed(1)} (budget ${requestBudget(r.seconds * 1000)}), worst ${r.maxRequests}`,
				);
				console.log(`learned, spread ±${spread * 100}%\n${lines.join('\n')}`);
			}
			for (const r of rows) {
				expect({ seconds: r.seconds, latencyOk: r.medianLatencyMs <= latencyTargetMs(r.seconds * 1000) }).toEqual({ seconds: r.seconds, latencyOk: true });
				expect({ seconds: r.seconds, requestsOk: r.meanRequests <= requestBudget(r.seconds * 1000) }).toEqual({ seconds: r.seconds, requestsOk: true });
			}
		},
	);

	it('learned: a job much longer than usual still gets the normal schedule (no flood)', async () => {
		const clock = new FakeClock(undefined, seededRandom(3));
		const tracker = new DurationTracker();
		for (let i = 0; i < 10; i++) await runJob(clock, 3_000, tracker);
		const long = await runJob(clock, 60_000, tracker);
		expect(long.requests).toBeLessThanOrEqual(requestBudget(60_000));
		expect(long.latencyMs).toBeLessThanOrEqual(5_500);
	});

	it('learned: a job much shorter than usual is still seen (latency bounded by the approach)', async () => {
		const clock = new FakeClock(undefined, seededRandom(4));
		const tracker = new DurationTracker();
		for (let i = 0; i < 10; i++) await runJob(clock, 30_000, tracker);
		const short = await runJob(clock, 1_000, tracker);
		expect(short.requests).toBeLessThanOrEqual(3);
		expect(short.latencyMs).toBeLessThanOrEqual(2_000);
	});
});

describe('pollUntilDone', () => {
	it('returns the value once the check says done', async () => {
		const clock = new FakeClock();
		let n = 0;
		const value = await clock.run(
			pollUntilDone(async () => ({ done: ++n === 3, value: n }), { clock, signal: new AbortController().signal, deadline: clock.now() + 60_000 }),
		);
		expect(value).toBe(3);
	});

	it('at the deadline: PollTimeoutError with the last value; never waits past the deadline', async () => {
		const clock = new FakeClock();
		const t0 = clock.now();
		const seen: number[] = [];
		let n = 0;
		const error = await clock
			.run(
				pollUntilDone(
					async () => {
						seen.push(clock.now() - t0);
						return { done: false, value: { status: 'running', n: ++n } };
					},
					{ clock, signal: new AbortController().signal, deadline: t0 + 20_000 },
				),
			)
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(PollTimeoutError);
		const timeout = error as PollTimeoutError<{ status: string; n: number }>;
		expect(timeout.lastValue).toEqual({ status: 'running', n });
		expect(timeout.polls).toBe(n);
		expect(clock.now() - t0).toBeLessThanOrEqual(20_000);
		// The last check is timed for the deadline, so no time is left unused.
		expect(seen[seen.length - 1]).toBe(20_000);
	});

	it('a check still running at the deadline is abandoned: PollTimeoutError at the deadline', async () => {
		const clock = new FakeClock();
		const t0 = clock.now();
		let n = 0;
		const error = await clock
			.run(
				pollUntilDone(
					async () => {
						if (++n === 1) return { done: false, value: 'queued' };
						return await new Promise<never>(() => undefined);
					},
					{ clock, signal: new AbortController().signal, deadline: t0 + 10_000 },
				),
			)
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(PollTimeoutError);
		expect((error as PollTimeoutError).lastValue).toBe('queued');
		expect(clock.now() - t0).toBe(10_000);
	});

	it.each([
		['alone', false],
		['waiting for news of its batch', true],
	])('a stop during the wait (%s) rejects at once with an AbortError and cancels the timer', async (_, tracked) => {
		const clock = new FakeClock();
		const controller = new AbortController();
		const checks: number[] = [];
		const tracker = new DurationTracker();
		const pending = pollUntilDone(
			async () => {
				checks.push(clock.now());
				return { done: false, value: 0 };
			},
			{ clock, signal: controller.signal, deadline: clock.now() + 600_000, durations: tracked ? { tracker, key: 'k' } : undefined },
		).catch((e: unknown) => e);
		await clock.advance(3_000);
		const count = checks.length;
		const at = clock.now();
		controller.abort();
		const error = await pending;
		expect(isAbortError(error)).toBe(true);
		expect(clock.now()).toBe(at);
		expect(clock.pending).toBe(0);
		await clock.advance(60_000);
		expect(checks).toHaveLength(count);
		// News after the stop wakes nothing.
		tracker.record('k', { lowMs: 1_000, highMs: 2_000 });
		await clock.advance(60_000);
		expect(checks).toHaveLength(count);
	});

	it('a stop during a check rejects at once, even if the check never returns', async () => {
		const clock = new FakeClock();
		const controller = new AbortController();
		const pending = pollUntilDone(async () => await new Promise<never>(() => undefined), {
			clock,
			signal: controller.signal,
			deadline: clock.now() + 600_000,
		}).catch((e: unknown) => e);
		await clock.advance(1_000); // the first check is running
		controller.abort();
		expect(isAbortError(await pending)).toBe(true);
	});

	it('errors of the check propagate', async () => {
		const clock = new FakeClock();
		const boom = new Error('HTTP 401');
		const error = await clock
			.run(pollUntilDone(async () => Promise.reject(boom), { clock, signal: new AbortController().signal, deadline: clock.now() + 60_000 }))
			.catch((e: unknown) => e);
		expect(error).toBe(boom);
	});

	it('counts from startedAt (the submit), not from the first call', async () => {
		const clock = new FakeClock();
		const submitted = clock.now();
		await clock.advance(200);
		const at: number[] = [];
		await clock.run(
			pollUntilDone(
				async () => {
					at.push(clock.now() - submitted);
					return { done: true, value: 1 };
				},
				{ clock, signal: new AbortController().signal, deadline: submitted + 60_000, startedAt: submitted, schedule: { jitter: 0 } },
			),
		);
		expect(at).toEqual([500]);
	});

	it('learns durations per key, not from failed jobs', async () => {
		const clock = new FakeClock();
		const tracker = new DurationTracker();
		const job = (ms: number, failed = false) => {
			const start = clock.now();
			return clock.run(
				pollUntilDone(async () => ({ done: clock.now() - start >= ms, value: 0, failed }), {
					clock,
					signal: new AbortController().signal,
					deadline: start + 60_000,
					durations: { tracker, key: 'a' },
				}),
			);
		};
		await job(5_000, true);
		expect(tracker.expected('a')).toBeUndefined();
		await job(5_000);
		const window = tracker.expected('a')!;
		expect(window.lowMs).toBeLessThan(5_000);
		expect(window.highMs).toBeGreaterThanOrEqual(5_000);
		expect(tracker.expected('b')).toBeUndefined();
	});
});

describe('a batch of jobs of one kind, nothing learned yet', () => {
	/** 20 jobs submitted together, polled side by side; when each was seen done and how often checked. */
	async function runBatch(lengths: number[], seed: number) {
		const clock = new FakeClock(undefined, seededRandom(seed));
		const tracker = new DurationTracker();
		const start = clock.now();
		return await clock.run(
			Promise.all(
				lengths.map(async (jobMs) => {
					let checks = 0;
					await pollUntilDone(
						async () => {
							checks++;
							return { done: clock.now() - start >= jobMs, value: 0 };
						},
						{ clock, signal: new AbortController().signal, deadline: start + 60_000, durations: { tracker, key: 'batch' } },
					);
					return { jobMs, checks, lagMs: clock.now() - start - jobMs };
				}),
			),
		);
	}
	const lengthsAround = (meanMs: number, seed: number) => {
		const random = seededRandom(seed);
		return Array.from({ length: 20 }, () => Math.round(meanMs * (0.8 + 0.4 * random())));
	};

	it.each([3_000, 10_000])(
		'%p ms jobs: the first finished is seen early, the rest on dense checks; within the request budget on average',
		async (meanMs) => {
			const checks: number[] = [];
			const budgets: number[] = [];
			for (const seed of [1, 2, 3, 4, 5]) {
				const lengths = lengthsAround(meanMs, seed);
				const jobs = await runBatch(lengths, seed);
				// The plain cold schedule checks all jobs at about the same instants (0.5, 1.95, 3.8,
				// 6.1 s …): a 3.6 s job was seen near 6 s, a median job ~1–2 s after its end.
				expect(Math.max(...jobs.map((j) => j.jobMs + j.lagMs))).toBeLessThan(Math.max(...lengths) + 1_000);
				expect(median(jobs.map((j) => j.lagMs))).toBeLessThanOrEqual(latencyTargetMs(meanMs));
				checks.push(...jobs.map((j) => j.checks));
				budgets.push(...lengths.map(requestBudget));
			}
			expect(mean(checks)).toBeLessThanOrEqual(mean(budgets));
		},
	);

	it('a lone job is checked exactly as without a tracker; the next ones of its batch start spread over the first gap', async () => {
		const clock = new FakeClock(undefined, () => 0.5);
		const tracker = new DurationTracker();
		const firstChecks: number[] = [];
		await clock.run(
			Promise.all(
				[0, 1, 2, 3].map(async () => {
					const start = clock.now();
					let checks = 0;
					await pollUntilDone(
						async () => {
							if (checks++ === 0) firstChecks.push(clock.now() - start);
							return { done: clock.now() - start >= 5_000, value: 0 };
						},
						{ clock, signal: new AbortController().signal, deadline: start + 60_000, durations: { tracker, key: 'k' } },
					);
				}),
			),
		);
		// The first job checks as a lone one would; the others spread over the first gap.
		const sorted = firstChecks.sort((a, b) => a - b);
		expect(sorted[0]).toBe(DEFAULT_POLL_SCHEDULE.firstDelayMs);
		expect(new Set(sorted).size).toBe(sorted.length);
		const firstGap = nextPollDelay(1, DEFAULT_POLL_SCHEDULE.firstDelayMs, () => 0.5);
		for (const at of sorted) expect(at).toBeLessThanOrEqual(DEFAULT_POLL_SCHEDULE.firstDelayMs + firstGap * (1 + DEFAULT_POLL_SCHEDULE.jitter));
		const alone = await runJob(new FakeClock(undefined, seededRandom(9)), 7_000);
		const tracked = await runJob(new FakeClock(undefined, seededRandom(9)), 7_000, new DurationTracker());
		expect(tracked).toEqual(alone);
	});
});

describe('DurationTracker', () => {
	it('after failed, timed-out and stopped jobs, the next cold job is polled as a lone one', async () => {
		const tracker = new DurationTracker();
		const clock = new FakeClock(undefined, seededRandom(9));
		const durations = { tracker, key: 'k' };
		const failed = () => {
			const start = clock.now();
			return clock.run(pollUntilDone(async () => ({ done: clock.now() - start >= 2_000, value: 0, failed: true }), { clock, signal: new AbortController().signal, deadline: start + 60_000, durations }));
		};
		const timedOut = () => {
			const start = clock.now();
			return clock.run(pollUntilDone(async () => ({ done: false, value: 0 }), { clock, signal: new AbortController().signal, deadline: start + 3_000, durations })).catch((e: Error) => e);
		};
		const stopped = () => {
			const stop = new AbortController();
			const start = clock.now();
			const polling = pollUntilDone(async () => ({ done: false, value: 0 }), { clock, signal: stop.signal, deadline: start + 60_000, durations }).catch((e: Error) => e);
			return clock.run(Promise.all([polling, clock.sleep(2_500, new AbortController().signal).then(() => stop.abort())]));
		};
		for (let n = 0; n < 3; n++) {
			await failed();
			expect(await timedOut()).toBeInstanceOf(Error);
			await stopped();
		}
		expect(tracker.expected('k')).toBeUndefined();
		const afterwards = await runJob(new FakeClock(undefined, seededRandom(9)), 7_000, tracker);
		const alone = await runJob(new FakeClock(undefined, seededRandom(9)), 7_000);
		expect(afterwards).toEqual(alone);
	});

	it('does not let the few jobs already done at their first check open the window from 0', () => {
		const tracker = new DurationTracker();
		for (let i = 0; i < 13; i++) tracker.record('k', { lowMs: 9_000 + i * 50, highMs: 10_000 + i * 50 });
		for (let i = 0; i < 3; i++) tracker.record('k', { lowMs: 0, highMs: 9_500 });
		expect(tracker.expected('k')?.lowMs).toBeGreaterThanOrEqual(9_000);
		// When most recent jobs are done at the first check, the jobs got shorter: the window opens from 0.
		for (let i = 0; i < 8; i++) tracker.record('k', { lowMs: 0, highMs: 2_000 });
		expect(tracker.expected('k')?.lowMs).toBe(0);
	});

	it('however many jobs it remembers, a drop in length shows within the 16 most recent', () => {
		const tracker = new DurationTracker();
		for (let i = 0; i < 64; i++) tracker.record('k', { lowMs: 9_500, highMs: 10_000 });
		for (let i = 0; i < 6; i++) tracker.record('k', { lowMs: 0, highMs: 9_500 });
		expect(tracker.expected('k')?.lowMs).toBe(9_500);
		tracker.record('k', { lowMs: 0, highMs: 9_500 });
		expect(tracker.expected('k')?.lowMs).toBe(0);
	});

	it("jobs found done long after a check planned without a window do not open the window early", () => {
		const tracker = new DurationTracker();
		tracker.record('k', { lowMs: 1_500, highMs: 2_600, vague: true });
		expect(tracker.expected('k')?.lowMs).toBe(1_500); // nothing better known
		for (let i = 0; i < 9; i++) tracker.record('k', { lowMs: 2_700 + i * 50, highMs: 3_000 + i * 50 });
		expect(tracker.expected('k')?.lowMs).toBeGreaterThanOrEqual(2_700);
	});
});
