import { runComfyAdapter as adapter } from '../../../nodes/shared/providers/runComfy';
import { Base64Text } from '../../../nodes/shared/engine/jsonBody';
import { RecordingHttp, context, image, jobRequest, providerErrorOf, sentJson } from './helpers';

const SUBMITTED = {
	request_id: 'req_123',
	status_url: 'https://model-api.runcomfy.net/v1/requests/req_123/status',
	result_url: 'https://model-api.runcomfy.net/v1/requests/req_123/result',
	cancel_url: 'https://model-api.runcomfy.net/v1/requests/req_123/cancel',
};

async function submitted(request = jobRequest()) {
	const http = new RecordingHttp().json(200, SUBMITTED);
	const state = await adapter.submit(context(http), request);
	return { http, state, call: http.last, body: sentJson(http.last.request) };
}

describe('RunComfy adapter: submit', () => {
	it('posts an edit as JSON to the model path, with the always-sent fields', async () => {
		const { state, call, body } = await submitted();
		expect(state).toEqual({ requestId: 'req_123', status: 'submitted' });
		expect(call.kind).toBe('submit');
		expect(call.request.method).toBe('POST');
		expect(call.request.url).toBe('https://provider.test/v1/models/ideogram/ideogram-v3/edit');
		expect(call.request.headers?.authorization).toBeUndefined();
		expect(body).toEqual({
			image: `data:image/png;base64,${image().data.toString('base64')}`,
			mask: `data:image/png;base64,${Buffer.from('mask bytes').toString('base64')}`,
			prompt: 'A cat wearing a hat',
			seed: 12345,
			rendering_speed: 'BALANCED',
			magic_prompt: 'AUTO',
		});
		// no palette chosen → none sent (RunComfy then applies its Ember default)
		expect(body).not.toHaveProperty('color_palette');
		expect(body).not.toHaveProperty('style');
		expect(body).not.toHaveProperty('num_images');
	});

	it('hands binary images to the transport as Base64Text (rendered as the data URI, never built as one string)', async () => {
		const request = jobRequest();
		const { call, body } = await submitted(request);
		const sent = call.request.body as Record<string, unknown>;
		expect(sent.image).toBeInstanceOf(Base64Text);
		expect(sent.image).toMatchObject({ prefix: 'data:image/png;base64,', bytes: image().data });
		expect(body.image).toBe(`data:image/png;base64,${image().data.toString('base64')}`);
		expect(body.mask).toBe(`data:image/png;base64,${request.mask!.data.toString('base64')}`);
	});

	it('sends the public URL of an unmodified image instead of its bytes', async () => {
		const { body } = await submitted(jobRequest({ image: image({ url: 'https://cdn.example.com/in.png' }) }));
		expect(body.image).toBe('https://cdn.example.com/in.png');
		expect(body.mask).toMatch(/^data:image\/png;base64,/);
	});

	it('sends an image the node only linked (its header read, no bytes) as its URL', async () => {
		const linked = { url: 'https://cdn.example.com/in.png', mimeType: 'image/png', fileName: 'in.png', width: 4096, height: 4096 };
		const { body } = await submitted(jobRequest({ image: linked }));
		expect(body.image).toBe('https://cdn.example.com/in.png');
	});

	it.each([
		['DEFAULT', 'BALANCED'],
		['TURBO', 'TURBO'],
		['QUALITY', 'QUALITY'],
	] as const)('translates rendering speed %s → %s', async (speed, wire) => {
		const { body } = await submitted(jobRequest({ options: { renderingSpeed: speed } }));
		expect(body.rendering_speed).toBe(wire);
	});

	it('keeps the magic prompt the user chose', async () => {
		const { body } = await submitted(jobRequest({ options: { magicPrompt: 'OFF' } }));
		expect(body.magic_prompt).toBe('OFF');
	});

	it('writes style type in title case, with preset and codes inside `style`', async () => {
		const { body } = await submitted(jobRequest({ options: { styleType: 'REALISTIC', stylePreset: 'ART_DECO' } }));
		expect(body.style).toEqual({ style_type: 'Realistic', style_preset: 'ART_DECO' });
		const codes = await submitted(jobRequest({ options: { styleCodes: ['AAFF5733', '0133FF57'] } }));
		expect(codes.body.style).toEqual({ style_codes: ['AAFF5733', '0133FF57'] });
		for (const [type, wire] of [
			['AUTO', 'Auto'],
			['GENERAL', 'General'],
			['DESIGN', 'Design'],
			['FICTION', 'Fiction'],
		] as const) {
			const r = await submitted(jobRequest({ options: { styleType: type } }));
			expect(r.body.style).toEqual({ style_type: wire });
		}
	});

	it('encodes colour palettes as RunComfy objects', async () => {
		const named = await submitted(jobRequest({ options: { colorPalette: { name: 'EMBER' } } }));
		expect(named.body.color_palette).toEqual({ name: 'Ember' });
		const ultra = await submitted(jobRequest({ options: { colorPalette: { name: 'ultramarine' } } }));
		expect(ultra.body.color_palette).toEqual({ name: 'Ultramarine' });
		const members = await submitted(
			jobRequest({
				options: { colorPalette: { members: [{ colorHex: '#FF5733', colorWeight: 0.7 }, { colorHex: '#333' }] } },
			}),
		);
		expect(members.body.color_palette).toEqual({
			members: [{ color_hex: '#FF5733', color_weight: 0.7 }, { color_hex: '#333' }],
		});
	});

	it('sends reframe with the verbatim resolution label and no prompt', async () => {
		const { call, body } = await submitted(
			jobRequest({
				operation: 'reframe',
				mask: undefined,
				prompt: undefined,
				resolution: { width: 1280, height: 800 },
				options: { styleType: 'GENERAL' },
			}),
		);
		expect(call.request.url).toBe('https://provider.test/v1/models/ideogram/ideogram-v3/reframe');
		expect(body).toEqual({
			image: expect.stringMatching(/^data:image\/png;base64,/),
			resolution: '1280:800 (8:5)',
			seed: 12345,
			rendering_speed: 'BALANCED',
			style: { style_type: 'General' },
		});
	});

	it('sends replace-background with prompt and magic prompt, no mask', async () => {
		const { call, body } = await submitted(jobRequest({ operation: 'replaceBackground', mask: undefined }));
		expect(call.request.url).toBe('https://provider.test/v1/models/ideogram/ideogram-v3/replace-background');
		expect(Object.keys(body).sort()).toEqual(['image', 'magic_prompt', 'prompt', 'rendering_speed', 'seed']);
	});

	it('joins base URLs with or without a trailing slash', async () => {
		for (const base of ['https://proxy.test/runcomfy', 'https://proxy.test/runcomfy/', 'https://proxy.test/runcomfy//']) {
			const http = new RecordingHttp().json(200, SUBMITTED);
			await adapter.submit(context(http, base), jobRequest());
			expect(http.last.request.url).toBe('https://proxy.test/runcomfy/v1/models/ideogram/ideogram-v3/edit');
		}
	});

	it('declares what RunComfy takes', () => {
		expect(adapter.accepts.options.reframe).not.toContain('magicPrompt');
		expect(adapter.accepts.options.edit).not.toContain('styleReferenceImages');
		expect(adapter.accepts.options.edit).toContain('colorPalette');
		expect(adapter.accepts.styleTypes).not.toContain('ANIME');
	});

	it('describes its limits', () => {
		expect(adapter).toMatchObject({
			name: 'runComfy',
			queued: true,
			maskConvention: 'white',
			defaultConcurrency: 20,
			limits: { maxImagesPerJob: 1, maxImageBytes: 50 * 1024 * 1024 },
		});
	});
});

