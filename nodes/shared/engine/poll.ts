/**
 * Waiting for a queued job: checks on an adaptive schedule until the check says done, the
 * deadline passes (PollTimeoutError, a hard limit) or the execution stops (AbortError, at once).
 *
 * The schedule (nextPollDelay, its numbers in DEFAULT_POLL_SCHEDULE) has two modes:
 * - Without knowledge of the job's length: a first check soon after submit, then gaps that grow
 *   with the time waited up to a cap, with some jitter. A long job thus costs few requests, a
 *   short one is seen soon after it ends.
 *   Jobs of one kind submitted together (a batch) each start at another point of that first gap
 *   (`phase`) and widen their own gaps the more of them already wait: between them the batch is
 *   checked often and its first finished job is seen early, while each job makes no more checks
 *   than a lone one.
 * - With an expected duration window [lowMs, highMs] (learned from earlier jobs of the same kind
 *   by a DurationTracker, or from the first finished jobs of the same batch): few checks before
 *   the window (straight to it when it opens soon), dense checks inside it (on a grid all jobs
 *   share, so a batch is checked together), the normal schedule after it. A job that runs much
 *   longer than usual is thus never flooded, and one that runs as usual is seen soon after it ends.
 * A job still queued (queuePosition ≥ 1) cannot be about to finish: it gets the normal gaps.
 * The request and latency targets the schedule is held to are in BENCHMARKS.md (bench/pollSim.ts).
 */
import { type Clock, linkedSignal, raceAbort, settle, systemClock } from './waiting';
import { abortErrorFrom, isAbortError, PollTimeoutError, throwIfAborted } from './errors';

interface PollSchedule {
	/** First check, after the start (submit). */
	firstDelayMs: number;
	/** Gap after the first check… */
	baseDelayMs: number;
	/** …growing by this many ms per ms already waited. */
	growth: number;
	maxDelayMs: number;
	minDelayMs: number;
	/** Each gap is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
	jitter: number;
	/** Inside the expected window: gap = max(denseDelayMs, denseFraction × elapsed), at most maxDelayMs. */
	denseDelayMs: number;
	denseFraction: number;
	/** Before the expected window: the next check at most at (1 + sparseFactor) × elapsed… */
	sparseFactor: number;
	/** …and at most this long after the previous one. */
	maxSparseDelayMs: number;
	/** When the window opens sooner than this, the first check goes straight to it. */
	directFirstMs: number;
	/** Dense checks go on this far past the window's end: the slowest jobs of a kind finish there. */
	tailFactor: number;
	/**
	 * The same, when the window comes from the first finished jobs of the job's own batch: those
	 * are its fastest, and the slowest of a batch end up to about half as late again.
	 */
	batchTailFactor: number;
}

const DEFAULT_POLL_SCHEDULE: Readonly<PollSchedule> = {
	firstDelayMs: 500,
	baseDelayMs: 1_300,
	growth: 0.3,
	maxDelayMs: 5_000,
	minDelayMs: 250,
	jitter: 0.1,
	denseDelayMs: 500,
	denseFraction: 0.06,
	sparseFactor: 3,
	maxSparseDelayMs: 15_000,
	directFirstMs: 9_000,
	tailFactor: 1.1,
	batchTailFactor: 1.5,
};

/** When a job of this kind usually completes, in ms after the start. */
interface ExpectedDuration {
	lowMs: number;
	highMs: number;
}

interface NextPollOptions {
	schedule?: Partial<PollSchedule>;
	expected?: ExpectedDuration;
	/** `expected` comes from the job's own batch (its first finished jobs), not from earlier ones. */
	expectedFromBatch?: boolean;
	/** The provider's last queue position, when it reports one. */
	queuePosition?: number;
	/** In [0, 1): how far into its first gap a job with no window makes its first check. */
	phase?: number;
	/**
	 * Epoch ms of the moment the delay is counted from. Given, dense checks fall on a grid of
	 * `denseDelayMs` shared by all jobs: a batch's jobs are checked together, so the last of them
	 * is seen within one gap of its end instead of within the largest of many staggered lags.
	 */
	nowMs?: number;
}

/**
 * The wait before check number `attempt` (0 = the first), `elapsedMs` after the start.
 * `random` gives uniform numbers in [0, 1) for the jitter.
 */
