/**
 * The n8n transport against n8n-core's real request helpers (the code n8n runs) and a local HTTP
 * server: the credential goes to the API and never to a download, the execution's cancel signal
 * stops normal requests but not detached ones, network failures map to the right TransportError.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { getRequestHelperFunctions } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';

import { Base64Text, createHttpClient, createN8nTransport, downloadImage, isAbortError, MultipartForm, TransportError } from '../../../nodes/shared/engine';

const node: INode = { id: '1', name: 'Ideogram Edit', type: 'n8n-nodes-ideogram-v3.ideogramEdit', typeVersion: 1, position: [0, 0], parameters: {} };
const API_KEY = 'ideo-key-0123456789';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

interface Seen {
	method?: string;
	url?: string;
	headers: IncomingMessage['headers'];
	body: string;
	raw: Buffer;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void;

beforeAll(async () => {
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			const body = raw.toString();
			seen.push({ method: req.method, url: req.url, headers: req.headers, body, raw });
			handler(req, res, body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
	seen.length = 0;
});

function context() {
	const execution = new AbortController();
	const additionalData = {
		executionId: 'test',
		credentialsHelper: {
			getParentTypes: () => [],
			preAuthentication: async () => undefined,
			authenticate: async (credentials: { apiKey: string }, _type: string, options: { headers?: Record<string, string> }) => ({
				...options,
				headers: { ...options.headers, 'Api-Key': credentials.apiKey },
			}),
		},
	};
	const helpers = getRequestHelperFunctions({} as never, node, additionalData as never);
	const ctx = {
		helpers,
		getNode: () => node,
		getCredentials: async () => ({ apiKey: API_KEY }),
		getExecutionCancelSignal: () => execution.signal,
		logger: { warn: () => undefined, debug: () => undefined, info: () => undefined, error: () => undefined },
	} as unknown as IExecuteFunctions;
	return { ctx, execution };
}

/** Over 3 MB in a pattern: a body that is streamed, where one byte out of place shows. */
function largeImage(): Buffer {
	const image = Buffer.alloc(3 * 1024 * 1024 + 1);
	for (let i = 0; i < image.length; i++) image[i] = (i * 131) & 0xff;
	return image;
}

/** A client whose first request the server answers with a 503 and the retry (sent at once) with a 200. */
function clientRetriedOnce(ctx: IExecuteFunctions) {
	let attempts = 0;
	handler = (_req, res) => {
		attempts++;
		res.writeHead(attempts === 1 ? 503 : 200, { 'Content-Type': 'application/json' });
		res.end('{}');
	};
	return createHttpClient(createN8nTransport(ctx, 'ideogramApi'), { signal: new AbortController().signal, baseDelayMs: 1, maxDelayMs: 1 });
}

