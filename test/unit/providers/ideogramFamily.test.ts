import { MultipartForm } from '../../../nodes/shared/engine/multipart';
import { cometApiAdapter } from '../../../nodes/shared/providers/cometApi';
import { ideogramAdapter } from '../../../nodes/shared/providers/ideogram';
import type { JobRequest, ProviderAdapter } from '../../../nodes/shared/providers/types';
import { RecordingHttp, context, image, jobRequest, providerErrorOf, sentForm } from './helpers';

const OK = {
	created: '2000-01-23T04:56:07+00:00',
	data: [
		{
			url: 'https://ideogram.ai/api/images/ephemeral/xtdZiqPwRxqY1Y7NExFmzB.png?exp=1743867804&sig=e13e',
			prompt: 'A photo of a cat wearing a hat.',
			resolution: '1024x1024',
			is_image_safe: true,
			seed: 12345,
			style_type: 'GENERAL',
		},
	],
};

async function submitted(adapter: ProviderAdapter, request: JobRequest, answer: unknown = OK) {
	const http = new RecordingHttp().json(200, answer);
	const state = await adapter.submit(context(http, 'https://api.provider.test/'), request);
	const form = await sentForm(http.last.request);
	return { http, state, form, call: http.last };
}

/** Text fields of a parsed form as name → values. */
function textFields(form: FormData): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const [name, value] of form.entries()) {
		if (typeof value === 'string') (out[name] ??= []).push(value);
	}
	return out;
}

async function fileOf(form: FormData, name: string, index = 0) {
	const value = form.getAll(name)[index];
	if (!(value instanceof Blob)) throw new Error(`${name} is not a file part`);
	return {
		name: (value as File).name,
		type: value.type,
		bytes: Buffer.from(await value.arrayBuffer()),
	};
}