describe('RunComfy adapter: errors', () => {
	it('reads an error_code on HTTP 200 as an error', async () => {
		const http = new RecordingHttp().json(200, { error_code: 1003, error_message: 'Model is busy', detail: null });
		const error = await providerErrorOf(adapter.submit(context(http), jobRequest()));
		expect(error.provider).toBe('RunComfy');
		expect(error.operation).toBe('edit');
		expect(error.httpCode).toBe(200);
		expect(error.providerCode).toBe('1003');
		expect(error.message).toContain('Model is busy');
	});

	it('points at public URLs when a data URI is refused', async () => {
		const http = new RecordingHttp().json(422, { error_code: 422, error_message: 'image: invalid URL', detail: 'must be https' });
		const error = await providerErrorOf(adapter.submit(context(http), jobRequest()));
		expect(error.httpCode).toBe(422);
		expect(error.hint).toContain('give the image as a public URL (Image Source: URL)');
		expect(error.retryable).toBe(false);
	});

	it('names the field RunComfy complains about', async () => {
		const http = new RecordingHttp().json(400, { detail: 'rendering_speed: value is not a valid enumeration member' });
		const error = await providerErrorOf(
			adapter.submit(context(http), jobRequest({ image: image({ url: 'https://cdn.test/a.png' }), mask: image({ url: 'https://cdn.test/m.png' }) })),
		);
		expect(error.hint).toContain('Rendering Speed');
	});

	it.each([
		[401, { message: 'Unauthorized' }, /Check the API key in the RunComfy API credential/, false],
		[403, { error: 'Forbidden' }, /Check the API key/, false],
		[429, { detail: 'rate limited' }, /lower Concurrency/, true],
		[503, { error: { message: 'down' } }, /retry later/, true],
	])('maps HTTP %i', async (status, body, hint, retryable) => {
		const http = new RecordingHttp().json(status, body);
		const error = await providerErrorOf(adapter.submit(context(http), jobRequest()));
		expect(error.httpCode).toBe(status);
		expect(error.hint).toMatch(hint);
		expect(error.retryable).toBe(retryable);
	});

	it('quotes a non-JSON error page briefly', async () => {
		const http = new RecordingHttp().text(502, '<html><body>Bad gateway</body></html>');
		const error = await providerErrorOf(adapter.submit(context(http), jobRequest()));
		expect(error.message).toContain('Bad gateway');
		expect(error.retryable).toBe(true);
	});

	it('names provider, endpoint and field when a response has an unexpected shape', async () => {
		const http = new RecordingHttp().json(200, { id: 'x' });
		const submitError = await providerErrorOf(adapter.submit(context(http), jobRequest()));
		expect(submitError.message).toContain(
			'RunComfy returned an unexpected response from POST /v1/models/ideogram/ideogram-v3/edit: field `request_id` is missing',
		);

		const statusHttp = new RecordingHttp().json(200, { request_id: 'req_1' });
		const statusError = await providerErrorOf(adapter.getState!(context(statusHttp), { provider: 'runComfy', requestId: 'req_1' }));
		expect(statusError.message).toContain(
			'RunComfy returned an unexpected response from GET /v1/requests/{id}/status: field `status` is missing',
		);
		expect(statusError.requestId).toBe('req_1');

		const typeHttp = new RecordingHttp().json(200, { status: 3 });
		const typeError = await providerErrorOf(adapter.getState!(context(typeHttp), { provider: 'runComfy', requestId: 'req_1' }));
		expect(typeError.message).toContain('field `status` should be a string, got number');

		const htmlHttp = new RecordingHttp().text(200, '<html>login</html>');
		const htmlError = await providerErrorOf(adapter.getState!(context(htmlHttp), { provider: 'runComfy', requestId: 'req_1' }));
		expect(htmlError.message).toContain('GET /v1/requests/{id}/status: the body is not JSON');
	});

	it('explains a 404 on a request id', async () => {
		const http = new RecordingHttp().json(404, { error_message: 'request not found' });
		const error = await providerErrorOf(adapter.getState!(context(http), { provider: 'runComfy', requestId: 'nope' }));
		expect(error.hint).toContain('does not know this request id');
		expect(error.providerCode).toBeUndefined();
		const coded = new RecordingHttp().json(404, { error_code: 404, error_message: 'request not found' });
		expect((await providerErrorOf(adapter.getState!(context(coded), { provider: 'runComfy', requestId: 'nope' }))).message).not.toContain(
			'404, 404',
		);
		expect(error.requestId).toBe('nope');
	});
});

