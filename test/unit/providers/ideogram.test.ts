import { ideogramAdapter } from '../../../nodes/shared/providers/ideogram';
import { RecordingHttp, context, image, jobRequest, providerErrorOf, sentForm } from './helpers';

const BASE = 'https://api.provider.test';

function fields(form: FormData): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const [name, value] of form.entries()) (out[name] ??= []).push(typeof value === 'string' ? value : `<file ${(value as File).name}>`);
	return out;
}

async function submit(request = jobRequest(), answer: unknown = { generation_id: 'gen-1', seed: 12345, width: 1024, height: 1024 }) {
	const http = new RecordingHttp().json(200, answer);
	const state = await ideogramAdapter.submit(context(http, `${BASE}/`), request);
	return { state, call: http.last, form: fields(await sentForm(http.last.request)) };
}

describe('Ideogram v2 adapter: requests', () => {
	it('submits an edit to v2 inpaint, asynchronously, with lower-case enums', async () => {
		const { state, call, form } = await submit(
			jobRequest({ options: { renderingSpeed: 'QUALITY', magicPrompt: 'OFF', styleType: 'REALISTIC', stylePreset: 'BAUHAUS', numImages: 2 } }),
		);
		expect(state).toEqual({ requestId: 'gen-1', status: 'submitted' });
		expect(call.kind).toBe('submit');
		expect(call.request.url).toBe(`${BASE}/v2/image/inpaint/ideogram-3`);
		expect(form).toEqual({
			image: ['<file photo.png>'],
			mask: ['<file mask.png>'],
			prompt: ['A cat wearing a hat'],
			num_images: ['2'],
			rendering_speed: ['quality'],
			seed: ['12345'],
			async: ['true'],
			style_preset: ['bauhaus'],
			magic_prompt: ['off'],
			style_type: ['realistic'],
		});
	});

	it('sends a character reference to the character variant, with its single mask', async () => {
		const character = image({ fileName: 'face.png' });
		const mask = image({ fileName: 'face-mask.png' });
		const { call, form } = await submit(jobRequest({ options: { characterReferenceImages: [character], characterReferenceMasks: [mask] } }));
		expect(call.request.url).toBe(`${BASE}/v2/image/inpaint/ideogram-3-character`);
		expect(form.character_reference_images).toEqual(['<file face.png>']);
		expect(form.character_reference_mask).toEqual(['<file face-mask.png>']);
		expect(form.character_reference_images_mask).toBeUndefined();
	});

	it('reframes with WxH and a JSON palette; replaces a background with only its documented fields', async () => {
		const reframe = await submit(
			jobRequest({ operation: 'reframe', mask: undefined, prompt: undefined, resolution: { width: 1280, height: 800 }, options: { colorPalette: { name: 'EMBER' } } }),
		);
		expect(reframe.call.request.url).toBe(`${BASE}/v2/image/reframe/ideogram-3`);
		expect(reframe.form).toMatchObject({ resolution: ['1280x800'], color_palette: ['{"name":"ember"}'], async: ['true'] });
		expect(reframe.form.prompt).toBeUndefined();

		const rbg = await submit(jobRequest({ operation: 'replaceBackground', mask: undefined, options: { renderingSpeed: 'TURBO' } }), { generation_id: 'gen-2' });
		expect(rbg.call.request.url).toBe(`${BASE}/v2/image/replace-background/ideogram-3`);
		expect(Object.keys(rbg.form).sort()).toEqual(['image', 'num_images', 'prompt', 'rendering_speed']);
		expect(rbg.state.requestId).toBe('gen-2');
	});

	it('takes a synchronous answer as a completed generation', async () => {
		const { state } = await submit(jobRequest(), {
			generation_id: 'gen-3',
			seed: 1,
			data: [{ url: 'https://ideogram.test/a.png', prompt: 'p', resolution: '1024x1024', seed: 1, is_image_safe: true }],
		});
		expect(state).toMatchObject({ requestId: 'gen-3', status: 'completed', images: [{ url: 'https://ideogram.test/a.png', seed: 1 }] });
	});

	it('declares the combinations the v2 pages rule out (the parameter model refuses them before any call)', () => {
		const refuses = ideogramAdapter.accepts.refusesCombination!;
		const choice = { operation: 'edit' as const, promptLength: 10, styleCodes: 0, styleReferenceImages: 0, characterReference: false };
		expect(refuses(choice)).toBeUndefined();
		expect(refuses({ ...choice, stylePreset: 'BAUHAUS', styleReferenceImages: 2 })).toMatch(/Style Preset/);
		expect(refuses({ ...choice, operation: 'reframe', stylePreset: 'BAUHAUS', styleCodes: 1 })).toMatch(/one style control/);
		expect(refuses({ ...choice, characterReference: true, styleType: 'DESIGN' })).toMatch(/AUTO, REALISTIC, FICTION/);
		expect(refuses({ ...choice, operation: 'replaceBackground', promptLength: 4001 })).toMatch(/4000 characters/);
		expect(ideogramAdapter.accepts.options.replaceBackground).toEqual(['renderingSpeed', 'dryRun']);
		expect(ideogramAdapter.accepts.options.edit).not.toContain('colorPalette');
	});
});

