/**
 * Time, waiting and stopping. The clock (now, sleep, randomness) is one interface so the engine's
 * timing is tested with a virtual clock (test/unit/engine/fakeClock.ts) instead of real sleeps;
 * a signal that aborts on a timeout or with its parents; and waiting on a promise without
 * try/catch, or until an AbortSignal aborts: how the engine stops at once when the execution is
 * stopped.
 */
import { sleep as n8nSleep } from 'n8n-workflow';

import { abortErrorFrom, throwIfAborted } from './errors';

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The outcome of `promise` as a value (no try/catch at the call site). */
export async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
	return await promise.then(
		(value): Settled<T> => ({ ok: true, value }),
		(error: unknown): Settled<T> => ({ ok: false, error }),
	);
}

/**
 * Settles like `promise`, but rejects with an AbortError as soon as `signal` aborts. The work
 * behind `promise` is not stopped (give it the signal too); its late result is ignored.
 */
export async function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
	if (signal.aborted) {
		promise.catch(() => undefined);
		throw abortErrorFrom(signal);
	}
	let onAbort = () => {};
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(abortErrorFrom(signal));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([promise, aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
		promise.catch(() => undefined);
	}
}

export interface Clock {
	/** Milliseconds since the epoch. */
	now(): number;
	/** Resolves after `ms`; rejects with an AbortError at once when `signal` aborts (or had aborted). */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	/** Uniform in [0, 1), for jitter. */
	random(): number;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	random: () => Math.random(),
	async sleep(ms: number, signal?: AbortSignal): Promise<void> {
		throwIfAborted(signal);
		if (!(ms > 0)) return;
		const slept = await settle(n8nSleep(ms, signal));
		if (!slept.ok) throw signal?.aborted ? abortErrorFrom(signal) : slept.error;
	},
};

/**
 * An AbortSignal that aborts when any of `parents` does, or after `timeoutMs` on `clock`
 * (with `timeoutReason`). Call `dispose()` when done so the timer stops.
 */
export function linkedSignal(
	clock: Clock,
	parents: ReadonlyArray<AbortSignal | undefined>,
	timeoutMs?: number,
	timeoutReason?: () => unknown,
): { signal: AbortSignal; timedOut: () => boolean; dispose: () => void } {
	const controller = new AbortController();
	const timer = new AbortController();
	let timedOut = false;
	const listeners: Array<[AbortSignal, () => void]> = [];
	for (const parent of parents) {
		if (!parent) continue;
		if (parent.aborted) {
			controller.abort(parent.reason);
			break;
		}
		const listener = () => controller.abort(parent.reason);
		parent.addEventListener('abort', listener, { once: true });
		listeners.push([parent, listener]);
	}
	if (timeoutMs !== undefined && !controller.signal.aborted) {
		clock.sleep(Math.max(0, timeoutMs), timer.signal).then(
			() => {
				if (controller.signal.aborted) return;
				timedOut = true;
				controller.abort(timeoutReason?.());
			},
			() => undefined,
		);
	}
	return {
		signal: controller.signal,
		timedOut: () => timedOut,
		dispose: () => {
			timer.abort();
			for (const [parent, listener] of listeners) parent.removeEventListener('abort', listener);
		},
	};
}
