/**
 * Waiting on a promise without try/catch, and giving up on it when an AbortSignal aborts: how the
 * engine stops at once when the execution is stopped.
 */
import { abortErrorFrom } from './errors';

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
