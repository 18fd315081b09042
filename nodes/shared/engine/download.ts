/**
 * Downloads an image by URL through an UNauthenticated transport: no provider credential ever
 * goes to a download host. Retries transient failures, caps size and time, and trusts the bytes,
 * not the Content-Type header, to say what the file is.
 */
import { type Clock, settle, systemClock } from './waiting';
import { DownloadError, isAbortError } from './errors';
import { TransportError, urlForLogs, type Transport, type TransportOptions } from './http';
import { createHttpClient } from './retry';

interface DownloadOptions {
	/** Largest accepted body, in bytes. */
	maxBytes: number;
	/** Time for the whole download, retries included. */
	timeoutMs: number;
	signal: AbortSignal;
	clock?: Clock;
	/** Attempts, the first included. Default 3. */
	maxAttempts?: number;
	/** Backoff before the 2nd attempt (doubles). Default 500. */
	baseDelayMs?: number;
}

interface DownloadedImage {
	data: Buffer;
	mimeType: string;
	fileExtension: string;
}

interface ImageType {
	mimeType: string;
	fileExtension: string;
}

/** What the bytes are, from their magic numbers: PNG, JPEG or WebP; undefined otherwise. */
function sniffImageType(data: Buffer): ImageType | undefined {
	if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
		return { mimeType: 'image/png', fileExtension: 'png' };
	}
	if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) {
		return { mimeType: 'image/jpeg', fileExtension: 'jpg' };
	}
	if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') {
		return { mimeType: 'image/webp', fileExtension: 'webp' };
	}
	return undefined;
}

const EXPIRED_HINT =
	'Result links are temporary: download the images as soon as the job completes (keep image download on), or get fresh links by fetching the job result again or running the job again.';

function formatBytes(n: number): string {
	return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

function describeContent(body: Buffer, contentType: string | undefined): string {
	const head = body.subarray(0, 64).toString('utf8').replace(/\s+/g, ' ').trim();
	const printable = /^[\x20-\x7e]*$/.test(head) && head.length > 0;
	return `${contentType ? `Content-Type ${contentType}` : 'no Content-Type'}${printable ? `, starting "${head.slice(0, 40)}"` : ''}`;
}

/** The error for a download that got no usable answer (abort errors and unknown errors pass through). */
function failedDownload(error: unknown, shown: string, opts: DownloadOptions): unknown {
	if (isAbortError(error) || !(error instanceof TransportError)) return error;
	if (error.code === 'ERESPONSETOOLARGE') {
		return new DownloadError(`The image at ${shown} is larger than the ${formatBytes(opts.maxBytes)} limit.`, { url: shown, code: error.code });
	}
	const timedOut = error.code === 'ETIMEDOUT' || error.code === 'ECONNABORTED';
	return new DownloadError(
		timedOut
			? `Downloading ${shown} did not finish within ${Math.round(opts.timeoutMs / 1000)} s.`
			: `Downloading ${shown} failed: no answer from the server (${error.code}).`,
		{ url: shown, code: error.code, hint: 'Check that the host is reachable from n8n, then try again.', cause: error },
	);
}

export async function downloadImage(transport: Transport, url: string, opts: DownloadOptions): Promise<DownloadedImage> {
	const { body, type } = await fetchImage(transport, url, opts, { maxBytes: opts.maxBytes });
	return { data: body, ...type };
}

/** The start of an image file and the size of the whole, without downloading it. */
interface ImageHead extends ImageType {
	/** The first bytes of the file: enough to read its header. */
	head: Buffer;
	/** The whole file's size, from the Content-Length header. */
	bytes: number;
}

/**
 * Reads the first `headBytes` of the image at `url` and its size, then closes the connection:
 * for an image the provider fetches itself, which the node only checks (its header) and does not
 * hold. Undefined when the server does not announce the size (a chunked or compressed answer):
 * the caller then downloads it whole.
 */
export async function downloadImageHead(transport: Transport, url: string, opts: DownloadOptions & { headBytes: number }): Promise<ImageHead | undefined> {
	const { body, headers, type, shown } = await fetchImage(transport, url, opts, { firstBytes: opts.headBytes });
	const length = Number(headers['content-length']);
	if (headers['content-encoding'] || !Number.isSafeInteger(length) || length < body.length) return undefined;
	if (length > opts.maxBytes) {
		throw new DownloadError(`The image at ${shown} is larger than the ${formatBytes(opts.maxBytes)} limit (${formatBytes(length)}).`, { url: shown });
	}
	return { head: body, bytes: length, ...type };
}

/** One GET of an image without credentials: its answer, checked (status, size, the bytes' type). */
async function fetchImage(transport: Transport, url: string, opts: DownloadOptions, transportOptions: TransportOptions) {
	const shown = urlForLogs(url);
	const parsed = URL.canParse(url) ? new URL(url) : undefined;
	if (!parsed) throw new DownloadError(`"${shown}" is not a valid URL.`, { url: shown, hint: 'Give a full http(s) URL.' });
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new DownloadError(`Only http(s) URLs can be downloaded, not ${parsed.protocol}`, { url: shown, hint: 'Give a full http(s) URL.' });
	}

	const clock = opts.clock ?? systemClock;
	const client = createHttpClient(transport, {
		clock,
		signal: opts.signal,
		deadline: clock.now() + opts.timeoutMs,
		maxAttempts: opts.maxAttempts ?? 3,
		baseDelayMs: opts.baseDelayMs ?? 500,
		maxDelayMs: 5_000,
		timeoutMs: opts.timeoutMs,
		maxRetryAfterMs: opts.timeoutMs,
		transportOptions,
	});

	const sent = await settle(client.send({ method: 'GET', url, headers: { accept: 'image/png,image/jpeg,image/webp,image/*;q=0.8' } }, 'read'));
	if (!sent.ok) throw failedDownload(sent.error, shown, opts);

	const { status, headers, body } = sent.value;
	if (status === 403 || status === 404 || status === 410) {
		throw new DownloadError(`The image URL has expired or no longer exists (HTTP ${status}): ${shown}.`, {
			url: shown,
			httpCode: status,
			expired: true,
			hint: EXPIRED_HINT,
		});
	}
	if (status < 200 || status > 299) {
		throw new DownloadError(`Downloading ${shown} failed with HTTP ${status}.`, {
			url: shown,
			httpCode: status,
			hint: status >= 500 || status === 429 ? 'The image host had a temporary problem: try again later.' : undefined,
		});
	}
	if (body.length > opts.maxBytes) {
		throw new DownloadError(`The image at ${shown} is larger than the ${formatBytes(opts.maxBytes)} limit (${formatBytes(body.length)}).`, {
			url: shown,
			httpCode: status,
		});
	}
	if (body.length === 0) {
		throw new DownloadError(`The download from ${shown} was empty.`, { url: shown, httpCode: status });
	}
	const type = sniffImageType(body);
	if (!type) {
		throw new DownloadError(`The file at ${shown} is not a PNG, JPEG or WebP image (${describeContent(body, headers['content-type'])}).`, {
			url: shown,
			httpCode: status,
			hint: 'Check that the URL points at the image itself, not at a web page about it.',
		});
	}
	return { body, headers, type, shown };
}
