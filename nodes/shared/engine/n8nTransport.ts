/**
 * The production Transport: one request through n8n's own helpers, so n8n applies the
 * credential (httpRequestWithAuthentication), its proxy and SSRF settings.
 *
 * Facts about n8n-core 2.41 this relies on:
 * - httpRequestWithAuthentication replaces `abortSignal` with the execution's cancel signal
 *   (when `'getExecutionCancelSignal' in this`) and wraps every thrown error in a NodeApiError
 *   whose `cause` is the axios error. So the per-attempt timeout and our own signal are enforced
 *   by racing the request (plus axios' `timeout`), and network codes are read from the cause chain.
 * - A `detached` transport calls it with a `this` that hides getExecutionCancelSignal, so the
 *   cancel request sent after the execution stopped is not aborted before it leaves.
 * - helpers.httpRequest (no credential: downloads) honours `abortSignal` as given.
 */
import { fieldOf, isRecord } from '../unknownValues';

import type { Readable } from 'node:stream';

import type FormData from 'form-data';

import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { raceAbort, settle } from './waiting';
import { abortErrorFrom, isAbortError, throwIfAborted } from './errors';
import { jsonBody } from './jsonBody';
import { MultipartForm } from './multipart';
import { NETWORK_ERRORS, TransportError, urlForLogs, type HttpRequest, type HttpResponse, type Transport, type TransportOptions } from './http';

interface N8nTransportOptions {
	/**
	 * Not tied to the execution's cancel signal: for the cancel request sent after a stop. Give
	 * such requests their own short deadline (createHttpClient's `deadline`/`timeoutMs`).
	 */
	detached?: boolean;
	/**
	 * Follow HTTP redirects. Default: off with a credential (a redirect elsewhere must not carry
	 * the API key; the adapter sees the 3xx), on without one (image hosts redirect to CDNs).
	 */
	followRedirects?: boolean;
}

/** The error and its `cause` chain, outermost first. */
function chain(error: unknown): object[] {
	const out: object[] = [];
	let current: unknown = error;
	while (typeof current === 'object' && current !== null && !out.includes(current) && out.length < 10) {
		out.push(current);
		current = fieldOf(current, 'cause');
	}
	return out;
}

function stringField(value: unknown, key: string): string | undefined {
	const field = fieldOf(value, key);
	return typeof field === 'string' ? field : undefined;
}

/**
 * A TransportError for a network failure somewhere in `error`'s cause chain, or undefined when
 * the error is something else (missing credential, SSRF block …), which is thrown as it is.
 */
function toTransportError(error: unknown, request: Pick<HttpRequest, 'method' | 'url'>): TransportError | undefined {
	const links = chain(error);
	const what = `${request.method} ${urlForLogs(request.url)}`;
	for (const link of links) {
		const code = stringField(link, 'code');
		const message = stringField(link, 'message') ?? '';
		const known = code ? NETWORK_ERRORS[code] : undefined;
		if (code && known) return new TransportError(`${what} failed: ${message || code}`, code, known.sent);
		if (/socket hang up/i.test(message)) return new TransportError(`${what} failed: ${message}`, 'ECONNRESET', true);
		if (/timeout of \d+ms exceeded/i.test(message)) return new TransportError(`${what} failed: ${message}`, 'ETIMEDOUT', true);
	}
	const axios = links.find((l) => fieldOf(l, 'isAxiosError') === true && !fieldOf(l, 'response'));
	if (axios) {
		return new TransportError(`${what} failed: ${stringField(axios, 'message') ?? 'network error'}`, stringField(axios, 'code') ?? 'ENETWORK', true);
	}
	return undefined;
}

/**
 * A `this` for httpRequestWithAuthentication that does not offer the execution's cancel signal:
 * n8n aborts every request of a stopped execution, the cancel of its queued job included
 * (docs/n8n.md, "The cancel signal and the detached transport").
 */
