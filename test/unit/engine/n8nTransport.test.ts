import { Readable } from 'node:stream';
import type { IExecuteFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import FormData from 'form-data';

import { Base64Text, createN8nTransport, isAbortError, MultipartForm, TransportError } from '../../../nodes/shared/engine';

const node: INode = { id: '1', name: 'Ideogram Edit', type: 'n8n-nodes-ideogram-v3.ideogramEdit', typeVersion: 1, position: [0, 0], parameters: {} };

function axiosError(code: string, message: string) {
	return Object.assign(new Error(message), { code, isAxiosError: true, name: 'AxiosError', config: { headers: { 'Api-Key': 'secret' } } });
}

type Helper = (this: unknown, ...args: unknown[]) => Promise<unknown>;

function fakeCtx(handlers: { auth?: Helper; plain?: Helper }) {
	const calls: Array<{ kind: 'auth' | 'plain'; options: IHttpRequestOptions; credentialType?: string; self: unknown }> = [];
	const execution = new AbortController();
	const ctx = {
		getNode: () => node,
		getCredentials: async () => ({ apiKey: 'secret' }),
		getExecutionCancelSignal: () => execution.signal,
		helpers: {
			async httpRequestWithAuthentication(this: unknown, credentialType: string, options: IHttpRequestOptions) {
				calls.push({ kind: 'auth', options, credentialType, self: this });
				return await (handlers.auth ?? (async () => ({ statusCode: 200, headers: {}, body: Buffer.alloc(0) }))).call(this, credentialType, options);
			},
			async httpRequest(options: IHttpRequestOptions) {
				calls.push({ kind: 'plain', options, self: undefined });
				return await (handlers.plain ?? (async () => ({ statusCode: 200, headers: {}, body: Buffer.alloc(0) })))(options);
			},
		},
	};
	return { ctx: ctx as unknown as IExecuteFunctions, calls, execution };
}

const signal = () => new AbortController().signal;

describe('createN8nTransport: request options', () => {
	it('with a credential: n8n applies it; full response, no status errors, raw bytes, JSON body, timeout, no redirects', async () => {
		const { ctx, calls } = fakeCtx({
			auth: async () => ({
				statusCode: 422,
				headers: { toJSON: () => ({ 'Content-Type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'x-n': 5 }) },
				body: Buffer.from('{"error":"unsafe"}'),
			}),
		});
		const transport = createN8nTransport(ctx, 'ideogramApi');
		const res = await transport({ method: 'POST', url: 'https://api.test/v1/x', body: { a: 1 }, timeoutMs: 1234 }, signal());
		expect(res).toEqual({
			status: 422,
			headers: { 'content-type': 'application/json', 'set-cookie': 'a=1, b=2', 'x-n': '5' },
			body: Buffer.from('{"error":"unsafe"}'),
		});
		const { options, credentialType, self } = calls[0];
		expect(credentialType).toBe('ideogramApi');
		expect(self).toBe(ctx);
		expect(options).toMatchObject({
			method: 'POST',
			url: 'https://api.test/v1/x',
			body: Buffer.from('{"a":1}'),
			headers: { 'content-type': 'application/json' },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			encoding: 'arraybuffer',
			json: false,
			timeout: 1234,
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		});
	});

	it('sends a Buffer body as is, with its own content type', async () => {
		const { ctx, calls } = fakeCtx({});
		const body = Buffer.from('--b\r\n');
		await createN8nTransport(ctx, 'x')({ method: 'POST', url: 'https://api.test', body, headers: { 'Content-Type': 'multipart/form-data; boundary=b' } }, signal());
		expect(calls[0].options.body).toBe(body);
		expect(calls[0].options.headers).toEqual({ 'Content-Type': 'multipart/form-data; boundary=b' });
	});

	it('a JSON body from 1 MB on goes as a stream with its length (encoded while sent); a smaller one as a Buffer', async () => {
		const { ctx, calls } = fakeCtx({});
		const transport = createN8nTransport(ctx, 'x');
		const small = { image: new Base64Text('data:image/png;base64,', Buffer.alloc(700 * 1024, 1)) };
		const large = { image: new Base64Text('data:image/png;base64,', Buffer.alloc(800 * 1024, 1)) };
		await transport({ method: 'POST', url: 'https://api.test', body: small }, signal());
		await transport({ method: 'POST', url: 'https://api.test', body: large }, signal());
		expect(Buffer.isBuffer(calls[0].options.body)).toBe(true);
		expect(calls[0].options.headers).toEqual({ 'content-type': 'application/json' });
		const streamed = calls[1].options.body;
		expect(streamed).toBeInstanceOf(Readable);
		const text = JSON.stringify(large);
		expect(calls[1].options.headers).toEqual({ 'content-type': 'application/json', 'content-length': String(text.length) });
		const chunks: Buffer[] = [];
		for await (const chunk of streamed as Readable) chunks.push(chunk as Buffer);
		expect(Buffer.concat(chunks).toString()).toBe(text);
	});

	it('a multipart body goes as a new form-data body per attempt, with its own content type and length', async () => {
		const { ctx, calls } = fakeCtx({});
		const image = Buffer.alloc(2 * 1024 * 1024, 7);
		const body = new MultipartForm([
			{ name: 'image', data: image, fileName: 'a.png', contentType: 'image/png' },
			{ name: 'prompt', value: 'cat' },
		]);
		const transport = createN8nTransport(ctx, 'x');
		// A content type given by the caller cannot know the boundary: the form's own replaces it.
		await transport({ method: 'POST', url: 'https://api.test', body, headers: { 'Content-Type': 'multipart/form-data; boundary=stale' } }, signal());
		// A retry sends the same parts again: a fresh form (a form-data body is a stream, read once).
		await transport({ method: 'POST', url: 'https://api.test', body }, signal());
		const forms = calls.map((call) => call.options.body);
		expect(forms[0]).toBeInstanceOf(FormData);
		expect(forms[1]).toBeInstanceOf(FormData);
		expect(forms[1]).not.toBe(forms[0]);
		for (const call of calls) {
			const form = call.options.body as FormData;
			expect(call.options.headers).toEqual({ ...form.getHeaders(), 'content-length': String(form.getLengthSync()) });
			expect(form.getLengthSync()).toBeGreaterThan(image.length);
		}
	});

	it('without a credential: plain httpRequest with our signal, redirects followed', async () => {
		const { ctx, calls } = fakeCtx({ plain: async () => ({ statusCode: 200, headers: {}, body: new Uint8Array([1, 2, 3]).buffer }) });
		const s = signal();
		const res = await createN8nTransport(ctx)({ method: 'GET', url: 'https://cdn.test/a.png' }, s);
		expect(res.body).toEqual(Buffer.from([1, 2, 3]));
		expect(calls[0].kind).toBe('plain');
		expect(calls[0].options.abortSignal).toBe(s);
		expect(calls[0].options.disableFollowRedirect).toBeUndefined();
		expect(calls[0].options.body).toBeUndefined();
	});

	it('detached: n8n cannot find the execution signal on `this`, but the context still works', async () => {
		let seen: { hasSignal: boolean; node: string } | undefined;
		const { ctx } = fakeCtx({
			auth: async function (this: unknown) {
				const self = this as IExecuteFunctions;
				seen = { hasSignal: 'getExecutionCancelSignal' in self, node: self.getNode().name };
				await self.getCredentials('x');
				return { statusCode: 200, headers: {}, body: Buffer.alloc(0) };
			},
		});
		await createN8nTransport(ctx, 'x', { detached: true })({ method: 'POST', url: 'https://api.test/cancel' }, signal());
		expect(seen).toEqual({ hasSignal: false, node: 'Ideogram Edit' });
		await createN8nTransport(ctx, 'x')({ method: 'POST', url: 'https://api.test/cancel' }, signal());
		expect(seen?.hasSignal).toBe(true);
	});

	it('with maxBytes: streams and stops at the cap', async () => {
		const big = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
		const { ctx, calls } = fakeCtx({ plain: async () => ({ statusCode: 200, headers: {}, body: big }) });
		const error = await createN8nTransport(ctx)({ method: 'GET', url: 'https://cdn.test/a.png' }, signal(), { maxBytes: 1000 }).catch((e: unknown) => e);
		expect(calls[0].options.encoding).toBe('stream');
		expect(error).toMatchObject({ name: 'TransportError', code: 'ERESPONSETOOLARGE' });
		expect(big.destroyed).toBe(true);
	});

	it('with maxBytes: a body under the cap is read whole', async () => {
		const { ctx } = fakeCtx({ plain: async () => ({ statusCode: 200, headers: {}, body: Readable.from([Buffer.from('ab'), Buffer.from('c')]) }) });
		const res = await createN8nTransport(ctx)({ method: 'GET', url: 'https://cdn.test/a.png' }, signal(), { maxBytes: 1000 });
		expect(res.body.toString()).toBe('abc');
	});

	it.each([
		['as announced', '6', 'abcdef'],
		['shorter than announced (cut off)', '9', 'abcdef'],
		['longer than announced (a decoded compressed body)', '4', 'abcdef'],
	])('with maxBytes and a Content-Length: a body %s comes back byte for byte', async (_, length, expected) => {
		const body = Readable.from([Buffer.from('ab'), Buffer.from('cd'), Buffer.from('ef')]);
		const { ctx } = fakeCtx({ plain: async () => ({ statusCode: 200, headers: { 'content-length': length }, body }) });
		const res = await createN8nTransport(ctx)({ method: 'GET', url: 'https://cdn.test/a.png' }, signal(), { maxBytes: 1000 });
		expect(res.body.toString()).toBe(expected);
	});
});

describe('createN8nTransport: errors', () => {
	it.each([
		['ECONNREFUSED', false],
		['ENOTFOUND', false],
		['EAI_AGAIN', false],
		['ECONNRESET', true],
		['ETIMEDOUT', true],
		['ECONNABORTED', true],
	])('%s wrapped in NodeApiError → TransportError (sent: %s)', async (code, mayHaveRun) => {
		const { ctx } = fakeCtx({
			auth: async () => {
				throw new NodeApiError(node, axiosError(code, `connect ${code} 10.0.0.1:443`) as never);
			},
		});
		const error = await createN8nTransport(ctx, 'x')({ method: 'POST', url: 'https://api.test/v1?key=1' }, signal()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TransportError);
		expect(error).toMatchObject({ code, mayHaveRun });
		expect((error as Error).message).not.toContain('key=1');
		expect((error as Error & { cause?: unknown }).cause).toBeUndefined(); // the axios error (with headers) is dropped
	});

	it.each([
		['socket hang up', new Error('socket hang up'), { code: 'ECONNRESET', mayHaveRun: true }],
		['an axios timeout as the cause', Object.assign(new Error('request failed'), { cause: new Error('timeout of 5000ms exceeded') }), { code: 'ETIMEDOUT' }],
	])('%s is recognised by its message → TransportError', async (_, thrown, expected) => {
		const { ctx } = fakeCtx({
			auth: async () => {
				throw thrown;
			},
		});
		const error = await createN8nTransport(ctx, 'x')({ method: 'GET', url: 'https://api.test' }, signal()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TransportError);
		expect(error).toMatchObject(expected);
	});

	it('an error with an unrelated message passes through unchanged', async () => {
		const original = new Error('unrelated');
		const { ctx } = fakeCtx({
			auth: async () => {
				throw original;
			},
		});
		expect(await createN8nTransport(ctx, 'x')({ method: 'GET', url: 'https://api.test' }, signal()).catch((e: unknown) => e)).toBe(original);
	});

	it('a cancelled execution (axios CanceledError inside NodeApiError) → AbortError', async () => {
		const { ctx } = fakeCtx({
			auth: async () => {
				throw new NodeApiError(node, Object.assign(new Error('canceled'), { name: 'CanceledError', code: 'ERR_CANCELED' }) as never);
			},
		});
		const error = await createN8nTransport(ctx, 'x')({ method: 'GET', url: 'https://api.test' }, signal()).catch((e: unknown) => e);
		expect(isAbortError(error)).toBe(true);
	});

	it('other errors (no credential set, SSRF block) pass through unchanged', async () => {
		const original = new NodeOperationError(node, 'Node "Ideogram Edit" does not have any credentials of type "x" set');
		const { ctx } = fakeCtx({
			auth: async () => {
				throw original;
			},
		});
		expect(await createN8nTransport(ctx, 'x')({ method: 'GET', url: 'https://api.test' }, signal()).catch((e: unknown) => e)).toBe(original);
	});

	it('our signal wins the race even when n8n replaced it with the execution signal', async () => {
		const { ctx } = fakeCtx({ auth: async () => await new Promise(() => undefined) });
		const controller = new AbortController();
		const pending = createN8nTransport(ctx, 'x')({ method: 'GET', url: 'https://api.test' }, controller.signal).catch((e: unknown) => e);
		controller.abort();
		expect(isAbortError(await pending)).toBe(true);
	});
});