// The v1 wire form, which only CometAPI still speaks (Ideogram itself is on v2: ideogram.test.ts).
describe.each([['CometAPI', cometApiAdapter, 'https://api.provider.test/ideogram/v1/ideogram-v3']] as const)('%s adapter: multipart request', (_name, adapter, prefix) => {
	it('sends an edit as multipart with file parts and text fields', async () => {
		const { call, form, state } = await submitted(
			adapter,
			jobRequest({
				options: {
					renderingSpeed: 'TURBO',
					magicPrompt: 'ON',
					numImages: 2,
					styleType: 'REALISTIC',
					stylePreset: 'BAUHAUS',
					colorPalette: { name: 'Ember' },
				},
			}),
		);
		expect(call.kind).toBe('submit');
		expect(call.request.method).toBe('POST');
		expect(call.request.url).toBe(`${prefix}/edit`);
		// The transport gives each attempt a fresh form with its own boundary: the adapter sets no content type.
		expect(call.request.headers ?? {}).toEqual({});
		expect(call.request.body).toBeInstanceOf(MultipartForm);
		expect(call.request.timeoutMs).toBeGreaterThanOrEqual(60_000);

		expect(textFields(form)).toEqual({
			prompt: ['A cat wearing a hat'],
			magic_prompt: ['ON'],
			num_images: ['2'],
			seed: ['12345'],
			rendering_speed: ['TURBO'],
			style_type: ['REALISTIC'],
			style_preset: ['BAUHAUS'],
			color_palette: ['{"name":"EMBER"}'],
		});
		expect(await fileOf(form, 'image')).toEqual({ name: 'photo.png', type: 'image/png', bytes: image().data });
		expect(await fileOf(form, 'mask')).toEqual({ name: 'mask.png', type: 'image/png', bytes: Buffer.from('mask bytes') });
		expect(state.status).toBe('completed');
	});

	it('repeats style codes and reference images, one part each', async () => {
		const { form } = await submitted(
			adapter,
			jobRequest({
				options: {
					styleCodes: ['AAFF5733', '0133FF57'],
					colorPalette: { members: [{ colorHex: '#FF5733', colorWeight: 0.6 }, { colorHex: '#3357FF', colorWeight: 0.4 }] },
					characterReferenceImages: [image({ fileName: 'face.jpg', mimeType: 'image/jpeg', data: Buffer.from('face') })],
					characterReferenceMasks: [image({ fileName: 'face-mask.png', data: Buffer.from('face mask') })],
				},
			}),
		);
		expect(form.getAll('style_codes')).toEqual(['AAFF5733', '0133FF57']);
		expect(JSON.parse(form.get('color_palette') as string)).toEqual({
			members: [
				{ color_hex: '#FF5733', color_weight: 0.6 },
				{ color_hex: '#3357FF', color_weight: 0.4 },
			],
		});
		expect(await fileOf(form, 'character_reference_images')).toEqual({ name: 'face.jpg', type: 'image/jpeg', bytes: Buffer.from('face') });
		expect((await fileOf(form, 'character_reference_images_mask')).bytes).toEqual(Buffer.from('face mask'));
		expect(form.has('magic_prompt')).toBe(false);
		expect(form.has('rendering_speed')).toBe(false);

		const refs = await submitted(
			adapter,
			jobRequest({
				options: {
					styleReferenceImages: [image({ fileName: 'a.png', data: Buffer.from('A') }), image({ fileName: 'b.webp', mimeType: 'image/webp', data: Buffer.from('B') })],
				},
			}),
		);
		expect(refs.form.getAll('style_reference_images')).toHaveLength(2);
		expect(await fileOf(refs.form, 'style_reference_images', 1)).toEqual({ name: 'b.webp', type: 'image/webp', bytes: Buffer.from('B') });
	});

	it('sends reframe with WxH and none of the prompt fields', async () => {
		const { call, form } = await submitted(
			adapter,
			jobRequest({
				operation: 'reframe',
				mask: undefined,
				prompt: undefined,
				resolution: { width: 1280, height: 800 },
				options: { stylePreset: 'ART_DECO', renderingSpeed: 'QUALITY', styleType: 'GENERAL', magicPrompt: 'ON' },
			}),
		);
		expect(call.request.url).toBe(`${prefix}/reframe`);
		expect(textFields(form)).toEqual({
			resolution: ['1280x800'],
			num_images: ['1'],
			seed: ['12345'],
			rendering_speed: ['QUALITY'],
			style_preset: ['ART_DECO'],
		});
		expect(form.has('mask')).toBe(false);
	});

	it('sends replace-background without style type or character references', async () => {
		const { call, form } = await submitted(
			adapter,
			jobRequest({
				operation: 'replaceBackground',
				mask: undefined,
				options: { styleType: 'DESIGN', characterReferenceImages: [image()], magicPrompt: 'AUTO' },
			}),
		);
		expect(call.request.url).toBe(`${prefix}/replace-background`);
		expect(Object.keys(textFields(form)).sort()).toEqual(['magic_prompt', 'num_images', 'prompt', 'seed']);
		expect(form.has('character_reference_images')).toBe(false);
		expect(adapter.accepts.options.replaceBackground).not.toContain('styleType');
		expect(adapter.accepts.options.reframe).not.toContain('magicPrompt');
		expect(adapter.accepts.options.edit).not.toContain('runware');
	});

	it('maps the images, keeping withheld ones', async () => {
		const answer = {
			created: '2000-01-23 04:56:07+00:00',
			data: [OK.data[0], { url: null, prompt: 'p', resolution: '1024x1024', is_image_safe: false, seed: 7 }],
		};
		const { state } = await submitted(adapter, jobRequest({ options: { numImages: 2 } }), answer);
		expect(state.requestId).toMatch(adapter.name === 'ideogram' ? /^ideogram-/ : /^cometapi-/);
		expect(state.images).toEqual([
			{
				url: OK.data[0].url,
				prompt: 'A photo of a cat wearing a hat.',
				resolution: '1024x1024',
				isImageSafe: true,
				seed: 12345,
				styleType: 'GENERAL',
			},
			{ prompt: 'p', resolution: '1024x1024', isImageSafe: false, seed: 7 },
		]);
	});

	it('names provider, endpoint and field of an unexpected body', async () => {
		const http = new RecordingHttp().json(200, { created: 'now' });
		const e1 = await providerErrorOf(adapter.submit(context(http), jobRequest()));
		expect(e1.message).toContain(`${adapter.displayName} returned an unexpected response from POST `);
		expect(e1.message).toContain('/ideogram-v3/edit: field `data` is missing');
		const typed = new RecordingHttp().json(200, { created: 'now', data: [{ seed: 'x' }] });
		expect((await providerErrorOf(adapter.submit(context(typed), jobRequest()))).message).toContain(
			'field `data[0].seed` should be a number, got string',
		);
		const empty = new RecordingHttp().json(200, { created: 'now', data: [] });
		expect((await providerErrorOf(adapter.submit(context(empty), jobRequest()))).message).toContain('field `data` is empty');
	});

	it('declares what Ideogram 3.0 takes', () => {
		expect(adapter.accepts).toMatchObject({ styleTypes: ['AUTO', 'GENERAL', 'REALISTIC', 'DESIGN', 'FICTION'], maxStyleReferenceImages: 10 });
		expect(adapter.accepts.maxStyleReferenceBytes).toBe(10 * 1024 * 1024);
	});

	it('reads mask polarity and limits', () => {
		expect(adapter.maskConvention).toBe('black');
		expect(adapter.queued).toBe(false);
		expect(adapter.limits.maxImageBytes).toBe(10 * 1024 * 1024);
		expect(adapter.limits.maxImagesPerJob).toBe(8);
		expect(adapter.getState).toBeUndefined();
	});
});

