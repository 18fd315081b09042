/**
 * A job's life through the one engine: submit, wait (poll or synchronous), and on a stop or a
 * timeout cancel what can still be cancelled, always reporting the request id so the user can
 * pick the job up later with Ideogram Poll Result.
 */
import { createHttpClient, isAbortError, PollTimeoutError, pollUntilDone, ProviderError, settle, type Transport } from '../engine';
import type { JobRef, JobRequest, JobState, JobStatus, PriceQuote, ProviderAdapter, ProviderContext } from '../providers/types';
import { learnedDurations } from './processState';

/** The cancel request after a stop or timeout gets its own short time, not the aborted signal. */
const CANCEL_TIMEOUT_MS = 5_000;
/** Status checks in a row that may fail transiently before waiting for a job gives up. */
const MAX_TRANSIENT_CHECK_FAILURES = 3;

/** A provider connected with the execution's credential: what every call to its adapter needs. */
export interface ProviderConnection {
	adapter: ProviderAdapter;
	/** Authenticated transport bound to the execution. */
	transport: Transport;
	/** The same, detached from the execution's cancel signal: for the cancel request after a stop. */
	cleanupTransport: Transport;
	baseUrl: string;
	/** The execution's cancel signal. */
	signal: AbortSignal;
}

const TERMINAL: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);

function context(connection: ProviderConnection, deadline: number, signal = connection.signal, transport = connection.transport): ProviderContext {
	return { http: createHttpClient(transport, { signal, deadline }), baseUrl: connection.baseUrl, signal };
}

/** Submits a job. Synchronous providers answer with the images; queued ones with a request id. */
export async function submitJob(connection: ProviderConnection, request: JobRequest, deadline: number): Promise<JobState> {
	const state = await connection.adapter.submit(context(connection, deadline), request);
	return failIfTerminalError(connection, state, request.operation);
}

/** Prices a request without running it (Price Quote Only). */
export async function quoteJob(connection: ProviderConnection, request: JobRequest, deadline: number): Promise<PriceQuote> {
	if (!connection.adapter.quote) throw new ProviderError({ provider: connection.adapter.displayName, operation: request.operation, message: 'This provider has no price quotes' });
	return await connection.adapter.quote(context(connection, deadline), request);
}

function failIfTerminalError(connection: ProviderConnection, state: JobState, operation?: string): JobState {
	if (state.status === 'failed' || state.status === 'cancelled') {
		throw new ProviderError({
			provider: connection.adapter.displayName,
			operation,
			message: state.status === 'cancelled' ? 'The job was cancelled' : (state.error?.message ?? 'The job failed'),
			providerCode: state.error?.code,
			requestId: state.requestId,
			hint:
				state.error?.hint ??
				(state.status === 'cancelled'
					? 'Submit it again if you still need the images.'
					: 'Check the inputs and prompt; a failed job is normally not billed.'),
		});
	}
	return state;
}

export async function getJobState(connection: ProviderConnection, job: JobRef, deadline: number): Promise<JobState> {
	if (!connection.adapter.getState) {
		throw new ProviderError({
			provider: connection.adapter.displayName,
			message: 'This provider answers synchronously and keeps no jobs to look up',
			requestId: job.requestId,
		});
	}
	return await connection.adapter.getState(context(connection, deadline), job);
}

/** What a cancel came to; `status` only where the provider was asked (one without a cancel is not). */
interface CancelOutcome {
	status?: JobStatus;
	cancelled: boolean;
	reason?: string;
}

export async function cancelJob(connection: ProviderConnection, job: JobRef): Promise<CancelOutcome> {
	if (!connection.adapter.cancel) {
		return { cancelled: false, reason: connection.adapter.noCancelReason ?? `${connection.adapter.displayName} has no way to cancel a job` };
	}
	const signal = AbortSignal.timeout(CANCEL_TIMEOUT_MS);
	const ctx = context(connection, Date.now() + CANCEL_TIMEOUT_MS, signal, connection.cleanupTransport);
	return await connection.adapter.cancel(ctx, job);
}

/**
 * Polls until the job ends or the deadline passes. On a stop or a timeout a job still queued is
 * cancelled (it would otherwise run and bill later), and the error carries its request id.
 */
export async function waitForJob(
	connection: ProviderConnection,
	job: JobRef,
	deadline: number,
	options: {
		onTimeout?: 'error' | 'returnState';
		submittedAt?: number;
		durationKey?: string;
		/** Cancel a still-queued job when giving up: yes for a job this node submitted, no for one it only polls. */
		cancelWhenGivingUp?: boolean;
	} = {},
): Promise<JobState> {
	const onTimeout = options.onTimeout ?? 'error';
	let last: JobState | undefined;
	let transientFailures = 0;
	const polled = await settle(
		pollUntilDone(
			async () => {
				const checked = await settle(getJobState(connection, job, deadline));
				if (!checked.ok) {
					// A check that failed in a way that may pass (a truncated body, an outage that outlasted
					// the client's retries) is not the job's end: check again on the schedule, a few times.
					const error = checked.error;
					if (!(error instanceof ProviderError && error.retryable) || ++transientFailures > MAX_TRANSIENT_CHECK_FAILURES) throw error;
					const pending: JobState = last ?? { requestId: job.requestId, status: 'submitted' };
					return { done: false, value: pending, queuePosition: pending.queuePosition };
				}
				transientFailures = 0;
				last = checked.value;
				return {
					done: TERMINAL.has(last.status),
					failed: last.status !== 'completed',
					value: last,
					queuePosition: last.queuePosition,
				};
			},
			{
				signal: connection.signal,
				deadline,
				startedAt: options.submittedAt,
				// Jobs of the same kind take similar times: polling densely when recent ones finished
				// finds the result quickly without many requests.
				durations: options.durationKey ? { tracker: learnedDurations, key: options.durationKey } : undefined,
			},
		),
	);
	if (polled.ok) return failIfTerminalError(connection, polled.value, job.operation);
	const timedOut = polled.error instanceof PollTimeoutError;
	if (!timedOut && !isAbortError(polled.error)) throw polled.error;
	if (timedOut && onTimeout === 'returnState' && last) return last;
	const stillQueued = !last || last.status === 'queued' || last.status === 'submitted';
	const cancelled = stillQueued && options.cancelWhenGivingUp && connection.adapter.cancel ? await settle(cancelJob(connection, job)) : undefined;
	const cancelNote = cancelled?.ok && cancelled.value.cancelled ? ' It was still queued and has been cancelled.' : '';
	throw new ProviderError({
		provider: connection.adapter.displayName,
		operation: job.operation,
		message: timedOut
			? `The job did not finish within the timeout (last status: ${last?.status ?? 'unknown'}).${cancelNote}`
			: `The execution was stopped while waiting for the job.${cancelNote}`,
		requestId: job.requestId,
		hint: cancelNote
			? 'Submit it again when you need it.'
			: 'The job may still finish: collect it with Ideogram Poll Result using this request ID, or raise Timeout.',
	});
}
