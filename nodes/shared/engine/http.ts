/**
 * The HTTP contract between adapters and the engine. Adapters build `HttpRequest`s and read
 * `HttpResponse`s; the engine decides how to retry them (see retry.ts) and the n8n transport
 * (n8nTransport.ts) sends them through n8n's own request helpers. Also what every caller reads the
 * same way in a request or an answer: a URL as messages show it, the network error codes, a
 * provider's deprecation notice.
 */
import type { MultipartForm } from './multipart';

export interface HttpRequest {
	method: 'GET' | 'POST' | 'PUT';
	url: string;
	headers?: Record<string, string>;
	/**
	 * A plain object or array is sent as JSON; a Buffer as is; a MultipartForm as a form-data body
	 * built afresh for each attempt, with its own Content-Type (boundary) and Content-Length.
	 */
	body?: Buffer | MultipartForm | Record<string, unknown> | unknown[];
	/** Per-attempt timeout. The engine lowers it to what is left of the job's deadline. */
	timeoutMs?: number;
	/** What the adapter reads in an answer about retrying it (the engine reads no bodies). */
	retryRule?: RetryRule;
}

/**
 * An adapter's reading of one answer, where the status alone says too little (a reason or an
 * error code in the body): `retry` sends it again within the usual attempts (only for a request
 * whose re-send cannot create a second paid job); `wait` when a limit that clears by itself was
 * reached (the request did not run): sent again, honouring Retry-After, until the deadline and
 * past the usual number of attempts; `stop` when retrying cannot help; undefined keeps the rules
 * of the request's kind.
 */
export type RetryRule = (response: HttpResponse) => 'retry' | 'wait' | 'stop' | undefined;

export interface HttpResponse {
	status: number;
	/** Header names in lower case. */
	headers: Record<string, string>;
	body: Buffer;
}

/**
 * How a request may be retried after a failure:
 * - `read`: no side effects (status, result, download); retried on 408/429/5xx and any network error.
 * - `submit`: creates paid work; retried only when the provider certainly did not accept it
 *   (a 408/429/500/502/503 answer, or a connection that never opened). A failure after the body
 *   was sent (reset, timeout, 504) is not retried: it throws a TransportError with `mayHaveRun`.
 * - `submitIdempotent`: creates paid work under a client-chosen id (Runware taskUUID), so a
 *   re-send cannot create a second job; retried like `read`.
 */
export type RequestKind = 'read' | 'submit' | 'submitIdempotent';

/** A request that got no HTTP answer after the allowed attempts. */
export class TransportError extends Error {
	constructor(
		message: string,
		/**
		 * Node's error code (ECONNRESET, ETIMEDOUT, ECONNREFUSED …); `HTTP_504` (etc.) for a `submit`
		 * answered by a gateway timeout; `ERESPONSETOOLARGE` when a `maxBytes` cap was passed.
		 */
		readonly code: string,
		/** True when the request body may have reached the provider (so paid work may exist). */
		readonly mayHaveRun: boolean,
		/** The HTTP status when an answer did come but says nothing about the job (a `submit`'s 504). */
		readonly httpStatus?: number,
	) {
		super(message);
		this.name = 'TransportError';
	}
}

/** Hints a transport may honour for one request. */
export interface TransportOptions {
	/** Stop reading (and throw TransportError `ERESPONSETOOLARGE`) once the body passes this size. */
	maxBytes?: number;
	/**
	 * Read only the start of the body: once this many bytes have come, close the connection and
	 * answer with them (the headers, Content-Length among them, still describe the whole body).
	 */
	firstBytes?: number;
}

/**
 * Sends one request, once: no retries (retry.ts adds them). Resolves with the response for every
 * HTTP status. Throws a TransportError when no answer came (`mayHaveRun` false only when the
 * request certainly never left, e.g. ECONNREFUSED, ENOTFOUND), and an AbortError when `signal`
 * aborted. `request.timeoutMs` is the time this attempt may take.
 */
export type Transport = (request: HttpRequest, signal: AbortSignal, options?: TransportOptions) => Promise<HttpResponse>;

export interface HttpClient {
	/**
	 * Sends a request to the provider with its credential applied, retrying per `kind`.
	 * Resolves with the last response for every HTTP status (the adapter reads error bodies);
	 * throws TransportError when no answer came, and an abort error when the execution stopped.
	 */
	send(request: HttpRequest, kind: RequestKind): Promise<HttpResponse>;
}

/**
 * A URL as errors and logs show it: origin and path, without the query and fragment (they often
 * carry signatures or keys).
 */
export function urlForLogs(url: string): string {
	try {
		const u = new URL(url);
		return `${u.origin}${u.pathname}`;
	} catch {
		return url.replace(/[?#].*$/, '');
	}
}

/**
 * The network error codes the engine knows, each once: whether the request may have reached the
 * server when it failed (`sent`: so paid work may exist), and whether a retry can change the
 * outcome (`permanent`: a bad URL or certificate, a redirect loop, a body over its cap).
 */
export const NETWORK_ERRORS: Readonly<Record<string, { sent: boolean; permanent?: true }>> = {
	ECONNREFUSED: { sent: false },
	ENOTFOUND: { sent: false },
	EAI_AGAIN: { sent: false },
	EAI_FAIL: { sent: false },
	EHOSTUNREACH: { sent: false },
	ENETUNREACH: { sent: false },
	ENETDOWN: { sent: false },
	EADDRNOTAVAIL: { sent: false },
	UND_ERR_CONNECT_TIMEOUT: { sent: false },
	ERR_INVALID_URL: { sent: false, permanent: true },
	CERT_HAS_EXPIRED: { sent: false, permanent: true },
	DEPTH_ZERO_SELF_SIGNED_CERT: { sent: false, permanent: true },
	SELF_SIGNED_CERT_IN_CHAIN: { sent: false, permanent: true },
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: { sent: false, permanent: true },
	ERR_TLS_CERT_ALTNAME_INVALID: { sent: false, permanent: true },
	ECONNRESET: { sent: true },
	ETIMEDOUT: { sent: true },
	ECONNABORTED: { sent: true },
	EPIPE: { sent: true },
	EPROTO: { sent: true },
	ESOCKETTIMEDOUT: { sent: true },
	UND_ERR_SOCKET: { sent: true },
	UND_ERR_HEADERS_TIMEOUT: { sent: true },
	UND_ERR_BODY_TIMEOUT: { sent: true },
	ERR_STREAM_PREMATURE_CLOSE: { sent: true },
	ERR_FR_TOO_MANY_REDIRECTS: { sent: true, permanent: true },
	ERR_NETWORK: { sent: true },
	// The transport's own: a body past its `maxBytes` cap (the request was answered).
	ERESPONSETOOLARGE: { sent: false, permanent: true },
};

// ───────────── deprecation notices ─────────────

/*
 * Deprecation notices from providers: an HTTP API marks an old route with a `Deprecation` header
 * (RFC 9745), points at its replacement with `Link: <…>; rel="successor-version"`, and Ideogram
 * also puts a `notice` field in the JSON body (docs/providers/ideogram.md). Any of them becomes a
 * warning naming the successor (the caller decides how often to log it); the response itself goes
 * on unchanged.
 */

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