describe('Ideogram v2 adapter: generations, quotes, cancel', () => {
	const ref = { provider: 'ideogram' as const, operation: 'edit' as const, requestId: 'gen/1' };

	it('polls GET /v2/generations/{id} as a read and maps its states', async () => {
		const http = new RecordingHttp()
			.json(200, { generation_id: 'gen/1', status: 'pending', created: '2026-12-02T00:00:00Z' })
			.json(200, {
				generation_id: 'gen/1',
				status: 'completed',
				response_type: 'url',
				usage_cost_usd_micros: 120000,
				data: [
					{ object_type: 'image.generation', url: 'https://i.test/1.png', prompt: 'p', resolution: '1024x1024', seed: 5, is_image_safe: true },
					{ url: null, prompt: 'p', resolution: '1024x1024', seed: 6, is_image_safe: false },
					{ object_type: 'video.generation', url: 'https://i.test/v.mp4' },
				],
			})
			.json(200, { generation_id: 'gen/1', status: 'failed', failure_reason: 'content_policy_violation' });
		const ctx = context(http, `${BASE}/`);
		expect(await ideogramAdapter.getState!(ctx, ref)).toEqual({ requestId: 'gen/1', status: 'running' });
		expect(http.last).toMatchObject({ kind: 'read', request: { method: 'GET', url: `${BASE}/v2/generations/gen%2F1` } });
		const done = await ideogramAdapter.getState!(ctx, ref);
		expect(done.images).toEqual([
			{ url: 'https://i.test/1.png', prompt: 'p', resolution: '1024x1024', seed: 5, isImageSafe: true, cost: 0.06 },
			{ prompt: 'p', resolution: '1024x1024', seed: 6, isImageSafe: false, cost: 0.06 },
		]);
		const failed = await ideogramAdapter.getState!(ctx, ref);
		expect(failed).toMatchObject({ status: 'failed', error: { code: 'content_policy_violation', message: expect.stringContaining('content_policy_violation') } });
	});

	it('names the generation id on a 404', async () => {
		const http = new RecordingHttp().json(404, { detail: 'Generation not found' });
		const error = await providerErrorOf(ideogramAdapter.getState!(context(http), ref));
		expect(error).toMatchObject({ httpCode: 404, requestId: 'gen/1', retryable: false });
		expect(error.hint).toMatch(/does not know this generation id/);
	});

	it('prices the exact request with ?dry_run=true', async () => {
		const http = new RecordingHttp().json(200, {
			object: 'price_quote',
			billing_identifier: 'ideogram_v3_inpaint',
			qualifier: 'estimate',
			quantity: 2,
			usd_micros: 120000,
			upper_bound_usd_micros: 180000,
			credit_millis: 6000,
		});
		const quote = await ideogramAdapter.quote!(context(http, `${BASE}/`), jobRequest({ options: { numImages: 2 } }));
		expect(http.last.request.url).toBe(`${BASE}/v2/image/inpaint/ideogram-3?dry_run=true`);
		expect(fields(await sentForm(http.last.request))).toMatchObject({ async: ['true'], num_images: ['2'] });
		expect(quote).toEqual({ costUsd: 0.12, costUpperBoundUsd: 0.18, qualifier: 'estimate', billingIdentifier: 'ideogram_v3_inpaint', quantity: 2 });
	});

	it('reads an error carried in a 2xx body', async () => {
		const http = new RecordingHttp().json(200, { error: 'upstream failed', status_code: 503 });
		const error = await providerErrorOf(ideogramAdapter.submit(context(http), jobRequest()));
		expect(error).toMatchObject({ httpCode: 503, message: expect.stringContaining('upstream failed'), retryable: true });
	});
});