function nextPollDelay(attempt: number, elapsedMs: number, random: () => number, options: NextPollOptions = {}): number {
	const s = { ...DEFAULT_POLL_SCHEDULE, ...options.schedule };
	const t = Math.max(0, elapsedMs);
	const gapAt = (ms: number) => Math.min(s.maxDelayMs, s.baseDelayMs + s.growth * ms);
	const base = attempt === 0 && t < s.firstDelayMs ? s.firstDelayMs - t + (options.phase ?? 0) * gapAt(s.firstDelayMs) : gapAt(t);
	let delay = base;
	const expected = options.expected;
	const queued = options.queuePosition !== undefined && options.queuePosition >= 1;
	if (expected && !queued && expected.highMs > 0) {
		const low = Math.max(0, expected.lowMs);
		const tail = options.expectedFromBatch ? s.batchTailFactor : s.tailFactor;
		if (t < low - s.denseDelayMs / 2) {
			// Before the window: go towards it in few, widening steps.
			if (attempt === 0) delay = low <= s.directFirstMs ? low - t : Math.min(base, low - t);
			else delay = Math.min(Math.max(base, s.sparseFactor * t), s.maxSparseDelayMs, low - t);
		} else if (t < expected.highMs * tail) {
			const dense = Math.min(base, Math.max(s.denseDelayMs, s.denseFraction * t));
			if (options.nowMs === undefined) delay = dense;
			else {
				// The first grid point at least half a grid step past the dense gap's start.
				const grid = s.denseDelayMs;
				const at = Math.ceil((options.nowMs + dense - grid / 2) / grid) * grid;
				return Math.max(s.minDelayMs, at - options.nowMs);
			}
		}
	}
	const factor = 1 + s.jitter * (2 * random() - 1);
	return Math.max(s.minDelayMs, Math.round(delay * factor));
}

interface PollCheckResult<T> {
	done: boolean;
	value: T;
	/** The provider's queue position while queued (1 = next). */
	queuePosition?: number;
	/** A job that ended in failure: its duration is not learned. */
	failed?: boolean;
}

interface PollOptions {
	clock?: Clock;
	/** The execution's cancel signal: polling stops at once with an AbortError. */
	signal: AbortSignal;
	/** Epoch ms on `clock`: a hard limit; a check still running then is abandoned. */
	deadline: number;
	/** When the job was submitted (default: now). The schedule counts from it. */
	startedAt?: number;
	schedule?: Partial<PollSchedule>;
	/** When jobs like this one usually complete. Default: what `durations` learned. */
	expected?: ExpectedDuration;
	/** Learns and supplies `expected` per kind of job (e.g. provider + operation + speed). */
	durations?: { tracker: DurationTracker; key: string };
}

/**
 * Calls `check` on the schedule until it reports `done`, and returns that value. Throws
 * PollTimeoutError (with the last value) when the deadline passes and an AbortError as soon as
 * `signal` aborts, also in the middle of a wait or a check. Errors from `check` propagate.
 */
