/**
 * Reading a provider's answer: the body as text and JSON, parsed with a zod schema, and any
 * mismatch described in words (which field, what was expected) as an unexpectedResponse.
 * Nothing here knows a provider's field names; the adapters do.
 */
import type { z } from 'zod';
import { redactSecrets, type HttpResponse } from '../engine';
import { isRecord } from '../unknownValues';
import { unexpectedResponse, type Where } from './providerErrors';

export function isSuccess(status: number): boolean {
	return status >= 200 && status < 300;
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

/** `['data', 0, 'status']` → `data[0].status`. */
function formatPath(path: ReadonlyArray<string | number>): string {
	return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${key}` : key), '');
}

function typeName(received: string): string {
	return received === 'integer' ? 'an integer' : /^[aeiou]/.test(received) ? `an ${received}` : `a ${received}`;
}

/** One zod issue in words: "field `status` is missing", "field `data` should be an array, got object". */
function describeIssue(issue: z.ZodIssue): string {
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