describe('RunComfy adapter: job lifecycle', () => {
	const job = { provider: 'runComfy' as const, operation: 'edit' as const, requestId: 'req 1/x' };

	it('maps queue states', async () => {
		const http = new RecordingHttp()
			.json(200, { request_id: 'req 1/x', status: 'in_queue', queue_position: 3 })
			.json(200, { request_id: 'req 1/x', status: 'in_progress', instance_id: 'i-1' })
			.json(200, { status: 'cancelled' })
			.json(200, { status: 'canceled' })
			.json(200, { status: 'warming_up' });
		const ctx = context(http);
		expect(await adapter.getState!(ctx, job)).toEqual({ requestId: 'req 1/x', status: 'queued', queuePosition: 3 });
		expect(await adapter.getState!(ctx, job)).toEqual({ requestId: 'req 1/x', status: 'running' });
		expect((await adapter.getState!(ctx, job)).status).toBe('cancelled');
		expect((await adapter.getState!(ctx, job)).status).toBe('cancelled');
		expect((await adapter.getState!(ctx, job)).status).toBe('running'); // unknown → still running
		expect(http.calls[0].request).toEqual({ method: 'GET', url: 'https://provider.test/v1/requests/req%201%2Fx/status' });
		expect(http.calls.every((c) => c.kind === 'read')).toBe(true);
	});

	it('fetches the result once completed (output.image)', async () => {
		const http = new RecordingHttp()
			.json(200, { status: 'completed' })
			.json(200, {
				request_id: 'req 1/x',
				status: 'completed',
				output: { image: 'https://playgrounds-storage-public.runcomfy.net/out.png' },
				created_at: '2026-01-01',
				finished_at: '2026-01-01',
			});
		const state = await adapter.getState!(context(http), job);
		expect(state).toEqual({
			requestId: 'req 1/x',
			status: 'completed',
			images: [{ url: 'https://playgrounds-storage-public.runcomfy.net/out.png' }],
		});
		expect(http.calls[1].request.url).toBe('https://provider.test/v1/requests/req%201%2Fx/result');
		expect(http.calls[1].kind).toBe('read');
	});

	it('reads output.images and the succeeded spelling', async () => {
		const http = new RecordingHttp()
			.json(200, { status: 'succeeded' })
			.json(200, { status: 'succeeded', output: { images: ['https://a.test/1.png', 'https://a.test/2.png'] } });
		const state = await adapter.getState!(context(http), job);
		expect(state.images).toEqual([{ url: 'https://a.test/1.png' }, { url: 'https://a.test/2.png' }]);
	});

	it('names the missing output field', async () => {
		const http = new RecordingHttp().json(200, { status: 'completed' }).json(200, { status: 'completed', output: {} });
		const error = await providerErrorOf(adapter.getState!(context(http), job));
		expect(error.message).toContain('RunComfy returned an unexpected response from GET /v1/requests/{id}/result');
		expect(error.message).toContain('`output.image`');
	});

	it('keeps polling when the result lags behind the status', async () => {
		const http = new RecordingHttp().json(200, { status: 'completed' }).json(200, { status: 'in_progress' });
		expect((await adapter.getState!(context(http), job)).status).toBe('running');
	});

	it('reports a failed job with the result’s error', async () => {
		const http = new RecordingHttp()
			.json(200, { status: 'failed' })
			.json(200, { status: 'failed', error: { code: 'E_OOM', message: 'GPU out of memory' } });
		expect(await adapter.getState!(context(http), job)).toEqual({
			requestId: 'req 1/x',
			status: 'failed',
			error: { message: 'GPU out of memory', code: 'E_OOM' },
		});
		const envelope = new RecordingHttp()
			.json(200, { status: 'failed' })
			.json(200, { status: 'failed', error: { error_code: 422, error_message: 'Prompt or input image failed the safety check' } });
		expect((await adapter.getState!(context(envelope), job)).error).toEqual({
			message: 'Prompt or input image failed the safety check',
			code: '422',
			hint: 'The safety check refused the prompt or the image: change the prompt or the image.',
		});
		const stringError = new RecordingHttp().json(200, { status: 'failed' }).json(200, { status: 'failed', error: 'boom' });
		expect((await adapter.getState!(context(stringError), job)).error).toEqual({ message: 'boom' });
		const unreadable = new RecordingHttp().json(200, { status: 'failed' }).text(500, 'oops');
		const state = await adapter.getState!(context(unreadable), job);
		expect(state.status).toBe('failed');
		expect(state.error?.message).toContain('RunComfy reported the job as failed');
	});

	it('cancels a queued job', async () => {
		const http = new RecordingHttp().json(200, { request_id: 'req 1/x', status: 'cancelled', outcome: 'cancelled' });
		expect(await adapter.cancel!(context(http), job)).toEqual({ status: 'cancelled', cancelled: true });
		expect(http.last.request).toEqual({ method: 'POST', url: 'https://provider.test/v1/requests/req%201%2Fx/cancel' });
		expect(http.last.kind).toBe('read');
	});

	it('explains why a running job was not cancelled', async () => {
		const http = new RecordingHttp()
			.json(200, { request_id: 'req 1/x', status: 'in_progress', outcome: 'not_cancellable' })
			.json(200, { request_id: 'req 1/x', status: 'completed', outcome: 'not_cancellable' });
		expect(await adapter.cancel!(context(http), job)).toEqual({
			status: 'running',
			cancelled: false,
			reason: 'RunComfy only cancels queued jobs; this one is already running',
		});
		expect(await adapter.cancel!(context(http), job)).toMatchObject({ status: 'completed', cancelled: false });
	});

	it.each([
		['in_queue', 'queued'],
		['in_progress', 'running'],
		['completed', 'completed'],
		['succeeded', 'completed'],
		['failed', 'failed'],
		['cancelled', 'cancelled'],
		['canceled', 'cancelled'],
		['something_new', 'running'],
	])('reads the status word %s as %s (every documented and client-known word)', async (word, status) => {
		const http = new RecordingHttp().json(200, { request_id: 'req 1/x', status: word, outcome: 'not_cancellable' });
		expect((await adapter.cancel!(context(http), job)).status).toBe(status);
	});
});