export async function pollUntilDone<T>(check: () => Promise<PollCheckResult<T>>, opts: PollOptions): Promise<T> {
	const clock = opts.clock ?? systemClock;
	const start = opts.startedAt ?? clock.now();
	const durations = opts.durations;
	const s = { ...DEFAULT_POLL_SCHEDULE, ...opts.schedule };
	// A window known at the start is kept: the current batch's first finished jobs are its
	// fastest and would narrow it. Without one, this job is part of a batch still being learned.
	const learned = opts.expected ?? durations?.tracker.expected(durations.key);
	// Without a window, the jobs of a batch share the watch: each starts at another point of the
	// first gap (phase), and the more of them are already waiting, the wider each one's own gaps.
	const watch = learned || !durations ? undefined : durations.tracker.joinWatch(durations.key);
	const sibling = watch?.before ?? 0;
	const phase = (sibling * GOLDEN_RATIO_STEP) % 1;
	const schedule = sibling ? { ...s, growth: s.growth * (1 + Math.min(sibling, SHARED_WATCH_FROM) / SHARED_WATCH_FROM) } : s;
	let last: T | undefined;
	let polls = 0;
	let lastCheckMs = 0;
	let lastPendingAt = 0;
	let queuePosition: number | undefined;

	try {
		for (;;) {
			throwIfAborted(opts.signal);
			const from = clock.now();
			let checkAt = Infinity;
			let final = false;
			// Wait for the next check. Without a window, news of a finished job of the same kind (the
			// first ones of a batch submitted together) re-plans the wait, never later than planned:
			// the rest of the batch is close behind.
			for (;;) {
				const now = clock.now();
				if (now >= opts.deadline) throw new PollTimeoutError(last, now - start, polls);
				const fromBatch = learned ? undefined : durations?.tracker.expected(durations.key);
				const delayMs = nextPollDelay(polls, from - start, () => clock.random(), {
					schedule,
					expected: learned ?? fromBatch,
					expectedFromBatch: fromBatch !== undefined,
					queuePosition,
					phase,
					nowMs: from,
				});
				checkAt = Math.min(checkAt, Math.max(now, from + delayMs));
				// The last check that fits is timed to end about at the deadline.
				final = checkAt >= opts.deadline - lastCheckMs;
				if (final) checkAt = Math.max(now, opts.deadline - lastCheckMs);
				const news = learned ? undefined : durations;
				if ((await sleepUnlessNews(clock, checkAt - now, opts.signal, news)) === 'slept') break;
			}

			const checkStart = clock.now();
			const result = await checkBefore(check, clock, opts.signal, opts.deadline, () => new PollTimeoutError(last, clock.now() - start, polls + 1));
			polls++;
			lastCheckMs = Math.min(5_000, Math.max(0, clock.now() - checkStart));
			if (result.done) {
				if (durations && !result.failed) {
					const highMs = clock.now() - start;
					const lowMs = polls > 1 ? lastPendingAt : 0;
					// Without a learned window, a job seen done long after its previous check (by the sparse
					// checks before its batch's first jobs finished) only says it ended somewhere in between.
					const denseGap = Math.max(s.denseDelayMs, s.denseFraction * highMs);
					durations.tracker.record(durations.key, { lowMs, highMs, vague: !learned && highMs - lowMs > 2 * denseGap });
				}
				return result.value;
			}
			last = result.value;
			lastPendingAt = checkStart - start;
			queuePosition = result.queuePosition;
			if (final || clock.now() >= opts.deadline) throw new PollTimeoutError(last, clock.now() - start, polls);
		}
	} finally {
		// However the job ends: a failed, timed-out or stopped job no longer widens the others' gaps.
		watch?.leave();
	}
}

/** Sleeps `ms`; returns early with 'news' when the next job of `news.key` is recorded; an AbortError on a stop. */
async function sleepUnlessNews(
	clock: Clock,
	ms: number,
	signal: AbortSignal,
	news: { tracker: DurationTracker; key: string } | undefined,
): Promise<'slept' | 'news'> {
	if (!news) {
		await clock.sleep(ms, signal);
		return 'slept';
	}
	const woken = new AbortController();
	const unsubscribe = news.tracker.onNextRecord(news.key, () => woken.abort());
	const link = linkedSignal(clock, [signal, woken.signal]);
	const slept = await settle(clock.sleep(ms, link.signal));
	link.dispose();
	unsubscribe();
	if (slept.ok) return 'slept';
	if (signal.aborted) throw abortErrorFrom(signal);
	if (woken.signal.aborted) return 'news';
	throw slept.error;
}

/** Runs one check, abandoned with an AbortError on a stop and with `timeout()` at the deadline. */
async function checkBefore<R>(
	check: () => Promise<R>,
	clock: Clock,
	signal: AbortSignal,
	deadline: number,
	timeout: () => Error,
): Promise<R> {
	const link = linkedSignal(clock, [signal], Math.max(0, deadline - clock.now()));
	const result = await settle(raceAbort(check(), link.signal));
	link.dispose();
	if (result.ok) return result.value;
	if (signal.aborted) throw abortErrorFrom(signal);
	if (link.timedOut()) throw timeout();
	// The check's own request ran into the deadline (its client shares it).
	if (!isAbortError(result.error) && clock.now() >= deadline) {
		const late = timeout();
		Object.defineProperty(late, 'cause', { value: result.error, configurable: true, writable: true });
		throw late;
	}
	throw result.error;
}

/** A finished job: it was still running at lowMs (0: already done at the first check) and done at highMs. */
interface DurationSample extends ExpectedDuration {
	/** Found done long after the previous check, by a schedule without a window: lowMs may be long before the end. */
	vague?: boolean;
}

/**
 * Remembers how long recent jobs of each kind took (the window in which each completed) and
 * offers it to the schedule. One instance per process is meant to be shared (the pipeline's
 * `learnedDurations`); it holds up to 64 finished jobs per kind (a whole batch) and what waits on them.
 */
