/**
 * A virtual clock for the engine's timing tests: `sleep` waits for virtual time, which only
 * moves when the test advances it (or `run` does, timer by timer, whenever nothing else can
 * happen). No real time passes.
 */
import { abortErrorFrom, type Clock } from '../../../nodes/shared/engine';

interface Timer {
	at: number;
	seq: number;
	resolve: () => void;
}

/** Lets every pending promise callback run (setImmediate comes after all microtasks). */
export async function flush(rounds = 3): Promise<void> {
	for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A small seeded generator (mulberry32), so jittered runs are reproducible. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class FakeClock implements Clock {
	private time: number;
	private seq = 0;
	private timers: Timer[] = [];
	/** Every sleep asked for, in order (ms). */
	readonly sleeps: number[] = [];
	random: () => number;

	constructor(start = Date.UTC(2025, 0, 1), random: () => number = seededRandom(1)) {
		this.time = start;
		this.random = random;
	}

	now(): number {
		return this.time;
	}

	sleep(ms: number, signal?: AbortSignal): Promise<void> {
		this.sleeps.push(ms);
		if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));
		return new Promise<void>((resolve, reject) => {
			const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, resolve: () => undefined };
			const onAbort = () => {
				this.timers = this.timers.filter((t) => t !== timer);
				reject(abortErrorFrom(signal));
			};
			timer.resolve = () => {
				signal?.removeEventListener('abort', onAbort);
				resolve();
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.timers.push(timer);
		});
	}

	/** Timers waiting. */
	get pending(): number {
		return this.timers.length;
	}

	/** Fires the earliest timer (moving time to it). False when none is waiting. */
	fireNext(): boolean {
		if (this.timers.length === 0) return false;
		this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
		const timer = this.timers.shift()!;
		this.time = Math.max(this.time, timer.at);
		timer.resolve();
		return true;
	}

	/** Moves time forward by `ms`, firing the timers due on the way. */
	async advance(ms: number): Promise<void> {
		const target = this.time + ms;
		for (;;) {
			await flush();
			this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
			const next = this.timers[0];
			if (!next || next.at > target) break;
			this.fireNext();
		}
		this.time = target;
		await flush();
	}

	/**
	 * Settles `promise`, moving virtual time from timer to timer whenever nothing else can run.
	 * Fails when the promise waits on something other than this clock.
	 */
	async run<T>(promise: Promise<T>, maxTimers = 100_000): Promise<T> {
		let settled = false;
		let value: T | undefined;
		let failure: { error: unknown } | undefined;
		promise.then(
			(v) => {
				settled = true;
				value = v;
			},
			(error: unknown) => {
				settled = true;
				failure = { error };
			},
		);
		for (let i = 0; ; i++) {
			await flush(1);
			if (settled) break;
			if (i >= maxTimers) throw new Error('FakeClock.run: too many timers');
			if (!this.fireNext()) throw new Error('FakeClock.run: the promise waits on something other than the clock');
		}
		if (failure) throw failure.error;
		return value as T;
	}
}
