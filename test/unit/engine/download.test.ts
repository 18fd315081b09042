import { DownloadError, downloadImage, downloadImageHead, isAbortError, TransportError } from '../../../nodes/shared/engine';
import { FakeClock } from './fakeClock';
import { scriptedTransport, type Answer } from './fakeTransport';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 1)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(40, 2)]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(30, 3)]);
const URL = 'https://cdn.example.test/ephemeral/abc.png?exp=1743867804&sig=e13e0f';

function setup(answers: Answer[], opts: { maxBytes?: number; timeoutMs?: number } = {}) {
	const clock = new FakeClock(undefined, () => 0.5);
	const transport = scriptedTransport(clock, answers);
	const controller = new AbortController();
	const download = (url = URL) =>
		clock.run(
			downloadImage(transport, url, {
				maxBytes: opts.maxBytes ?? 1024,
				timeoutMs: opts.timeoutMs ?? 30_000,
				signal: controller.signal,
				clock,
			}),
		);
	return { clock, transport, controller, download };
}

async function failure(p: Promise<unknown>): Promise<DownloadError> {
	try {
		await p;
	} catch (error) {
		return error as DownloadError;
	}
	throw new Error('expected a failure');
}

describe('downloadImage: the type from the magic bytes', () => {
	it.each([
		[PNG, 'image/png', 'png'],
		[JPEG, 'image/jpeg', 'jpg'],
		[WEBP, 'image/webp', 'webp'],
	])('reads the magic bytes (%#)', async (body, mimeType, fileExtension) => {
		const { download } = setup([{ status: 200, body }]);
		expect(await download()).toEqual({ data: body, mimeType, fileExtension });
	});
	it.each([['<!DOCTYPE html><html>'], ['GIF89a......'], ['RIFF0000WAVE']])('knows nothing else: %s is refused', async (text) => {
		const { download } = setup([{ status: 200, body: Buffer.from(text) }]);
		expect((await failure(download())).message).toMatch(/is not a PNG, JPEG or WebP image/);
	});
});