describe('n8n transport through n8n-core', () => {
	it('API call: credential applied, JSON body sent, error statuses answered with headers and bytes', async () => {
		handler = (_req, res) => {
			res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '3' });
			res.end('{"reject_reason":"inflight_limit"}');
		};
		const { ctx } = context();
		const res = await createN8nTransport(ctx, 'ideogramApi')({ method: 'POST', url: `${base}/v1/edit`, body: { prompt: 'cat' } }, new AbortController().signal);
		expect(res.status).toBe(429);
		expect(res.headers['retry-after']).toBe('3');
		expect(res.headers['content-type']).toBe('application/json');
		expect(Buffer.isBuffer(res.body)).toBe(true);
		expect(JSON.parse(res.body.toString())).toEqual({ reject_reason: 'inflight_limit' });
		expect(seen[0].headers['api-key']).toBe(API_KEY);
		expect(seen[0].headers['content-type']).toBe('application/json');
		expect(JSON.parse(seen[0].body)).toEqual({ prompt: 'cat' });
	});

	it('a JSON body with a Base64Text arrives as the same JSON text JSON.stringify gives, with its length', async () => {
		handler = (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end('{}');
		};
		const { ctx } = context();
		const body = { image: new Base64Text('data:image/png;base64,', PNG), prompt: 'café ☕', n: [1, null] };
		await createN8nTransport(ctx, 'ideogramApi')({ method: 'POST', url: `${base}/v1/edit`, body }, new AbortController().signal);
		expect(seen[0].headers['content-type']).toBe('application/json');
		expect(seen[0].body).toBe(JSON.stringify(body));
		expect(Number(seen[0].headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(body)));
	});

	it('a large JSON body (an inline image over 1 MB) is streamed with its length, byte for byte, afresh on every attempt', async () => {
		const client = clientRetriedOnce(context().ctx);
		const body = { image: new Base64Text('data:image/png;base64,', largeImage()), prompt: 'café' };
		await client.send({ method: 'POST', url: `${base}/v1/edit`, body }, 'read');
		expect(seen).toHaveLength(2);
		for (const request of seen) {
			expect(request.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify(body))));
			expect(request.headers['transfer-encoding']).toBeUndefined();
			expect(request.body === JSON.stringify(body)).toBe(true);
			expect(request.headers['api-key']).toBe(API_KEY);
		}
	});

	it('a multipart body goes as form-data: byte for byte with its Content-Length, a fresh form on the retry, the image written to the socket as the same Buffer', async () => {
		const client = clientRetriedOnce(context().ctx);
		const image = largeImage();
		const body = new MultipartForm([
			{ name: 'image', data: image, fileName: 'photo.png', contentType: 'image/png' },
			{ name: 'prompt', value: 'café' },
			{ name: 'color_palette', json: '{"name":"EMBER"}' },
		]);
		const written: unknown[] = [];
		const write = Socket.prototype.write;
		const spy = jest.spyOn(Socket.prototype, 'write').mockImplementation(function (this: Socket, ...args: unknown[]) {
			written.push(args[0]);
			return (write as (...a: unknown[]) => boolean).apply(this, args);
		});
		try {
			await client.send({ method: 'POST', url: `${base}/v2/image/reframe/ideogram-3`, body }, 'submit');
		} finally {
			spy.mockRestore();
		}
		expect(seen).toHaveLength(2);
		for (const request of seen) {
			expect(request.headers['api-key']).toBe(API_KEY);
			expect(request.headers['content-length']).toBe(String(request.raw.length));
			expect(request.headers['transfer-encoding']).toBeUndefined();
			const form = await new Response(new Uint8Array(request.raw), { headers: { 'content-type': String(request.headers['content-type']) } }).formData();
			expect(Buffer.from(await (form.get('image') as File).arrayBuffer()).equals(image)).toBe(true);
			expect(form.get('prompt')).toBe('café');
			expect(form.get('color_palette')).toBe('{"name":"EMBER"}');
			expect(request.raw.toString('latin1')).toContain('name="color_palette"\r\nContent-Type: application/json\r\n\r\n');
		}
		// Each attempt had its own form, so its own boundary.
		expect(seen[1].headers['content-type']).not.toBe(seen[0].headers['content-type']);
		// Both attempts handed the image to the socket as the caller's Buffer itself, never a copy.
		expect(written.filter((chunk) => chunk === image)).toHaveLength(2);
	});

	it('download: no credential reaches the image host; bytes and type come back', async () => {
		handler = (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
			res.end(PNG);
		};
		const { ctx } = context();
		const image = await downloadImage(createN8nTransport(ctx), `${base}/ephemeral/a.png?sig=1`, {
			maxBytes: 10_000,
			timeoutMs: 5_000,
			signal: new AbortController().signal,
		});
		expect(image).toEqual({ data: PNG, mimeType: 'image/png', fileExtension: 'png' });
		expect(seen[0].headers['api-key']).toBeUndefined();
		expect(seen[0].headers.authorization).toBeUndefined();
	});

	it.each([
		['without Content-Length (chunked)', false],
		['with Content-Length', true],
	])('download %s: a 3 MB image written in uneven pieces arrives byte for byte', async (_, announce) => {
		const image = Buffer.concat([PNG, Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 2654435761) >>> 24))]);
		handler = (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'image/png', ...(announce ? { 'Content-Length': String(image.length) } : {}) });
			// Pieces of 1 byte to 200 KB, flushed one by one, so the client reads many chunks of many sizes.
			const sizes = [1, 7, 4096, 65_536, 200_000, 3];
			let offset = 0;
			const next = (n: number) => {
				if (offset >= image.length) return void res.end();
				const end = Math.min(image.length, offset + sizes[n % sizes.length]);
				res.write(image.subarray(offset, end), () => setImmediate(() => next(n + 1)));
				offset = end;
			};
			next(0);
		};
		const { ctx } = context();
		const downloaded = await downloadImage(createN8nTransport(ctx), `${base}/chunked.png`, { maxBytes: 10 * 1024 * 1024, timeoutMs: 20_000, signal: new AbortController().signal });
		expect(seen[0].url).toBe('/chunked.png');
		expect(downloaded.data.length).toBe(image.length);
		expect(downloaded.data.equals(image)).toBe(true);
	});

	it('firstBytes: the start of a large body, then the connection is closed before the rest is sent', async () => {
		const body = Buffer.concat([PNG, Buffer.alloc(8 * 1024 * 1024, 9)]);
		let sent = 0;
		const closed = new Promise<boolean>((resolve) => {
			handler = (_req, res) => {
				res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(body.length) });
				const next = () => {
					if (sent >= body.length) return void res.end();
					const piece = body.subarray(sent, sent + 64 * 1024);
					sent += piece.length;
					res.write(piece, () => setImmediate(next));
				};
				res.on('close', () => resolve(!res.writableFinished));
				next();
			};
		});
		const { ctx } = context();
		const response = await createN8nTransport(ctx)({ method: 'GET', url: `${base}/large.png` }, new AbortController().signal, { firstBytes: 1000 });
		expect(response.body.length).toBeGreaterThanOrEqual(1000);
		expect(response.body.length).toBeLessThan(1024 * 1024);
		expect(response.body.equals(body.subarray(0, response.body.length))).toBe(true);
		expect(response.headers['content-length']).toBe(String(body.length));
		expect(await closed).toBe(true);
		expect(sent).toBeLessThan(body.length);
	});

	it('download: the size cap stops a large body', async () => {
		handler = (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'image/png' });
			res.end(Buffer.concat([PNG, Buffer.alloc(50_000)]));
		};
		const { ctx } = context();
		const error = await downloadImage(createN8nTransport(ctx), `${base}/big.png`, { maxBytes: 10_000, timeoutMs: 5_000, signal: new AbortController().signal }).catch(
			(e: unknown) => e,
		);
		expect(error).toMatchObject({ name: 'DownloadError' });
		expect((error as Error).message).toMatch(/larger than/);
	});

	it('a stopped execution aborts API calls; a detached transport still sends the cancel request', async () => {
		handler = (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end('{"outcome":"cancelled"}');
		};
		const { ctx, execution } = context();
		execution.abort();
		const aborted = await createN8nTransport(ctx, 'runComfyApi')({ method: 'GET', url: `${base}/status` }, new AbortController().signal).catch((e: unknown) => e);
		expect(isAbortError(aborted)).toBe(true);

		const client = createHttpClient(createN8nTransport(ctx, 'runComfyApi', { detached: true }), {
			signal: new AbortController().signal,
			deadline: Date.now() + 5_000,
		});
		const res = await client.send({ method: 'POST', url: `${base}/v1/requests/r1/cancel` }, 'read');
		expect(res.status).toBe(200);
		expect(seen.map((s) => s.url)).toEqual(['/v1/requests/r1/cancel']);
		expect(seen[0].headers['api-key']).toBe(API_KEY);
	});

	it('connection refused → TransportError, not sent', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		const { ctx } = context();
		const error = await createN8nTransport(ctx, 'ideogramApi')({ method: 'POST', url: `http://127.0.0.1:${port}/v1/edit`, body: {} }, new AbortController().signal).catch(
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(TransportError);
		expect(error).toMatchObject({ code: 'ECONNREFUSED', mayHaveRun: false });
	});

	it('connection dropped after the body was sent → TransportError, may have run', async () => {
		handler = (req) => req.socket.destroy();
		const { ctx } = context();
		const error = await createN8nTransport(ctx, 'ideogramApi')({ method: 'POST', url: `${base}/v1/edit`, body: { a: 1 } }, new AbortController().signal).catch(
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(TransportError);
		expect(error).toMatchObject({ code: 'ECONNRESET', mayHaveRun: true });
		expect(JSON.stringify(error)).not.toContain(API_KEY);
	});

	it('a server that never answers is cut off at the request timeout', async () => {
		handler = () => undefined;
		const { ctx } = context();
		const started = Date.now();
		const error = await createN8nTransport(ctx, 'ideogramApi')({ method: 'GET', url: `${base}/slow`, timeoutMs: 300 }, new AbortController().signal).catch(
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(TransportError);
		expect((error as TransportError).mayHaveRun).toBe(true);
		expect(Date.now() - started).toBeLessThan(3_000);
	});
});
