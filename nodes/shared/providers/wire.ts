/**
 * Helpers every adapter uses to talk to its provider: URLs, image references, reading JSON
 * bodies with zod, and turning what went wrong into a ProviderError a user can act on.
 * Nothing here knows a provider's field names; the adapters do.
 */
import type { z } from 'zod';
import { Base64Text, ProviderError, redactSecrets, type HttpResponse, type ProviderErrorDetails } from '../engine';
import { isRecord } from '../unknownValues';
import type { ImageInput } from './types';

/** `https://host/` + `/v1/x` → `https://host/v1/x`, whatever slashes either side has. */
export function joinUrl(baseUrl: string, path: string): string {
	return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * The image as a base64 data URI. A Base64Text, not a string: JSON.stringify renders it as the
 * data URI, and the transport writes its base64 straight into the request body, so no full-size
 * string of the image is ever built.
 */
export function dataUri(image: ImageInput): Base64Text {
	return new Base64Text(`data:${image.mimeType};base64,`, image.data);
}

/**
 * How a JSON provider receives an image: its public URL when the user gave one and the bytes are
 * still the original (ImageInput.url is dropped when the image was converted), else a data URI.
 */
export function imageRef(image: ImageInput): string | Base64Text {
	return image.url && /^https?:\/\//i.test(image.url) ? image.url : dataUri(image);
}

export function isDataUri(ref: string | Base64Text): boolean {
	return (ref instanceof Base64Text ? ref.prefix : ref).startsWith('data:');
}

export function isSuccess(status: number): boolean {
	return status >= 200 && status < 300;
}

/** Where an answer came from, for messages: `GET /v1/requests/{id}/status` (the id goes in requestId). */
export interface Where {
	provider: string;
	operation?: string;
	endpoint: string;
	requestId?: string;
}

export interface Body {
	text: string;
	/** The parsed JSON, or undefined when the body is empty or not JSON. */
	json: unknown;
}

export function readBody(response: HttpResponse): Body {
	const text = response.body.toString('utf8');
	if (!text.trim()) return { text, json: undefined };
	try {
		const json: unknown = JSON.parse(text);
		return { text, json };
	} catch {
		return { text, json: undefined };
	}
}

/** A short, single-line, redacted quote of a body for an error message. */
export function snippet(text: string, max = 200): string {
	const flat = redactSecrets(text.replace(/\s+/g, ' ').trim());
	return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export { isRecord };

/** A string field of a body, or a JSON rendering of a non-string one (`detail` can be either). */
export function textOf(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (isRecord(value) && typeof value.message === 'string' && value.message) return value.message;
	try {
		return JSON.stringify(value);
	} catch {
		return undefined;
	}
}

const UNEXPECTED_HINT =
	"The provider's API may have changed. If this persists, report it together with this message.";

/** The error for a body we cannot read: it names provider, endpoint and what was wrong. */
export function unexpectedResponse(where: Where, httpCode: number, problem: string, retryable = false): ProviderError {
	return new ProviderError({
		provider: where.provider,
		operation: where.operation,
		httpCode,
		requestId: where.requestId,
		message: `${where.provider} returned an unexpected response from ${where.endpoint}: ${problem}`,
		hint: UNEXPECTED_HINT,
		retryable,
	});
}

/** `['data', 0, 'status']` → `data[0].status`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
	return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${key}` : key), '');
}

function typeName(received: string): string {
	return received === 'integer' ? 'an integer' : /^[aeiou]/.test(received) ? `an ${received}` : `a ${received}`;
}

/** One zod issue in words: "field `status` is missing", "field `data` should be an array, got object". */
export function describeIssue(issue: z.ZodIssue): string {
	if (issue.code === 'invalid_union' && issue.unionErrors.length > 0) {
		// The alternative that got furthest into the body is the most telling one.
		const deepest = issue.unionErrors
			.flatMap((e) => e.issues)
			.sort((a, b) => b.path.length - a.path.length)[0];
		if (deepest) return describeIssue(deepest);
	}
	const path = formatPath(issue.path);
	const subject = path ? `field \`${path}\`` : 'the body';
	if (issue.code === 'invalid_type') {
		if (issue.received === 'undefined') return `${subject} is missing`;
		if (issue.received === 'null') return `${subject} is null`;
		return `${subject} should be ${typeName(issue.expected)}, got ${issue.received}`;
	}
	if (issue.code === 'invalid_enum_value') {
		return `${subject} is ${JSON.stringify(issue.received)}, expected one of ${issue.options.join(', ')}`;
	}
	return `${subject}: ${issue.message}`;
}

/** Parses a body with zod; any mismatch becomes a ProviderError naming provider, endpoint and field. */
export function parseWith<S extends z.ZodTypeAny>(
	schema: S,
	body: Body,
	where: Where,
	httpCode: number,
): z.output<S> {
	if (body.json === undefined) {
		const problem = body.text.trim() ? `the body is not JSON: ${snippet(body.text)}` : 'the body is empty';
		// A truncated or empty body is most often a glitch on the way (proxy, dropped connection):
		// reading it again may work, so waiting for a job does not give up on it at once.
		throw unexpectedResponse(where, httpCode, problem, true);
	}
	const result = schema.safeParse(body.json);
	if (!result.success) throw unexpectedResponse(where, httpCode, describeIssue(result.error.issues[0]));
	return result.data;
}

/** Common advice per HTTP status; adapters add their provider's own. */
export function statusHint(status: number, credentialName: string): string | undefined {
	if (status === 400) return 'The provider refused the request as invalid: check the options and inputs the message names, then run again.';
	if (status === 401 || status === 403) return `Check the API key in the ${credentialName} credential.`;
	if (status === 402) return 'Your balance with the provider is used up: top it up, then run the workflow again.';
	if (status === 408 || status === 504) return 'The provider timed out: retry later.';
	if (status === 413) return 'The request is too large: use a smaller image.';
	if (status === 422)
		return 'The provider refused the request, most often its safety check on the prompt or an image: change the prompt or the image.';
	if (status === 429) return 'Too many requests at once: lower Concurrency (in Options) or retry later.';
	if (status >= 500) return 'The provider had a temporary problem: retry later.';
	return undefined;
}

/**
 * "Check the option "Rendering Speed" (rendering_speed)." when a provider message names one of
 * the fields we send. `labels` maps wire names to the option labels users see.
 */
export function parameterHint(text: string | undefined, labels: Readonly<Record<string, string>>): string | undefined {
	if (!text) return undefined;
	const names = Object.keys(labels).sort((a, b) => b.length - a.length);
	for (const name of names) {
		const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		if (new RegExp(`(^|[^A-Za-z0-9_])${escaped}($|[^A-Za-z0-9_])`).test(text)) {
			return `Check the option “${labels[name]}” (${name}).`;
		}
	}
	return undefined;
}

export function providerError(details: ProviderErrorDetails): ProviderError {
	return new ProviderError({ ...details, message: redactSecrets(details.message) });
}
