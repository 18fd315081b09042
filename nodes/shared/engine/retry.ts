/**
 * The HttpClient the adapters use: one Transport plus the retry rules of `RequestKind`
 * (http.ts), exponential backoff with jitter, `Retry-After`, a per-attempt timeout lowered to
 * what is left of the job's deadline, and prompt abort when the execution stops.
 */
import { type Clock, linkedSignal, raceAbort, settle, systemClock } from './waiting';
import { abortErrorFrom, isAbortError, throwIfAborted } from './errors';
import {
	NETWORK_ERRORS,
	TransportError,
	urlForLogs,
	type HttpClient,
	type HttpRequest,
	type HttpResponse,
	type RequestKind,
	type Transport,
	type TransportOptions,
} from './http';

interface RetryInfo {
	/** The attempt that failed, from 1. */
	attempt: number;
	/** How long the client waits before the next attempt. */
	delayMs: number;
	kind: RequestKind;
	method: string;
	url: string;
	/** Set when an answer came. */
	status?: number;
	/** Set when no answer came. */
	code?: string;
	/** The delay came from the response's Retry-After header. */
	retryAfter: boolean;
}

interface HttpClientOptions {
	clock?: Clock;
	/** The execution's cancel signal: aborting it stops the client at once (AbortError). */
	signal: AbortSignal;
	/** Epoch ms (on `clock`): no attempt runs past it, no retry waits past it. */
	deadline?: number;
	/** Attempts per request, the first included. Default 4. */
	maxAttempts?: number;
	/** Backoff before the 2nd attempt; doubles each time. Default 1000. */
	baseDelayMs?: number;
	/** Longest backoff. Default 20000. */
	maxDelayMs?: number;
	/** A Retry-After longer than this is not waited for: the response is returned. Default 60000. */
	maxRetryAfterMs?: number;
	/** Per-attempt timeout when the request sets none. Default 120000. */
	timeoutMs?: number;
	/** Passed to the transport with every request (e.g. `maxBytes` for downloads). */
	transportOptions?: TransportOptions;
	/**
	 * Overrides the status rules for one response: true = may retry (submit: only when the job
	 * certainly did not start), false = return it. Undefined keeps the default.
	 */
	retryableResponse?: (response: HttpResponse, kind: RequestKind) => boolean | undefined;
	onRetry?: (info: RetryInfo) => void;
}

const RETRY_DEFAULTS = {
	maxAttempts: 4,
	baseDelayMs: 1_000,
	maxDelayMs: 20_000,
	maxRetryAfterMs: 60_000,
	timeoutMs: 120_000,
} as const;

