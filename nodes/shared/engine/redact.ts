/**
 * Masks credentials in anything that may reach a user, a log or an output item: the known secret
 * values themselves, and the values of credential headers and fields wherever they appear.
 */

export const REDACTED = '[REDACTED]';

/** Keys whose values are credentials, in objects and in `key: value` / `key=value` text. */
const SECRET_KEY = /^(?:authorization|proxy-authorization|api[-_]?key|x-api-key|apikey|access[-_]?token|secret|password|client[-_]?secret)$/i;

type Replacer = (match: string, ...groups: string[]) => string;

const TEXT_PATTERNS: ReadonlyArray<[RegExp, Replacer]> = [
	// Authorization: Bearer xxx / "authorization":"Basic xxx" / Authorization=xxx
	[
		/((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(bearer|basic|token)\s+)?[^\s"',;}&]+/gi,
		(_, key: string, scheme?: string) => `${key}${scheme ? `${scheme} ` : ''}${REDACTED}`,
	],
	// Api-Key: xxx, x-api-key=xxx, "apiKey":"xxx", api_key=xxx, access_token=xxx
	[/((?:x-)?api[-_]?key["']?\s*[:=]\s*["']?)[^\s"',;}&]+/gi, (_, key: string) => `${key}${REDACTED}`],
	[/(access[-_]?token["']?\s*[:=]\s*["']?)[^\s"',;}&]+/gi, (_, key: string) => `${key}${REDACTED}`],
	// A bearer token anywhere else.
	[/(\bbearer\s+)(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}/gi, (_, key: string) => `${key}${REDACTED}`],
];

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Secrets worth looking for: non-empty, at least 4 characters (shorter would mask ordinary text). */
function usable(secrets: ReadonlyArray<string | undefined | null>): string[] {
	return [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.trim().length >= 4))].sort(
		(a, b) => b.length - a.length,
	);
}

/** `text` with each secret value and each credential header/field value replaced by [REDACTED]. */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined | null> = []): string {
	let out = text;
	for (const secret of usable(secrets)) {
		out = out.replace(new RegExp(escapeRegExp(secret), 'g'), REDACTED);
		// URL-encoded copies (a key in a query string or a form body).
		const encoded = encodeURIComponent(secret);
		if (encoded !== secret) out = out.replace(new RegExp(escapeRegExp(encoded), 'g'), REDACTED);
	}
	for (const [pattern, replacer] of TEXT_PATTERNS) out = out.replace(pattern, replacer);
	return out;
}

const MAX_DEPTH = 12;

/**
 * A redacted copy of `value`: strings are redacted, values under credential keys (authorization,
 * api-key, apiKey …) are replaced, arrays and plain objects are copied. Errors are redacted in
 * place, so their class, `instanceof` and stack survive: message, stack, own enumerable fields
 * and the `cause` chain. Buffers and other binary values are kept as they are.
 */
export function redactDeep<T>(value: T, secrets: ReadonlyArray<string | undefined | null> = []): T {
	const list = usable(secrets);
	const seen = new WeakMap<object, unknown>();

	const walk = (v: unknown, depth: number): unknown => {
		if (typeof v === 'string') return redactSecrets(v, list);
		if (typeof v !== 'object' || v === null) return v;
		if (Buffer.isBuffer(v) || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
		if (seen.has(v)) return seen.get(v);
		if (depth > MAX_DEPTH) return v instanceof Error ? v : '[…]';

		if (v instanceof Error) {
			seen.set(v, v);
			redactErrorInPlace(v, depth);
			return v;
		}
		if (Array.isArray(v)) {
			const copy: unknown[] = [];
			seen.set(v, copy);
			for (const item of v) copy.push(walk(item, depth + 1));
			return copy;
		}
		if (v instanceof Date || v instanceof RegExp) return v;
		const copy: Record<string, unknown> = {};
		seen.set(v, copy);
		const entries = isHeadersLike(v) ? Object.entries(headersToObject(v)) : Object.entries(v as Record<string, unknown>);
		for (const [key, field] of entries) {
			copy[key] = SECRET_KEY.test(key) && field !== undefined && field !== null && field !== '' ? REDACTED : walk(field, depth + 1);
		}
		return copy;
	};

	const redactErrorInPlace = (error: Error, depth: number) => {
		const set = (key: string, next: unknown) => {
			try {
				Object.defineProperty(error, key, { value: next, writable: true, configurable: true, enumerable: Object.prototype.propertyIsEnumerable.call(error, key) });
			} catch {
				// A frozen or non-configurable field: leave it.
			}
		};
		set('message', redactSecrets(error.message, list));
		if (typeof error.stack === 'string') set('stack', redactSecrets(error.stack, list));
		for (const key of Object.keys(error)) {
			const field = (error as unknown as Record<string, unknown>)[key];
			if (SECRET_KEY.test(key)) set(key, REDACTED);
			else set(key, walk(field, depth + 1));
		}
		const cause = (error as { cause?: unknown }).cause;
		if (cause !== undefined) set('cause', walk(cause, depth + 1));
	};

	return walk(value, 0) as T;
}

/** Fetch `Headers` and axios' `AxiosHeaders` carry their entries behind methods. */
function isHeadersLike(v: object): boolean {
	return typeof (v as { forEach?: unknown }).forEach === 'function' && typeof (v as { get?: unknown }).get === 'function' && !Array.isArray(v) && !(v instanceof Map);
}

function headersToObject(v: object): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	(v as { forEach(cb: (value: unknown, key: string) => void): void }).forEach((value, key) => {
		out[key] = value;
	});
	return out;
}
