/**
 * Ideogram Edit with the Precise Edit models (Ideogram 4.5 and 4.6) on the two providers that serve
 * them, Ideogram's v2 API and Runware, through n8n's engine with the built package and the strict
 * fakes: the route or model, the fields and the mask polarity each fake received, with a binary
 * mask, with Mask Regions, with no mask, with reference images, each quality tier and the edit
 * region; the images and cost that come out; Price Quote Only; a source over 4.5's size limit; and
 * a saved 3.0 workflow that still inpaints.
 */
import type { IDataObject } from 'n8n-workflow';

import type { RecordedRequest } from '../fakes';
import { testBinary } from '../harness/engine';
import { chain, makeImage, makeMask, packageNode } from '../harness/workflows';
import { captureLogsForFile } from './faults.kit';
import { checkImageBinary, decodeDataUri, imageMeta, maskMismatches, multipartFields, nodeError, oneNode, run, submits } from './support/engineTest';
import { fakesForFile } from './support/fakes';

const W = 640;
const H = 480;
const RECT = { left: 160, top: 120, width: 192, height: 144 };
type Provider = 'ideogram' | 'runware';
const PROVIDERS: readonly Provider[] = ['ideogram', 'runware'];
type Model = 'ideogram-4.5' | 'ideogram-4.6';
const MODELS: Model[] = ['ideogram-4.5', 'ideogram-4.6'];

/** Where each provider's fake says the Precise Edit went (docs/providers/*.md, "Precise Edit"). */
const ROUTE: Record<Model, string> = { 'ideogram-4.5': '/v2/image/precise-edit/ideogram-4-5', 'ideogram-4.6': '/v2/image/precise-edit/ideogram-4-6' };
const RUNWARE_MODEL: Record<Model, string> = { 'ideogram-4.5': 'ideogram:4.5@precise-edit', 'ideogram-4.6': 'ideogram:4.6@precise-edit' };
/** The mask colour of the area to change, as each provider reads it. */
const EDIT_COLOR: Record<Provider, 'black' | 'white'> = { ideogram: 'black', runware: 'white' };

captureLogsForFile();
const fakes = fakesForFile(PROVIDERS, { jobDurationMs: 100 });
let image: Buffer;
let mask: Buffer;
let logo: Buffer;
let product: Buffer;

jest.setTimeout(60_000);

beforeAll(async () => {
	image = await makeImage({ width: W, height: H });
	// The user's mask: white marks the label to repaint, as most editors draw it.
	mask = await makeMask(W, H, RECT, 'white');
	logo = await makeImage({ width: 200, height: 120, color: '#cc2222' });
	product = await makeImage({ width: 300, height: 300, format: 'jpeg', color: '#22aa44' });
});

type MaskKind = 'binary' | 'regions' | 'none';
const MASKS: Record<MaskKind, IDataObject> = {
	binary: { maskSource: 'binary', maskBinaryProperty: 'mask', maskEditColor: 'white' },
	regions: { maskSource: 'region', maskRegions: { regions: [{ unit: 'px', x: RECT.left, y: RECT.top, width: RECT.width, height: RECT.height }] } },
	none: { maskSource: 'none' },
};

function parameters(provider: Provider, model: Model, maskKind: MaskKind, options: IDataObject = {}): IDataObject {
	return { provider, model, imageSource: 'binary', imageBinaryProperty: 'data', prompt: 'the label reads SUMMER SALE', ...MASKS[maskKind], options };
}

function item(source = image) {
	return {
		json: {},
		binary: {
			data: testBinary(source, 'packshot.png', 'image/png'),
			mask: testBinary(mask, 'mask.png', 'image/png'),
			logo: testBinary(logo, 'logo.png', 'image/png'),
			product: testBinary(product, 'product.jpg', 'image/jpeg'),
		},
	};
}

const runEdit = (provider: Provider, params: IDataObject, source?: Buffer) => run(oneNode('ideogramEdit', params, [item(source)]), [fakes[provider]]);

/** What one provider's fake received for the single submit: route or model, text fields, the image, mask and references. */
interface Received {
	where: string;
	fields: Record<string, unknown>;
	image: Buffer;
	mask?: Buffer;
	references: Buffer[];
}