/** Statuses after which a `submit` certainly created no job, so it may be sent again. */
const SUBMIT_SAFE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503]);
/** Statuses after which a `submit` may have created a job although the answer is an error. */
const SUBMIT_MAYBE_RAN_STATUSES: ReadonlySet<number> = new Set([504, 520, 524]);
/** Whether a status may be retried for a kind (before Retry-After and the deadline are considered). */
export function isRetryableStatus(status: number, kind: RequestKind): boolean {
	if (kind === 'submit') return SUBMIT_SAFE_STATUSES.has(status);
	return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** Whether a network failure may be retried for a kind. */
function isRetryableTransportError(error: TransportError, kind: RequestKind): boolean {
	if (NETWORK_ERRORS[error.code]?.permanent) return false;
	return kind !== 'submit' || !error.mayHaveRun;
}

/**
 * The wait a `Retry-After` (or `retry-after-ms`) header asks for, in ms: delta-seconds or an
 * HTTP date (relative to `now`). Undefined when absent or unreadable.
 */
function parseRetryAfter(headers: Record<string, string>, now: number): number | undefined {
	const ms = headers['retry-after-ms']?.trim();
	if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
	const value = headers['retry-after']?.trim();
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
	const date = Date.parse(value);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

/** Exponential backoff with jitter: base·2^(attempt-1), capped, times a random factor in [0.5, 1]. */
function backoffDelay(attempt: number, random: number, baseDelayMs: number, maxDelayMs: number): number {
	const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
	return Math.round(exp * (0.5 + random / 2));
}

function describeRequest(request: HttpRequest): string {
	return `${request.method} ${urlForLogs(request.url)}`;
}

export function createHttpClient(transport: Transport, opts: HttpClientOptions): HttpClient {
	const clock = opts.clock ?? systemClock;
	const maxAttempts = Math.max(1, opts.maxAttempts ?? RETRY_DEFAULTS.maxAttempts);
	const baseDelayMs = opts.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
	const maxDelayMs = opts.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
	const maxRetryAfterMs = opts.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs;
	const defaultTimeoutMs = opts.timeoutMs ?? RETRY_DEFAULTS.timeoutMs;
	const deadline = opts.deadline ?? Number.POSITIVE_INFINITY;
	const signal = opts.signal;

	async function send(request: HttpRequest, kind: RequestKind): Promise<HttpResponse> {
		const what = describeRequest(request);
		let mayHaveRun = false;
		let lastError: TransportError | undefined;
		for (let n = 1; ; n++) {
			throwIfAborted(signal);
			const remaining = deadline - clock.now();
			if (remaining <= 0) {
				if (lastError) throw withMayHaveRun(lastError, mayHaveRun);
				throw new TransportError(`${what} was not sent: the time limit had passed`, 'ETIMEDOUT', mayHaveRun);
			}
			const timeoutMs = Math.max(1, Math.min(request.timeoutMs ?? defaultTimeoutMs, remaining));

			// One attempt, raced against the execution signal and its own timeout.
			const timedOut = () => new TransportError(`${what} timed out after ${timeoutMs} ms`, 'ETIMEDOUT', true);
			const link = linkedSignal(clock, [signal], timeoutMs, timedOut);
			const result = await settle(raceAbort(transport({ ...request, timeoutMs }, link.signal, opts.transportOptions), link.signal));
			link.dispose();
			if (!result.ok) {
				if (signal.aborted) throw abortErrorFrom(signal);
				const error = link.timedOut() || (isAbortError(result.error) && link.signal.aborted) ? timedOut() : result.error;
				if (!(error instanceof TransportError)) throw error;
				mayHaveRun ||= error.mayHaveRun;
				lastError = error;
				if (!isRetryableTransportError(error, kind) || n >= maxAttempts) throw withMayHaveRun(error, mayHaveRun);
				const delayMs = backoffDelay(n, clock.random(), baseDelayMs, maxDelayMs);
				if (clock.now() + delayMs >= deadline) throw withMayHaveRun(error, mayHaveRun);
				opts.onRetry?.({ attempt: n, delayMs, kind, method: request.method, url: request.url, code: error.code, retryAfter: false });
				await clock.sleep(delayMs, signal);
				continue;
			}

			const response = result.value;
			const status = response.status;
			if (kind === 'submit' && SUBMIT_MAYBE_RAN_STATUSES.has(status) && opts.retryableResponse?.(response, kind) === undefined) {
				throw new TransportError(
					`${what} answered HTTP ${status} (gateway timeout): the job may have been accepted`,
					`HTTP_${status}`,
					true,
					status,
				);
			}
			const rule = request.retryRule?.(response);
			// Waiting is bounded by the deadline alone; without one, by the attempts as usual.
			const waits = rule === 'wait' && Number.isFinite(deadline);
			const retryable = rule === 'wait' || rule === 'retry' || (rule !== 'stop' && (opts.retryableResponse?.(response, kind) ?? isRetryableStatus(status, kind)));
			if (!retryable || (n >= maxAttempts && !waits)) return response;
			const retryAfterMs = parseRetryAfter(response.headers, clock.now());
			if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) return response;
			const delayMs = retryAfterMs ?? backoffDelay(n, clock.random(), baseDelayMs, maxDelayMs);
			if (clock.now() + delayMs >= deadline) return response;
			opts.onRetry?.({ attempt: n, delayMs, kind, method: request.method, url: request.url, status, retryAfter: retryAfterMs !== undefined });
			await clock.sleep(delayMs, signal);
			lastError = undefined;
		}
	}

	return { send };
}

function withMayHaveRun(error: TransportError, mayHaveRun: boolean): TransportError {
	if (error.mayHaveRun === mayHaveRun) return error;
	const copy = new TransportError(error.message, error.code, mayHaveRun, error.httpStatus);
	copy.stack = error.stack;
	return copy;
}
