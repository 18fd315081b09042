/**
 * Masks credentials in anything that may reach a user, a log or an output item: the known secret
 * values themselves, and the values of credential headers and fields wherever they appear.
 */

const REDACTED = '[REDACTED]';

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