export class DurationTracker {
	private readonly samples = new Map<string, DurationSample[]>();
	/** Per key: how many jobs are waiting without a window now (they get spread phases). */
	private readonly watching = new Map<string, number>();
	/** Per key: the jobs waiting without a window, woken at the next record. */
	private readonly waiting = new Map<string, Set<() => void>>();

	constructor(
		private readonly keep = 64,
		private readonly maxKeys = 200,
	) {}

	record(key: string, sample: DurationSample): void {
		if (!(sample.highMs >= sample.lowMs) || sample.lowMs < 0) return;
		let list = this.samples.get(key);
		if (!list) {
			if (this.samples.size >= this.maxKeys) {
				const oldest = this.samples.keys().next().value;
				if (oldest !== undefined) this.samples.delete(oldest);
			}
			list = [];
		} else {
			this.samples.delete(key); // re-inserted below: the map's order is recency of use
		}
		list.push({ lowMs: sample.lowMs, highMs: sample.highMs, vague: sample.vague });
		if (list.length > this.keep) list.splice(0, list.length - this.keep);
		this.samples.set(key, list);
		const waiting = this.waiting.get(key);
		this.waiting.delete(key);
		for (const wake of waiting ?? []) wake();
	}

	/**
	 * Joins the jobs of `key` waiting without a window: returns how many were already waiting, and
	 * the way to leave, which every job calls however it ends (done, failed, timed out, stopped).
	 */
	joinWatch(key: string): { before: number; leave(): void } {
		const before = this.watching.get(key) ?? 0;
		this.watching.set(key, before + 1);
		let left = false;
		const leave = () => {
			if (left) return;
			left = true;
			const now = (this.watching.get(key) ?? 1) - 1;
			if (now > 0) this.watching.set(key, now);
			else this.watching.delete(key);
		};
		return { before, leave };
	}

	/** Calls `wake` once, when the next job of `key` is recorded. Returns the way to unsubscribe. */
	onNextRecord(key: string, wake: () => void): () => void {
		let waiting = this.waiting.get(key);
		if (!waiting) {
			if (this.waiting.size >= this.maxKeys) this.wakeAll();
			waiting = new Set();
			this.waiting.set(key, waiting);
		}
		waiting.add(wake);
		return () => waiting.delete(wake);
	}

	/** The window recent jobs completed in (10th percentile of starts, 90th of ends), if any. */
	expected(key: string): ExpectedDuration | undefined {
		const list = this.samples.get(key);
		if (!list || list.length === 0) return undefined;
		// A job already done at its first check records lowMs 0: it ended some time before that
		// check, so its start says nothing. Counting such jobs would open the window from 0 and make
		// every later job check densely from its start. Only when they are common (the jobs of this
		// kind got shorter) does the window open from 0.
		const pendingSamples = list.filter((s) => s.lowMs > 0);
		// Whether the jobs got shorter is judged on the most recent ones, so it shows within a batch.
		const recent = list.slice(-RECENT_JOBS);
		const doneAtFirstCheck = recent.filter((s) => s.lowMs === 0).length;
		// A job found done by the sparse checks of a schedule without a window (the first of a cold
		// batch) says little about when it ended: its early lowMs would open the window seconds too
		// soon. The window opens from the other jobs when there are any.
		const known = pendingSamples.filter((s) => !s.vague);
		const pending = (known.length ? known : pendingSamples).map((s) => s.lowMs);
		const lowMs = pending.length === 0 || doneAtFirstCheck > EARLY_SHARE * recent.length ? 0 : percentile(pending, 0.1);
		return { lowMs, highMs: percentile(list.map((s) => s.highMs), 0.9) };
	}

	clear(): void {
		this.samples.clear();
		this.watching.clear();
		this.wakeAll();
	}

	/** Jobs woken without news re-plan the same wait: harmless. */
	private wakeAll(): void {
		const all = [...this.waiting.values()];
		this.waiting.clear();
		for (const waiting of all) for (const wake of waiting) wake();
	}
}

/** Phases 0, 0.62, 0.24, 0.85, …: any number of jobs started one after another spread evenly. */
const GOLDEN_RATIO_STEP = (Math.sqrt(5) - 1) / 2;
/** From this many jobs already waiting, each one's gaps grow twice as fast (the others watch too). */
const SHARED_WATCH_FROM = 8;

/** The jobs judged for "got shorter" (EARLY_SHARE). */
const RECENT_JOBS = 16;

/** Share of recent jobs that may be done at their first check before the learned window opens from 0. */
const EARLY_SHARE = 0.4;

function percentile(values: number[], q: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.round((sorted.length - 1) * q)];
}