function detachedThis(ctx: IExecuteFunctions): IExecuteFunctions {
	return new Proxy(ctx, {
		has: (target, key) => key !== 'getExecutionCancelSignal' && Reflect.has(target, key),
		get: (target, key) => {
			const value: unknown = Reflect.get(target, key, target);
			return typeof value === 'function' ? value.bind(target) : value;
		},
	});
}

function normaliseHeaders(raw: unknown): Record<string, string> {
	// axios' AxiosHeaders give their plain form through toJSON().
	const toJSON = fieldOf(raw, 'toJSON');
	const plain: unknown = typeof toJSON === 'function' ? toJSON.call(raw) : raw;
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(isRecord(plain) ? plain : {})) {
		if (value === undefined || value === null || typeof value === 'function') continue;
		out[key.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
	}
	return out;
}

/** JSON bodies from this size on are streamed (see buildRequestOptions). */
const STREAM_BODY_FROM_BYTES = 1024 * 1024;

type ReadableLike = AsyncIterable<unknown> & { destroy?: (error?: Error) => void };

function isReadable(value: unknown): value is ReadableLike {
	return typeof value === 'object' && value !== null && typeof fieldOf(value, 'pipe') === 'function' && Symbol.asyncIterator in value;
}

function tooLarge(request: HttpRequest, maxBytes: number): TransportError {
	return new TransportError(`${request.method} ${urlForLogs(request.url)}: the response is larger than ${maxBytes} bytes`, 'ERESPONSETOOLARGE', false);
}

/**
 * Reads a response stream into one Buffer, stopping at `maxBytes` (an error) or `firstBytes` (the
 * start of the body). With the length announced (Content-Length of an uncompressed body) the
 * bytes go straight into a Buffer of that size, so a large image is not held twice (chunks +
 * their concatenation) at the end of its download.
 */