describe('Ideogram adapter: errors (the v1 and v2 bodies read alike)', () => {
	it.each([
		[422, { error: 'Prompt provided failed safety check due to the inclusion of prohibited content.' }, undefined, /change the prompt or the image/, false],
		[402, { error: 'Insufficient funds', reject_reason: 'insufficient_funds' }, 'insufficient_funds', /Add credits or turn on auto recharge/, false],
		[402, { error: 'Subscription required', reject_reason: 'subscription_required' }, 'subscription_required', /Subscribe the organisation/, false],
		[402, { error: 'Daily limit', reject_reason: 'daily_limit' }, 'daily_limit', /resets the next day/, false],
		[402, { error: 'Priority credits', reject_reason: 'priority_credit_required' }, 'priority_credit_required', /priority credits/, false],
		[402, { error: 'Feature limit', reject_reason: 'feature_limit' }, 'feature_limit', /Leave out the option/, false],
		[402, { error: 'Something new', reject_reason: 'brand_new_reason' }, 'brand_new_reason', /reject reason brand_new_reason/, false],
		[429, { error: 'Too many in flight', reject_reason: 'inflight_limit', max_inflight_requests: 10, task_completion_speed: 'fast' }, 'inflight_limit', /\(10 images on its fast queue\).*Concurrency × Number of Images/, true],
		[401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'No API key' }, undefined, /Ideogram API credential/, false],
		[500, {}, undefined, /retry later/, true],
	])('maps HTTP %i', async (status, body, code, hint, retryable) => {
		const http = new RecordingHttp().json(status, body);
		const error = await providerErrorOf(ideogramAdapter.submit(context(http), jobRequest()));
		expect(error.provider).toBe('Ideogram');
		expect(error.operation).toBe('edit');
		expect(error.httpCode).toBe(status);
		expect(error.providerCode).toBe(code);
		expect(error.hint).toMatch(hint);
		expect(error.retryable).toBe(retryable);
	});

	it('names the parameter of an RFC-7807 400', async () => {
		const http = new RecordingHttp().json(400, {
			type: 'about:blank',
			title: 'Bad Request',
			status: 400,
			detail: "'1000x1000' is not one of ['512x1536', …] - 'resolution'",
		});
		const error = await providerErrorOf(
			ideogramAdapter.submit(context(http), jobRequest({ operation: 'reframe', resolution: { width: 1024, height: 1024 }, mask: undefined })),
		);
		expect(error.message).toContain("'1000x1000' is not one of");
		expect(error.hint).toBe('Check the option “Resolution” (resolution).');
		const list = new RecordingHttp().json(400, { detail: [{ loc: ['body', 'seed'], msg: 'value is not a valid integer' }] });
		const e2 = await providerErrorOf(ideogramAdapter.submit(context(list), jobRequest()));
		expect(e2.message).toContain('body.seed: value is not a valid integer');
		expect(e2.hint).toBe('Check the option “Seed” (seed).');
	});
});

