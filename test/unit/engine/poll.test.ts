import { DurationTracker, isAbortError, pollUntilDone, PollTimeoutError } from '../../../nodes/shared/engine';
import { FakeClock, seededRandom } from './fakeClock';

/**
 * The schedule's numbers: the first check 500 ms after the submit, then a gap of 1.3 s plus 0.3 s
 * per second waited, between 250 ms and 5 s, each ±10 % (jitter); inside an expected window, checks
 * on a 500 ms grid until 10 % past its end; a window opening within 9 s is gone to straight.
 */
const SCHEDULE = {
	firstDelayMs: 500,
	baseDelayMs: 1_300,
	growth: 0.3,
	maxDelayMs: 5_000,
	minDelayMs: 250,
	jitter: 0.1,
	denseDelayMs: 500,
	directFirstMs: 9_000,
	tailFactor: 1.1,
};
/** The gap after a check `t` ms after the submit, without jitter or window. */
const normalGap = (t: number) => Math.min(SCHEDULE.maxDelayMs, SCHEDULE.baseDelayMs + SCHEDULE.growth * t);

/** The schedule's targets (BENCHMARKS.md): median detection latency and status requests per job. */
const latencyTargetMs = (jobMs: number) => (jobMs <= 10_000 ? 500 : 0.05 * jobMs);
const requestBudget = (jobMs: number) => (jobMs <= 10_000 ? 2 + jobMs / 2_000 : 7 + jobMs / 5_000);
/** A cold job is seen within one normal gap of its end (jitter included), however long it ran. */
const maxColdLatencyMs = (jobMs: number) => (1 + SCHEDULE.jitter) * normalGap(SCHEDULE.firstDelayMs + jobMs * 1.1);
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

/** A job's check times through pollUntilDone on the fake clock, the window and queue position as given. */
interface Watch {
	/** The clock's random numbers (0.5: no jitter). */
	random?: () => number;
	expected?: { lowMs: number; highMs: number };
	queuePosition?: number;
	/** Polling starts this long after the submit. */
	startedBeforeMs?: number;
	/** Milliseconds past a whole second at which the job is submitted. */
	offsetMs?: number;
	schedule?: { firstDelayMs?: number };
}

/** When pollUntilDone checks a job that runs `untilMs` (ms after its submit), on the fake clock. */
async function checkTimes(untilMs: number, watch: Watch = {}): Promise<number[]> {
	const clock = new FakeClock(Date.UTC(2025, 0, 1) + (watch.offsetMs ?? 0), watch.random ?? (() => 0.5));
	const start = clock.now() - (watch.startedBeforeMs ?? 0);
	const times: number[] = [];
	await clock.run(
		pollUntilDone(
			async () => {
				times.push(clock.now() - start);
				return { done: clock.now() - start >= untilMs, value: 0, queuePosition: watch.queuePosition };
			},
			{ clock, signal: new AbortController().signal, deadline: start + untilMs + 120_000, startedAt: start, expected: watch.expected, schedule: watch.schedule },
		),
	);
	return times;
}
const gapsOf = (times: number[]) => times.slice(1).map((t, i) => t - times[i]);
const nonDecreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]);