describe('downloadImage', () => {
	it('returns bytes, MIME type and extension from the bytes, not the (lying) header', async () => {
		const { download } = setup([{ status: 200, body: JPEG, headers: { 'content-type': 'image/png' } }]);
		expect(await download()).toEqual({ data: JPEG, mimeType: 'image/jpeg', fileExtension: 'jpg' });
	});

	it('sends no credential: only an Accept header, and asks the transport to cap the size', async () => {
		const { download, transport } = setup([{ status: 200, body: WEBP }]);
		await download();
		const { request, options } = transport.calls[0];
		expect(request.method).toBe('GET');
		expect(request.url).toBe(URL);
		expect(Object.keys(request.headers ?? {})).toEqual(['accept']);
		expect(options).toEqual({ maxBytes: 1024 });
	});

	it('refuses a body over the cap', async () => {
		const { download } = setup([{ status: 200, body: Buffer.concat([PNG, Buffer.alloc(2000)]) }]);
		const error = await failure(download());
		expect(error).toBeInstanceOf(DownloadError);
		expect(error.message).toMatch(/larger than the 1 KB limit/);
		expect(error.expired).toBe(false);
	});

	it('turns the transport’s size stop (ERESPONSETOOLARGE) into the same error, without retrying', async () => {
		const { download, transport } = setup([{ error: new TransportError('too large', 'ERESPONSETOOLARGE', false) }]);
		const error = await failure(download());
		expect(error.message).toMatch(/larger than/);
		expect(transport.calls).toHaveLength(1);
	});

	it('refuses a web page served in place of the image, saying what came', async () => {
		const { download } = setup([{ status: 200, body: '<!DOCTYPE html><html><body>Sign in</body></html>', headers: { 'content-type': 'text/html; charset=utf-8' } }]);
		const error = await failure(download());
		expect(error).toBeInstanceOf(DownloadError);
		expect(error.message).toMatch(/not a PNG, JPEG or WebP image/);
		expect(error.message).toMatch(/text\/html/);
		expect(error.message).toMatch(/<!DOCTYPE html>/);
	});

	it.each([403, 404, 410])('HTTP %i: the URL has expired (DownloadError.expired), not retried, says what to do', async (status) => {
		const { download, transport } = setup([{ status, body: '<Error><Code>AccessDenied</Code></Error>' }]);
		const error = await failure(download());
		expect(error).toBeInstanceOf(DownloadError);
		expect(error.expired).toBe(true);
		expect(error.httpCode).toBe(status);
		expect(error.message).toMatch(/expired/);
		expect(error.message).toMatch(/download the images as soon as the job completes/);
		expect(transport.calls).toHaveLength(1);
	});

	it('keeps signatures out of messages (query string dropped)', async () => {
		const { download } = setup([{ status: 404 }]);
		const error = await failure(download());
		expect(error.message).not.toMatch(/sig=/);
		expect(error.url).toBe('https://cdn.example.test/ephemeral/abc.png');
	});

	it('retries a 503 and a reset connection, then succeeds', async () => {
		const { download, transport } = setup([{ status: 503 }, { error: new TransportError('socket hang up', 'ECONNRESET', true) }, { status: 200, body: PNG }]);
		expect((await download()).mimeType).toBe('image/png');
		expect(transport.calls).toHaveLength(3);
	});

	it('gives up after the attempts with the last status', async () => {
		const { download, transport } = setup([{ status: 502 }]);
		const error = await failure(download());
		expect(error.httpCode).toBe(502);
		expect(error.expired).toBe(false);
		expect(transport.calls).toHaveLength(3);
	});

	it('stops at its timeout (a hanging host)', async () => {
		const { download, clock } = setup([{ hang: true }], { timeoutMs: 10_000 });
		const t0 = clock.now();
		const error = await failure(download());
		expect(error).toBeInstanceOf(DownloadError);
		expect(error.code).toBe('ETIMEDOUT');
		expect(error.message).toMatch(/did not finish within 10 s/);
		expect(clock.now() - t0).toBeLessThanOrEqual(10_000);
	});

	it('a stop rejects at once with an AbortError', async () => {
		const { clock, transport, controller } = setup([{ hang: true }]);
		const pending = downloadImage(transport, URL, { maxBytes: 1024, timeoutMs: 30_000, signal: controller.signal, clock }).catch((e: unknown) => e);
		await clock.advance(100);
		controller.abort();
		expect(isAbortError(await pending)).toBe(true);
	});

	it.each(['ftp://example.test/a.png', 'not a url', 'file:///etc/passwd'])('refuses %s before any request', async (url) => {
		const { download, transport } = setup([{ status: 200, body: PNG }]);
		expect(await failure(download(url))).toBeInstanceOf(DownloadError);
		expect(transport.calls).toHaveLength(0);
	});
});

describe('downloadImageHead', () => {
	const head = (answer: Answer, maxBytes = 1024) => {
		const clock = new FakeClock(undefined, () => 0.5);
		const transport = scriptedTransport(clock, [answer]);
		const read = clock.run(downloadImageHead(transport, URL, { maxBytes, timeoutMs: 30_000, signal: new AbortController().signal, clock, headBytes: 16 }));
		return { read, transport };
	};

	it('asks for the first bytes only, and gives them with the size the server announces', async () => {
		const { read, transport } = head({ status: 200, body: PNG.subarray(0, 16), headers: { 'content-length': '900' } });
		expect(await read).toEqual({ head: PNG.subarray(0, 16), bytes: 900, mimeType: 'image/png', fileExtension: 'png' });
		expect(transport.calls[0].options).toEqual({ firstBytes: 16 });
		expect(Object.keys(transport.calls[0].request.headers ?? {})).toEqual(['accept']);
	});

	it.each([
		['no Content-Length (chunked)', {}],
		['a compressed body', { 'content-length': '30', 'content-encoding': 'gzip' }],
		['a Content-Length shorter than what came', { 'content-length': '3' }],
	])('gives nothing for %s: the caller downloads the whole file', async (_, headers) => {
		expect(await head({ status: 200, body: PNG.subarray(0, 16), headers }).read).toBeUndefined();
	});

	it('refuses an announced size over the cap, and the same answers as a download (status, not an image)', async () => {
		expect((await failure(head({ status: 200, body: PNG.subarray(0, 16), headers: { 'content-length': '5000' } }).read)).message).toMatch(
			/larger than the 1 KB limit \(5 KB\)/,
		);
		expect(await failure(head({ status: 404 }).read)).toMatchObject({ httpCode: 404, expired: true });
		expect((await failure(head({ status: 200, body: '<!DOCTYPE html>', headers: { 'content-length': '15' } }).read)).message).toMatch(/not a PNG, JPEG or WebP/);
	});
});
