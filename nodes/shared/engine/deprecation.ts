/**
 * Deprecation notices from providers: an HTTP API marks an old route with a `Deprecation` header
 * (RFC 9745), points at its replacement with `Link: <…>; rel="successor-version"`, and Ideogram
 * also puts a `notice` field in the JSON body (docs/providers/ideogram.md). Any of them becomes a
 * warning naming the successor (the caller decides how often to log it); the response itself goes
 * on unchanged.
 */
import { urlForLogs, type HttpResponse, type Transport } from './http';

/** `<https://…/v2/x>; rel="successor-version", <…>; rel="deprecation"` → `https://…/v2/x`. */
function successorOf(link: string | undefined): string | undefined {
	for (const part of (link ?? '').split(/,(?=\s*<)/)) {
		const m = /^\s*<([^>]*)>(.*)$/.exec(part);
		if (m && /;\s*rel="?[^";]*\bsuccessor-version\b/i.test(m[2])) return m[1];
	}
	return undefined;
}

function noticeOf(response: HttpResponse): string | undefined {
	// Only small JSON bodies that mention the field are parsed; images and the rest are skipped.
	if (response.body.length > 1024 * 1024 || !/json/i.test(response.headers['content-type'] ?? '')) return undefined;
	if (response.body.indexOf('"notice"') < 0) return undefined;
	try {
		const json: unknown = JSON.parse(response.body.toString('utf8'));
		const notice: unknown = json && typeof json === 'object' && !Array.isArray(json) ? Reflect.get(json, 'notice') : undefined;
		return typeof notice === 'string' && notice.trim() ? notice.trim() : undefined;
	} catch {
		return undefined;
	}
}

/** A deprecation notice: `key` names the route or its successor, the same for every answer from it. */
export interface DeprecationWarning {
	key: string;
	message: string;
}

/** The warning for a response, or undefined when it says nothing about deprecation. */
function deprecationWarning(method: string, url: string, response: HttpResponse): DeprecationWarning | undefined {
	const deprecation = response.headers.deprecation;
	const successor = successorOf(response.headers.link);
	const notice = noticeOf(response);
	if (!deprecation && !successor && !notice) return undefined;
	const route = urlForLogs(url);
	const since = deprecation && /^@\d+$/.test(deprecation.trim()) ? ` since ${new Date(Number(deprecation.trim().slice(1)) * 1000).toISOString().slice(0, 10)}` : '';
	const parts = [
		`${method} ${route} is ${deprecation ? `deprecated${since}` : 'an older version'}`,
		successor ? `successor: ${successor}` : undefined,
		notice ? `provider notice: ${notice}` : undefined,
	].filter(Boolean);
	return { key: successor ?? route, message: `${parts.join('; ')}. Requests still work; the node will move to the successor in an update.` };
}

/** The transport, passing each answer's deprecation warning to `warn`. */
export function withDeprecationNotices(transport: Transport, warn: (warning: DeprecationWarning) => void): Transport {
	return async (request, signal, options) => {
		const response = await transport(request, signal, options);
		const warning = deprecationWarning(request.method, request.url, response);
		if (warning) warn(warning);
		return response;
	};
}