describe('CometAPI adapter: errors', () => {
	it('reads its {error:{code,message,type}} envelope', async () => {
		const http = new RecordingHttp().json(400, {
			error: { code: '', message: 'invalid rendering_speed (request id: 2025abc)', type: 'comet_api_error', param: '' },
		});
		const error = await providerErrorOf(cometApiAdapter.submit(context(http), jobRequest()));
		expect(error.provider).toBe('CometAPI');
		expect(error.providerCode).toBe('comet_api_error');
		expect(error.message).toContain('request id: 2025abc');
		expect(error.hint).toContain('Rendering Speed');
	});

	it('does not retry a 500 invalid_request, but does a 503', async () => {
		const bad = new RecordingHttp().json(500, { error: { code: 'invalid_request', message: 'bad multipart', type: 'comet_api_error' } });
		const e1 = await providerErrorOf(cometApiAdapter.submit(context(bad), jobRequest()));
		expect(e1.retryable).toBe(false);
		expect(e1.providerCode).toBe('invalid_request');
		const down = new RecordingHttp().json(503, { error: { code: 'upstream_error', message: 'busy', type: 'comet_api_error' } });
		expect((await providerErrorOf(cometApiAdapter.submit(context(down), jobRequest()))).retryable).toBe(true);
		const slow = new RecordingHttp().json(524, { error: { code: '', message: 'timeout', type: 'comet_api_error' } });
		const e3 = await providerErrorOf(cometApiAdapter.submit(context(slow), jobRequest()));
		expect(e3.mayHaveRun).toBe(true);
	});

	it('points at the base URL when the answer is an HTML page', async () => {
		const http = new RecordingHttp().text(404, '<!doctype html><title>Not found</title>');
		const error = await providerErrorOf(cometApiAdapter.submit(context(http), jobRequest()));
		expect(error.message).toContain('non-JSON body');
		expect(error.hint).toContain('base URL in the CometAPI credential');
	});

	it('reads passed-through Ideogram bodies and errors inside a 200', async () => {
		const safety = new RecordingHttp().json(422, { error: 'Image provided failed safety check' });
		const e1 = await providerErrorOf(cometApiAdapter.submit(context(safety), jobRequest()));
		expect(e1.hint).toMatch(/change the prompt or the image/);
		const inline = new RecordingHttp().json(200, { error: { code: 'quota', message: 'insufficient quota', type: 'comet_api_error' } });
		const e2 = await providerErrorOf(cometApiAdapter.submit(context(inline), jobRequest()));
		expect(e2.message).toContain('insufficient quota');
		const unauth = new RecordingHttp().json(401, { error: { code: '', message: 'invalid token', type: 'comet_api_error' } });
		expect((await providerErrorOf(cometApiAdapter.submit(context(unauth), jobRequest()))).hint).toBe(
			'Check the API key in the CometAPI credential.',
		);
	});
});