function received(provider: Provider, req: RecordedRequest): Received {
	if (provider === 'ideogram') {
		const files = req.multipart!.files;
		const fields = Object.fromEntries(Object.entries(multipartFields(req)).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
		return { where: req.path, fields, image: files.image[0].data, mask: files.mask?.[0].data, references: (files.reference_images ?? []).map((f) => f.data) };
	}
	const [task] = req.json as Array<Record<string, any>>;
	const { inputs, ...fields } = task;
	return {
		where: task.model,
		fields,
		image: decodeDataUri(inputs.seedImage).bytes,
		mask: inputs.maskImage === undefined ? undefined : decodeDataUri(inputs.maskImage).bytes,
		references: (inputs.referenceImages ?? []).map((r: string) => decodeDataUri(r).bytes),
	};
}

function onlySubmit(provider: Provider): Received {
	const all = submits(fakes[provider]);
	expect(all).toHaveLength(1);
	return received(provider, all[0]);
}

describe.each(['ideogram', 'runware'] as const)('Precise Edit on %s', (provider) => {
	const fake = () => fakes[provider];
	const where = (model: Model) => (provider === 'ideogram' ? ROUTE[model] : RUNWARE_MODEL[model]);

	describe.each(MODELS)('%s', (model) => {
		test.each(['binary', 'regions', 'none'] as const)('with a %s mask: the route, the fields and the mask polarity received; images and cost out', async (maskKind) => {
			const result = await runEdit(provider, parameters(provider, model, maskKind, { numImages: 2, quality: 'high' }));
			expect(result.error('Ideogram')).toBeUndefined();

			const got = onlySubmit(provider);
			expect(got.where).toBe(where(model));
			if (provider === 'ideogram') {
				expect(got.fields).toEqual({ prompt: 'the label reads SUMMER SALE', num_images: '2', seed: expect.stringMatching(/^\d+$/), async: 'true', quality: 'high' });
			} else {
				expect(got.fields).toMatchObject({ positivePrompt: 'the label reads SUMMER SALE', numberResults: 2, settings: { quality: 'high' }, deliveryMethod: 'async' });
				expect(got.fields).not.toHaveProperty('providerSettings');
				expect(got.fields).not.toHaveProperty('seed');
			}
			expect(await imageMeta(got.image)).toMatchObject({ width: W, height: H });
			if (maskKind === 'none') expect(got.mask).toBeUndefined();
			else {
				// The user's white-marked mask (or the regions) arrives in the provider's own convention, both colours present.
				const check = await maskMismatches(got.mask!, RECT, EDIT_COLOR[provider]);
				expect(check).toMatchObject({ wrong: 0, width: W, height: H });
			}

			const [job] = fake().jobs();
			const out = result.output('Ideogram');
			expect(out).toHaveLength(2);
			for (const [i, o] of out.entries()) {
				expect(o.json).toMatchObject({ provider, operation: 'edit', requestId: job.id, status: 'completed', imageIndex: i });
				expect(typeof o.json.cost).toBe('number');
				expect(o.json.cost as number).toBeGreaterThan(0);
				// Precise Edit keeps the source's size.
				await checkImageBinary(o, { operation: 'edit', imageIndex: i, width: W, height: H });
			}
			if (maskKind !== 'none') expect(out[0].json.maskEditShare).toBeCloseTo((RECT.width * RECT.height) / (W * H), 3);
		});

		test('reference images: each one received in order, up to 3 with a mask', async () => {
			const result = await runEdit(provider, parameters(provider, model, 'binary', { referenceImageFields: 'logo, product' }));
			expect(result.error('Ideogram')).toBeUndefined();
			const got = onlySubmit(provider);
			expect(got.references).toHaveLength(2);
			expect(got.references[0].equals(logo)).toBe(true);
			expect(got.references[1].equals(product)).toBe(true);
			expect(result.output('Ideogram')).toHaveLength(1);
		});
	});

	test.each(['very_low', 'low', 'medium', 'high'] as const)('quality %s reaches the provider and the cost follows the tier', async (quality) => {
		const result = await runEdit(provider, parameters(provider, 'ideogram-4.5', 'none', { quality }));
		expect(result.error('Ideogram')).toBeUndefined();
		const got = onlySubmit(provider);
		expect(provider === 'ideogram' ? got.fields.quality : (got.fields.settings as IDataObject).quality).toBe(quality);
		// The 4.5 prices each provider's page lists per tier.
		const price = provider === 'ideogram' ? { very_low: 0.008, low: 0.03, medium: 0.06, high: 0.22 } : { very_low: 0.008, low: 0.03, medium: 0.06, high: 0.2 };
		expect(result.output('Ideogram')[0].json.cost).toBeCloseTo(price[quality], 9);
	});

	test('4.6 with an edit region box in percent: the box reaches the provider in pixels of the image', async () => {
		const box = { box: { unit: 'percent', x: 25, y: 25, width: 50, height: 60 } };
		const result = await runEdit(provider, parameters(provider, 'ideogram-4.6', 'binary', { editRegion: 'box', editRegionBox: box }));
		expect(result.error('Ideogram')).toBeUndefined();
		const got = onlySubmit(provider);
		// 25% of 640 = 160, of 480 = 120; 50% × 60% = 320 × 288 px.
		if (provider === 'ideogram') expect(got.fields.context_window).toBe('120,160,408,480');
		else expect((got.fields.settings as IDataObject).editRegion).toEqual({ x: 160, y: 120, width: 320, height: 288 });
	});

	test('4.6 with the edit region Auto around the mask', async () => {
		const result = await runEdit(provider, parameters(provider, 'ideogram-4.6', 'regions', { editRegion: 'auto' }));
		expect(result.error('Ideogram')).toBeUndefined();
		const got = onlySubmit(provider);
		expect(provider === 'ideogram' ? got.fields.context_window : (got.fields.settings as IDataObject).editRegion).toBe('auto');
	});

	test('a source over 4.5\'s 4 MP is scaled down before paying, its mask with it', async () => {
		const big = await makeImage({ width: 2560, height: 2048 });
		const params = { ...parameters(provider, 'ideogram-4.5', 'regions'), maskRegions: { regions: [{ unit: 'percent', x: 25, y: 25, width: 30, height: 30 }] } };
		const result = await runEdit(provider, params, big);
		expect(result.error('Ideogram')).toBeUndefined();
		const got = onlySubmit(provider);
		const sent = await imageMeta(got.image);
		expect(sent.width * sent.height).toBeLessThanOrEqual(4_194_304);
		expect(sent.width / sent.height).toBeCloseTo(2560 / 2048, 2);
		expect(await imageMeta(got.mask!)).toMatchObject({ width: sent.width, height: sent.height });
		expect(result.output('Ideogram')[0].json.downscaledFrom).toBe('2560x2048');
	});

	test('Wait for Completion off: the submitted item, then Ideogram Poll Result in a later execution outputs the images', async () => {
		const first = await runEdit(provider, { ...parameters(provider, 'ideogram-4.6', 'none'), waitForCompletion: false });
		expect(first.error('Ideogram')).toBeUndefined();
		const [submitted] = first.output('Ideogram');
		expect(submitted.json).toMatchObject({ provider, operation: 'edit', status: 'submitted', numImages: 1 });
		const poll = packageNode('Poll', 'ideogramPollResult', { provider, operation: 'waitForResult', requestId: '={{ $json.requestId }}', options: {} });
		const later = await run(chain([{ json: submitted.json }], poll), [fake()]);
		expect(later.error('Poll')).toBeUndefined();
		const [out] = later.output('Poll');
		expect(out.json).toMatchObject({ provider, requestId: submitted.json.requestId, status: 'completed' });
		await checkImageBinary(out, { operation: 'edit', imageIndex: 0, width: W, height: H });
		expect(fake().paidJobs()).toBe(1);
	});

	test('a 3.0-only option saved on a 4.6 workflow is refused before any request, naming the option, the model and the provider', async () => {
		const result = await runEdit(provider, parameters(provider, 'ideogram-4.6', 'none', { renderingSpeed: 'TURBO' }));
		const error = nodeError(result);
		expect(error.message).toContain('Rendering Speed');
		expect(error.message).toContain('Ideogram 4.6');
		expect(error.message).toContain(provider === 'ideogram' ? 'Ideogram' : 'Runware');
		expect(fake().requests).toHaveLength(0);
	});
});

describe('Ideogram only', () => {
	test('Price Quote Only prices the exact 4.6 request at its route; nothing is generated', async () => {
		const result = await runEdit('ideogram', parameters('ideogram', 'ideogram-4.6', 'binary', { dryRun: true, quality: 'high', numImages: 2, referenceImageFields: 'logo' }));
		expect(result.error('Ideogram')).toBeUndefined();
		const [req] = submits(fakes.ideogram);
		expect(req.path).toBe(ROUTE['ideogram-4.6']);
		expect(req.query).toEqual({ dry_run: 'true' });
		expect(req.multipart!.files.reference_images).toHaveLength(1);
		expect(fakes.ideogram.jobs()).toHaveLength(0);
		const [out] = result.output('Ideogram');
		// The fake's 4.6 High price: 0.30 USD per image at this size.
		expect(out.json).toMatchObject({ costUsd: 0.6, quantity: 2 });
	});

	test('4.5 takes the context window too; a box under 256 px a side is refused before any request', async () => {
		const box = { box: { unit: 'px', x: 0, y: 0, width: 200, height: 300 } };
		const result = await runEdit('ideogram', parameters('ideogram', 'ideogram-4.5', 'binary', { editRegion: 'box', editRegionBox: box }));
		const error = nodeError(result);
		expect(error.message).toContain('Edit Region Box');
		expect(error.message).toContain('256');
		expect(fakes.ideogram.requests).toHaveLength(0);
	});
});

describe('a saved 3.0 workflow', () => {
	test.each(['ideogram', 'runware'] as const)('without a model (as saved before) still inpaints with 3.0 on %s', async (provider) => {
		const params: IDataObject = { provider, imageSource: 'binary', imageBinaryProperty: 'data', prompt: 'a red balloon', maskSource: 'binary', maskBinaryProperty: 'mask', maskEditColor: 'white', options: { renderingSpeed: 'TURBO' } };
		const result = await runEdit(provider, params);
		expect(result.error('Ideogram')).toBeUndefined();
		const got = onlySubmit(provider);
		if (provider === 'ideogram') {
			expect(got.where).toBe('/v2/image/inpaint/ideogram-3');
			expect(got.fields).toEqual({ prompt: 'a red balloon', num_images: '1', seed: expect.stringMatching(/^\d+$/), async: 'true', rendering_speed: 'turbo' });
		} else {
			expect(got.where).toBe('ideogram:4@3');
			expect(got.fields).toMatchObject({ providerSettings: { ideogram: { renderingSpeed: 'TURBO' } } });
			expect(got.fields).not.toHaveProperty('settings');
		}
		expect((await maskMismatches(got.mask!, RECT, EDIT_COLOR[provider])).wrong).toBe(0);
	});
});
