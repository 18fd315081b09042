/**
 * The engine's errors. Adapters build ProviderErrors; the engine throws AbortError (the execution
 * was stopped), PollTimeoutError (the job's time ran out while waiting) and DownloadError; the
 * pipeline turns all of them into n8n errors.
 */
import { fieldOf } from '../unknownValues';


/**
 * The error every provider failure becomes. It carries what a user needs to act: which provider
 * and operation, the HTTP status, the provider's own code and message, the request id (so the job
 * can be picked up with Ideogram Poll Result) and what to do next.
 */
export interface ProviderErrorDetails {
	provider: string;
	operation?: string;
	/** The provider's message, or ours when the provider gave none. */
	message: string;
	httpCode?: number;
	providerCode?: string;
	requestId?: string;
	/** What the user can do about it. */
	hint?: string;
	/** The request may have been accepted (and billed) although no answer came. */
	mayHaveRun?: boolean;
	/** Trying again later may succeed (rate limit, outage). */
	retryable?: boolean;
	/** The underlying error (redact it before showing it: it may hold request headers). */
	cause?: unknown;
}

export class ProviderError extends Error {
	readonly details: ProviderErrorDetails;

	constructor(details: ProviderErrorDetails) {
		super(describe(details), details.cause === undefined ? undefined : { cause: details.cause });
		this.name = 'ProviderError';
		this.details = details;
	}

	get provider() {
		return this.details.provider;
	}
	get operation() {
		return this.details.operation;
	}
	/** The provider's (or our) message alone, without provider, codes, request id and hint. */
	get providerMessage() {
		return this.details.message;
	}
	get httpCode() {
		return this.details.httpCode;
	}
	get providerCode() {
		return this.details.providerCode;
	}
	get requestId() {
		return this.details.requestId;
	}
	get hint() {
		return this.details.hint;
	}
	get mayHaveRun() {
		return this.details.mayHaveRun ?? false;
	}
	get retryable() {
		return this.details.retryable ?? false;
	}

	/**
	 * The user message: "RunComfy edit: <message> (HTTP 402, insufficient_funds) Request ID: … <hint>".
	 * Same as `message`, rebuilt from the current details (e.g. after they were redacted).
	 */
	describe(): string {
		return describe(this.details);
	}
}

function describe(d: ProviderErrorDetails): string {
	const where = [d.provider, d.operation].filter(Boolean).join(' ');
	const codes = [d.httpCode && `HTTP ${d.httpCode}`, d.providerCode].filter(Boolean).join(', ');
	const parts = [`${where}: ${d.message}`];
	if (codes) parts[0] += ` (${codes})`;
	if (d.requestId) parts.push(`Request ID: ${d.requestId}.`);
	if (d.hint) parts.push(d.hint);
	return parts.join(' ');
}

/**
 * The execution was stopped (or a signal given to the engine aborted). `name` is `AbortError`,
 * like the DOMException Node throws, so `isAbortError` recognises both.
 */
class AbortError extends Error {
	readonly code = 'ABORT_ERR';

	constructor(message = 'The operation was aborted because the execution was stopped', options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'AbortError';
	}
}

/** True for our AbortError, Node's DOMException AbortError and axios' CanceledError. */
export function isAbortError(error: unknown): boolean {
	if (!(error instanceof Error)) return false;
	const code = fieldOf(error, 'code');
	return error.name === 'AbortError' || error.name === 'CanceledError' || code === 'ABORT_ERR' || code === 'ERR_CANCELED';
}

/** The error to throw because `signal` aborted: its reason when that is an abort error, else a new AbortError. */
export function abortErrorFrom(signal?: AbortSignal): Error {
	const reason: unknown = signal?.reason;
	if (reason instanceof AbortError) return reason;
	return new AbortError(undefined, reason === undefined ? undefined : { cause: reason });
}

export function throwIfAborted(signal?: AbortSignal): void {
	if (signal?.aborted) throw abortErrorFrom(signal);
}

/** The deadline passed while waiting for a job. Carries the last value the check returned. */
export class PollTimeoutError<T = unknown> extends Error {
	constructor(
		/** What the last check returned (undefined when no check answered before the deadline). */
		readonly lastValue: T | undefined,
		readonly elapsedMs: number,
		/** Checks made. */
		readonly polls: number,
	) {
		super(`The job did not finish within the time limit (waited ${Math.round(elapsedMs / 1000)} s, ${polls} status checks)`);
		this.name = 'PollTimeoutError';
	}
}

interface DownloadErrorDetails {
	/** The URL with its query string (signatures) removed. */
	url: string;
	/** The link answered 403, 404 or 410: it has expired or was removed. */
	expired?: boolean;
	httpCode?: number;
	/** Network error code (ETIMEDOUT …) when no answer came. */
	code?: string;
	/** What to do. */
	hint?: string;
	cause?: unknown;
}

/** A result (or input) image could not be downloaded; `message` says why and what to do. */
export class DownloadError extends Error {
	readonly url: string;
	readonly expired: boolean;
	readonly httpCode?: number;
	readonly code?: string;
	readonly hint?: string;

	constructor(message: string, details: DownloadErrorDetails) {
		super(details.hint ? `${message} ${details.hint}` : message, details.cause === undefined ? undefined : { cause: details.cause });
		this.name = 'DownloadError';
		this.url = details.url;
		this.expired = details.expired ?? false;
		this.httpCode = details.httpCode;
		this.code = details.code;
		this.hint = details.hint;
	}
}