describe('the poll schedule', () => {
	const S = SCHEDULE;

	it('first check after the first delay; then gaps that grow with the time waited, up to the cap', async () => {
		const times = await checkTimes(60_000);
		expect(times[0]).toBe(S.firstDelayMs);
		const g = gapsOf(times);
		expect(nonDecreasing(g)).toBe(true);
		expect(g[g.length - 1]).toBeGreaterThan(g[0]);
		expect(Math.max(...g)).toBe(S.maxDelayMs);
		expect(Math.min(...g)).toBeGreaterThanOrEqual(S.minDelayMs);
		times.slice(0, -1).forEach((t, i) => expect(g[i]).toBe(Math.round(normalGap(t))));
	});

	it('jitter stays within its share of the gap, and no gap is shorter than the minimum', async () => {
		for (const r of [0, 0.25, 0.75, 0.999999]) {
			const times = await checkTimes(60_000, { random: () => r });
			gapsOf(times).forEach((d, i) => {
				expect(d).toBeGreaterThanOrEqual(Math.floor(normalGap(times[i]) * (1 - S.jitter)));
				expect(d).toBeLessThanOrEqual(Math.ceil(normalGap(times[i]) * (1 + S.jitter)));
			});
		}
		expect((await checkTimes(1_000, { schedule: { firstDelayMs: 10 } }))[0]).toBe(S.minDelayMs);
	});

	it('counts the first delay from the submit when polling starts late', async () => {
		for (const late of [100, 300]) expect((await checkTimes(5_000, { startedBeforeMs: late }))[0]).toBe(Math.max(S.firstDelayMs, late + S.minDelayMs));
		// Past the first delay, the first check comes one normal gap later.
		expect((await checkTimes(10_000, { startedBeforeMs: 2_000 }))[0]).toBe(2_000 + normalGap(2_000));
	});

	it('dense checks fall on a grid shared by all jobs, at least half a step apart', async () => {
		const expected = { lowMs: 2_000, highMs: 4_000 };
		const grid = S.denseDelayMs;
		for (const offsetMs of [0, 123, 299, 301, 599]) {
			const times = await checkTimes(4_000, { expected, offsetMs, random: Math.random });
			const dense = times.slice(1).filter((_, i) => times[i] >= expected.lowMs - grid / 2);
			expect(dense.length).toBeGreaterThanOrEqual(3);
			times.slice(1).forEach((at, i) => {
				if (times[i] < expected.lowMs - grid / 2) return;
				expect((offsetMs + at) % grid).toBe(0);
				expect(at - times[i]).toBeGreaterThanOrEqual(grid / 2);
				expect(at - times[i]).toBeLessThan(grid * 1.5);
			});
		}
	});

	describe('with an expected window', () => {
		const expected = { lowMs: 14_000, highMs: 17_000 };

		it('goes straight to a window that opens soon', async () => {
			const soon = { lowMs: S.directFirstMs - 1_000, highMs: S.directFirstMs + 1_000 };
			expect((await checkTimes(soon.highMs, { expected: soon }))[0]).toBe(soon.lowMs);
		});

		it('approaches a later window in widening steps, fewer than the normal schedule makes, never past its start', async () => {
			const times = await checkTimes(expected.highMs, { expected });
			const reached = times.findIndex((t) => t >= expected.lowMs - S.denseDelayMs);
			expect(times[reached]).toBe(expected.lowMs);
			const steps = gapsOf([0, ...times.slice(0, reached + 1)]);
			expect(nonDecreasing(steps.slice(0, -1))).toBe(true);
			const normal = await checkTimes(expected.highMs);
			expect(steps.length).toBeLessThan(normal.findIndex((t) => t >= expected.lowMs) + 1);
		});

		it('checks more densely inside the window and a little past its end than the normal schedule; normally after that', async () => {
			const w = { lowMs: 9_000, highMs: 12_000 };
			const times = await checkTimes(40_000, { expected: w });
			const g = gapsOf(times);
			const inside = times.slice(0, -1).map((t, i) => [t, g[i]]);
			const dense = inside.filter(([t]) => t >= w.lowMs && t < w.highMs * S.tailFactor);
			expect(dense.map(([t]) => t)).toEqual(expect.arrayContaining([9_000, 10_500, 12_000]));
			for (const [t, d] of dense) {
				expect(d).toBeLessThan(normalGap(t));
				expect(d).toBeGreaterThanOrEqual(S.denseDelayMs);
			}
			const after = inside.filter(([t]) => t >= w.highMs * S.tailFactor);
			expect(after.length).toBeGreaterThan(3);
			for (const [t, d] of after) expect(d).toBe(Math.round(normalGap(t)));
		});

		it('a window from the job\'s own batch (its fastest jobs) is followed further past its end', async () => {
			const w = { lowMs: 9_000, highMs: 12_000 };
			const clock = new FakeClock(undefined, () => 0.5);
			const tracker = new DurationTracker();
			const start = clock.now();
			const times: number[] = [];
			const job = pollUntilDone(
				async () => {
					times.push(clock.now() - start);
					return { done: clock.now() - start >= 40_000, value: 0 };
				},
				{ clock, signal: new AbortController().signal, deadline: start + 160_000, durations: { tracker, key: 'k' } },
			);
			// The first job of the batch finishes while this one waits.
			const firstOfBatch = clock.sleep(1_000).then(() => tracker.record('k', w));
			await clock.run(Promise.all([job, firstOfBatch]));
			const pastTail = times.slice(0, -1).filter((t, i) => t >= w.highMs * S.tailFactor && t < w.highMs * 1.5 - S.denseDelayMs && times[i + 1] - t < normalGap(t));
			expect(pastTail.length).toBeGreaterThan(0);
		});

		it('a job still queued gets the normal gaps', async () => {
			expect(await checkTimes(20_000, { expected, queuePosition: 3 })).toEqual(await checkTimes(20_000));
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
		expect(sorted[0]).toBe(SCHEDULE.firstDelayMs);
		expect(new Set(sorted).size).toBe(sorted.length);
		// Spread over the first gap, never past it.
		for (const at of sorted) expect(at).toBeLessThanOrEqual(SCHEDULE.firstDelayMs + normalGap(SCHEDULE.firstDelayMs) * (1 + SCHEDULE.jitter));
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