async function readCapped(stream: ReadableLike, limits: TransportOptions, request: HttpRequest, signal: AbortSignal, announced?: number): Promise<Buffer> {
	const { maxBytes, firstBytes } = limits;
	const chunks: Buffer[] = [];
	let whole =
		announced !== undefined && firstBytes === undefined && (maxBytes === undefined || announced <= maxBytes) ? Buffer.allocUnsafe(announced) : undefined;
	let total = 0;
	const onAbort = () => stream.destroy?.();
	signal.addEventListener('abort', onAbort, { once: true });
	try {
		const read = (async () => {
			for await (const chunk of stream) {
				const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
				if (maxBytes !== undefined && total + buffer.length > maxBytes) {
					stream.destroy?.();
					throw tooLarge(request, maxBytes);
				}
				if (whole && total + buffer.length <= whole.length) {
					buffer.copy(whole, total);
				} else {
					// More than announced (a compressed body, decoded): collect the chunks instead.
					if (whole) chunks.push(whole.subarray(0, total));
					whole = undefined;
					chunks.push(buffer);
				}
				total += buffer.length;
				if (firstBytes !== undefined && total >= firstBytes) {
					stream.destroy?.();
					break;
				}
			}
			return whole ? whole.subarray(0, total) : Buffer.concat(chunks);
		})();
		return await raceAbort(read, signal);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

async function toBuffer(body: unknown, limits: TransportOptions, request: HttpRequest, signal: AbortSignal, announced?: number): Promise<Buffer> {
	const { maxBytes } = limits;
	let buffer: Buffer;
	if (body === undefined || body === null) buffer = Buffer.alloc(0);
	else if (Buffer.isBuffer(body)) buffer = body;
	else if (body instanceof ArrayBuffer) buffer = Buffer.from(new Uint8Array(body));
	else if (ArrayBuffer.isView(body)) buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	else if (typeof body === 'string') buffer = Buffer.from(body, 'utf8');
	else if (isReadable(body)) return await readCapped(body, limits, request, signal, announced);
	else buffer = Buffer.from(JSON.stringify(body), 'utf8');
	if (maxBytes !== undefined && buffer.length > maxBytes) throw tooLarge(request, maxBytes);
	return buffer;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
	return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function buildRequestOptions(request: HttpRequest, signal: AbortSignal, stream: boolean, followRedirects: boolean): IHttpRequestOptions {
	let headers: Record<string, string> = { ...request.headers };
	let body: Buffer | Readable | FormData | undefined;
	if (Buffer.isBuffer(request.body)) {
		body = request.body;
	} else if (request.body instanceof MultipartForm) {
		// n8n's helper sends a form-data body as the stream it is (docs/n8n.md): a new one per
		// attempt, its files streamed as the Buffers they are. Its own headers carry the boundary.
		const form = request.body.toFormData();
		const others = Object.entries(headers).filter(([key]) => !['content-type', 'content-length'].includes(key.toLowerCase()));
		headers = { ...Object.fromEntries(others), ...form.getHeaders(), 'content-length': String(form.getLengthSync()) };
		body = form;
	} else if (request.body !== undefined) {
		// The bytes JSON.stringify would give, without full-size strings of large base64 values
		// (Base64Text) and with nothing for axios to convert. A large body (an inline image) is
		// encoded while it is sent instead of being held whole next to the image it carries.
		const json = jsonBody(request.body);
		if (json.length >= STREAM_BODY_FROM_BYTES) {
			body = json.toStream();
			headers['content-length'] = String(json.length);
		} else {
			body = json.toBuffer();
		}
		if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
	}
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		headers,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		encoding: stream ? 'stream' : 'arraybuffer',
		json: false,
		abortSignal: signal,
		sendCredentialsOnCrossOriginRedirect: false,
	};
	if (body !== undefined) options.body = body;
	if (request.timeoutMs !== undefined) options.timeout = Math.max(1, Math.ceil(request.timeoutMs));
	if (!followRedirects) options.disableFollowRedirect = true;
	return options;
}

/**
 * The production Transport. With `credentialType`, n8n applies that credential to each request
 * (provider API calls); without, no credential is sent (image downloads).
 */
export function createN8nTransport(ctx: IExecuteFunctions, credentialType?: string, options: N8nTransportOptions = {}): Transport {
	const followRedirects = options.followRedirects ?? credentialType === undefined;
	const self = options.detached ? detachedThis(ctx) : ctx;

	return async (request: HttpRequest, signal: AbortSignal, transportOptions?: TransportOptions): Promise<HttpResponse> => {
		throwIfAborted(signal);
		const limits = transportOptions ?? {};
		const stream = limits.maxBytes !== undefined || limits.firstBytes !== undefined;
		const requestOptions = buildRequestOptions(request, signal, stream, followRedirects);
		const pending: Promise<unknown> = credentialType
			? ctx.helpers.httpRequestWithAuthentication.call(self, credentialType, requestOptions)
			: ctx.helpers.httpRequest(requestOptions);

		const sent = await settle(raceAbort(pending, signal));
		if (!sent.ok) {
			if (signal.aborted) throw abortErrorFrom(signal);
			// The execution's own cancel signal (httpRequestWithAuthentication puts it on the request).
			if (chain(sent.error).some((link) => isAbortError(link))) throw abortErrorFrom(signal);
			throw toTransportError(sent.error, request) ?? sent.error;
		}
		const raw = { body: fieldOf(sent.value, 'body'), headers: fieldOf(sent.value, 'headers'), statusCode: fieldOf(sent.value, 'statusCode'), status: fieldOf(sent.value, 'status') };

		const status = Number(raw?.statusCode ?? raw?.status);
		if (!Number.isInteger(status)) {
			throw new TransportError(`${request.method} ${urlForLogs(request.url)}: n8n returned no HTTP status`, 'EBADRESPONSE', true);
		}
		const headers = normaliseHeaders(raw.headers);
		const length = Number(headers['content-length']);
		const announced = Number.isSafeInteger(length) && length >= 0 && !headers['content-encoding'] ? length : undefined;
		const body = await settle(toBuffer(raw.body, limits, request, signal, announced));
		if (body.ok) return { status, headers, body: body.value };
		if (body.error instanceof TransportError) throw body.error;
		if (signal.aborted) throw abortErrorFrom(signal);
		throw toTransportError(body.error, request) ?? body.error;
	};
}
