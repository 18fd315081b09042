/**
 * Through n8n's engine, for every provider × operation, the request the fake recorded
 * matches the provider's documented form field by field (docs/providers/), the output items follow
 * docs/interface.md exactly, enum and format translations are per provider, and options a provider
 * lacks are refused before any request.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import sharp from 'sharp';

import { testBinary } from '../harness/engine';
import { imageItem, makeImage, makeMask } from '../harness/workflows';
import { PROVIDERS, type ProviderName } from '../fakes';
import {
	NODE_OF,
	OPERATION_PATH,
	UUID_V4,
	checkImageBinary,
	decodeDataUri,
	downloads,
	keysOf,
	maskMismatches,
	multipartFields,
	multipartFile,
	nodeError,
	oneNode,
	run,
	optionReachesNode,
	startFileServer,
	submits,
} from './support/engineTest';
import { fakesForFile } from './support/fakes';

type Operation = 'edit' | 'reframe' | 'replaceBackground';
const OPERATIONS: Operation[] = ['edit', 'reframe', 'replaceBackground'];

const W = 256;
const H = 192;
const RECT = { left: 64, top: 48, width: 96, height: 64 };
const EDIT_SHARE = (RECT.width * RECT.height) / (W * H); // 0.125
const PROMPT: Record<Operation, string | undefined> = {
	edit: 'a red balloon',
	reframe: undefined,
	replaceBackground: 'a beach at sunset',
};

const fakes = fakesForFile(PROVIDERS, { jobDurationMs: 10 });
let image: Buffer;
let mask: Buffer;

beforeAll(async () => {
	image = await makeImage({ width: W, height: H });
	mask = await makeMask(W, H, RECT, 'black');
});

/** `submitOnly`: queued providers only submit (for tests that look at the request alone). */
function parameters(operation: Operation, provider: ProviderName, options: IDataObject, submitOnly = false) {
	const base: IDataObject = { provider, imageSource: 'binary', imageBinaryProperty: 'data', options };
	if (submitOnly && (provider === 'runComfy' || provider === 'runware')) base.waitForCompletion = false;
	if (operation === 'edit') return { ...base, prompt: PROMPT.edit!, maskSource: 'binary', maskBinaryProperty: 'mask' };
	if (operation === 'reframe') return { ...base, resolution: '1280x800' };
	return { ...base, prompt: PROMPT.replaceBackground! };
}

/** The documented options every matrix run sets: DEFAULT speed, an explicit seed (where the provider takes one), Magic Prompt where it exists. */
const matrixOptions = (operation: Operation, provider?: ProviderName): IDataObject => ({
	renderingSpeed: 'DEFAULT',
	...(provider === 'runware' ? {} : { seed: 12345 }),
	...(operation === 'reframe' ? {} : { magicPrompt: 'ON' }),
});

async function runOperation(
	provider: ProviderName,
	operation: Operation,
	options: IDataObject,
	items = [imageItem(image, { mask })],
	submitOnly = false,
) {
	const result = await run(oneNode(NODE_OF[operation], parameters(operation, provider, options, submitOnly), items), [fakes[provider]]);
	const error = result.error('Ideogram');
	if (error) throw new Error(`node failed: ${error.message} ${(error as { description?: string }).description ?? ''}`);
	return result;
}

const outSize = (operation: Operation) => (operation === 'reframe' ? { width: 1280, height: 800 } : { width: W, height: H });

/** docs/interface.md output keys per provider: fields the provider does not return are left out. */
function expectedKeys(provider: ProviderName, operation: Operation): string[] {
	const keys = ['provider', 'operation', 'requestId', 'status', 'imageIndex', 'imageUrl', 'resolution'];
	if (provider === 'runware') keys.push('seed', 'cost');
	if (provider === 'ideogram' || provider === 'cometApi') {
		keys.push('seed', 'isImageSafe');
		if (operation !== 'reframe') keys.push('prompt'); // reframe has no prompt, so Ideogram returns none
		if (operation === 'edit') keys.push('styleType');
	}
	if (operation === 'edit') keys.push('maskEditShare');
	return keys.sort();
}

async function checkOutput(provider: ProviderName, operation: Operation, out: INodeExecutionData[], requestId: string, format: string) {
	expect(out).toHaveLength(1);
	const [item] = out;
	expect(keysOf(item)).toEqual(expectedKeys(provider, operation));
	const size = outSize(operation);
	expect(item.json).toMatchObject({
		provider,
		operation,
		requestId,
		status: 'completed',
		imageIndex: 0,
		resolution: `${size.width}x${size.height}`,
	});
	expect(item.pairedItem).toEqual({ item: 0 });
	if (operation === 'edit') expect(item.json.maskEditShare).toBeCloseTo(EDIT_SHARE, 6);
	const job = fakes[provider].jobs()[0];
	expect(item.json.imageUrl).toBe(job.images[0]);
	await checkImageBinary(item, { operation, imageIndex: 0, ...size, format });
	// The result was downloaded once, without the provider's key.
	const dl = downloads(fakes[provider]);
	expect(dl).toHaveLength(1);
	expect(dl[0].authSent).toBe(false);
	expect(`${fakes[provider].url}${dl[0].path}`).toBe(String(item.json.imageUrl).split('?')[0]);
}

function expectSameBytes(uriOrBytes: string | Buffer, bytes: Buffer, mime = 'image/png') {
	if (typeof uriOrBytes === 'string') {
		const decoded = decodeDataUri(uriOrBytes);
		expect(decoded.mime).toBe(mime);
		expect(decoded.bytes.equals(bytes)).toBe(true);
	} else expect(uriOrBytes.equals(bytes)).toBe(true);
}

async function expectMask(bytes: Buffer, editColor: 'black' | 'white') {
	const check = await maskMismatches(bytes, RECT, editColor);
	expect({ width: check.width, height: check.height }).toEqual({ width: W, height: H });
	expect(check.first).toBeUndefined();
}

describe('RunComfy: JSON to /v1/models/ideogram/ideogram-v3/<op>', () => {
	test.each(OPERATIONS)('%s: documented body, then status/result with the request id; output per docs/interface.md', async (operation) => {
		const fake = fakes.runComfy;
		const result = await runOperation('runComfy', operation, matrixOptions(operation));
		const [submit] = submits(fake);
		expect(submits(fake)).toHaveLength(1);
		expect(submit.method).toBe('POST');
		expect(submit.path).toBe(`/v1/models/ideogram/ideogram-v3/${OPERATION_PATH[operation]}`);
		expect(submit.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
		expect(submit.headers['api-key']).toBeUndefined();
		expect(submit.headers['content-type']).toMatch(/^application\/json/);
		const body = submit.json as Record<string, unknown>;
		const expected: Record<Operation, string[]> = {
			edit: ['image', 'magic_prompt', 'mask', 'prompt', 'rendering_speed', 'seed'],
			reframe: ['image', 'rendering_speed', 'resolution', 'seed'],
			replaceBackground: ['image', 'magic_prompt', 'prompt', 'rendering_speed', 'seed'],
		};
		expect(Object.keys(body).sort()).toEqual(expected[operation]);
		expect(body.rendering_speed).toBe('BALANCED'); // DEFAULT is BALANCED on RunComfy
		expect(body.seed).toBe(12345);
		if (operation === 'reframe') expect(body.resolution).toBe('1280:800 (8:5)');
		else {
			expect(body.prompt).toBe(PROMPT[operation]);
			expect(body.magic_prompt).toBe('ON');
		}
		expectSameBytes(body.image as string, image);
		if (operation === 'edit') await expectMask(decodeDataUri(body.mask).bytes, 'white');

		// Polling uses the request id RunComfy gave, with the key; the download goes without it.
		const job = fake.jobs()[0];
		const polls = fake.requests.filter((r) => r.kind === 'status' || r.kind === 'result');
		expect(polls.length).toBeGreaterThanOrEqual(2);
		for (const p of polls) {
			expect(p.method).toBe('GET');
			expect(p.path).toMatch(new RegExp(`^/v1/requests/${job.id}/(status|result)$`));
			expect(p.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
		}
		await checkOutput('runComfy', operation, result.output('Ideogram'), job.id, 'png');
	});
});

describe('An image given by URL', () => {
	let noisy: Buffer;
	beforeAll(async () => {
		// About 3 MB: far more than the node reads to check a header.
		noisy = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
			.png()
			.toBuffer();
	});
	const byUrl = async (provider: ProviderName, chunked = false) => {
		const files = await startFileServer({ '/in/photo.png': { body: noisy, type: 'image/png', chunked } });
		const url = `${files.url}/in/photo.png`;
		const params = { ...parameters('replaceBackground', provider, {}, true), imageSource: 'url', imageUrl: url };
		const result = await run(oneNode('ideogramReplaceBackground', params, [{ json: {} }]), [fakes[provider]]).finally(() => files.close());
		expect(result.error('Ideogram')).toBeUndefined();
		// Whoever fetched it (the node to check it, the provider to use it) sent no credential.
		for (const r of files.requests) expect(r.headers.authorization ?? r.headers['api-key']).toBeUndefined();
		return { url, requests: files.requests, submit: submits(fakes[provider])[0] };
	};

	test.each([
		['runComfy', (json: IDataObject) => json.image],
		['runware', (json: IDataObject) => ((json as unknown as IDataObject[])[0].inputs as IDataObject).seedImage],
	] as const)('%s fetches it itself: it gets the URL, and the node read only the start of the file', async (provider, sentImage) => {
		const { url, requests, submit } = await byUrl(provider);
		expect(sentImage(submit.json as IDataObject)).toBe(url);
		const cutShort = requests.filter((r) => !r.complete);
		expect(cutShort).toHaveLength(1);
		expect(cutShort[0].sentBytes).toBeLessThan(noisy.length / 2);
		// The provider's own download.
		expect(requests.filter((r) => r.complete)).toHaveLength(1);
	});

	test('without a Content-Length the start does not tell the size: the node then reads the whole file, and still sends the URL', async () => {
		const { url, requests, submit } = await byUrl('runComfy', true);
		expect((submit.json as IDataObject).image).toBe(url);
		expect(requests.map((r) => r.complete)).toEqual([false, true, true]);
	});

	test('a provider that takes files gets the bytes, downloaded whole once', async () => {
		const { requests, submit } = await byUrl('cometApi');
		expect(requests).toEqual([expect.objectContaining({ complete: true, sentBytes: noisy.length })]);
		expect(multipartFile(submit, 'image').data.equals(noisy)).toBe(true);
	});
});

describe('Runware: task array to /v1, async, getResponse', () => {
	test.each(OPERATIONS)('%s: documented task, then getResponse with the same taskUUID; output per docs/interface.md', async (operation) => {
		const fake = fakes.runware;
		const result = await runOperation('runware', operation, matrixOptions(operation, 'runware'));
		expect(submits(fake)).toHaveLength(1);
		const [submit] = submits(fake);
		expect(submit.method).toBe('POST');
		expect(submit.path).toBe('/v1');
		expect(submit.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
		expect(Array.isArray(submit.json)).toBe(true);
		const tasks = submit.json as Array<Record<string, unknown>>;
		expect(tasks).toHaveLength(1);
		const task = tasks[0];
		const keys = ['taskType', 'taskUUID', 'model', 'inputs', 'providerSettings', 'numberResults', 'deliveryMethod', 'outputType', 'includeCost'];
		if (operation === 'reframe') keys.push('width', 'height');
		else keys.push('positivePrompt');
		expect(Object.keys(task).sort()).toEqual(keys.sort());
		expect(task).toMatchObject({
			taskType: 'imageInference',
			model: { edit: 'ideogram:4@3', reframe: 'ideogram:4@4', replaceBackground: 'ideogram:4@5' }[operation],
			numberResults: 1,
			deliveryMethod: 'async',
			outputType: 'URL',
		});
		expect(task.taskUUID).toMatch(UUID_V4);
		expect((task.providerSettings as IDataObject).ideogram).toEqual(
			operation === 'reframe' ? { renderingSpeed: 'DEFAULT' } : { renderingSpeed: 'DEFAULT', magicPrompt: 'ON' },
		);
		if (operation === 'reframe') expect([task.width, task.height]).toEqual([1280, 800]);
		else expect(task.positivePrompt).toBe(PROMPT[operation]);
		const inputs = task.inputs as Record<string, string>;
		expect(Object.keys(inputs).sort()).toEqual(operation === 'edit' ? ['maskImage', 'seedImage'] : ['seedImage']);
		expectSameBytes(inputs.seedImage, image);
		if (operation === 'edit') await expectMask(decodeDataUri(inputs.maskImage).bytes, 'white');

		const polls = fake.requests.filter((r) => r.kind === 'getResponse');
		expect(polls.length).toBeGreaterThanOrEqual(1);
		for (const p of polls) {
			expect(p.json).toEqual([{ taskType: 'getResponse', taskUUID: task.taskUUID }]);
			expect(p.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
		}
		const out = result.output('Ideogram');
		await checkOutput('runware', operation, out, String(task.taskUUID), 'jpeg'); // Runware's default JPG
		expect(out[0].json.cost).toBe(0.06);
		expect(typeof out[0].json.seed).toBe('number');
	});

	test('every task gets a fresh UUID v4, polled by its own id', async () => {
		const fake = fakes.runware;
		const items = [0, 1, 2].map(() => imageItem(image));
		await runOperation('runware', 'replaceBackground', {}, items);
		const uuids = submits(fake).map((r) => (r.json as Array<Record<string, unknown>>)[0].taskUUID as string);
		expect(uuids).toHaveLength(3);
		expect(new Set(uuids).size).toBe(3);
		for (const u of uuids) expect(u).toMatch(UUID_V4);
		const polled = new Set(
			fake.requests.filter((r) => r.kind === 'getResponse').map((r) => (r.json as Array<Record<string, unknown>>)[0].taskUUID),
		);
		expect(polled).toEqual(new Set(uuids));
	});
});

// Ideogram itself is on v2 (ideogramV2.test.ts); CometAPI keeps the v1 form.
describe.each([['cometApi', '/ideogram/v1/ideogram-v3/']] as const)('%s: multipart to %s<op>', (provider, prefix) => {
	test.each(OPERATIONS)('%s: documented form parts and auth header; output per docs/interface.md', async (operation) => {
		const fake = fakes[provider];
		const result = await runOperation(provider, operation, matrixOptions(operation));
		expect(submits(fake)).toHaveLength(1);
		const [submit] = submits(fake);
		expect(submit.method).toBe('POST');
		expect(submit.path).toBe(`${prefix}${OPERATION_PATH[operation]}`);
		expect(submit.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
		expect(submit.headers['api-key']).toBeUndefined();
		expect(submit.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		// form-data's body, whole: its announced length is the bytes that came, not chunked.
		expect(submit.headers['content-length']).toBe(String(submit.body.length));
		expect(submit.headers['transfer-encoding']).toBeUndefined();
		const expectedFields: Record<string, string[]> = { num_images: ['1'], seed: ['12345'], rendering_speed: ['DEFAULT'] };
		if (operation === 'reframe') expectedFields.resolution = ['1280x800'];
		else Object.assign(expectedFields, { prompt: [PROMPT[operation]!], magic_prompt: ['ON'] });
		expect(multipartFields(submit)).toEqual(expectedFields);
		expect(Object.keys(submit.multipart!.files).sort()).toEqual(operation === 'edit' ? ['image', 'mask'] : ['image']);
		const file = multipartFile(submit, 'image');
		expect(file.contentType).toBe('image/png');
		expect(file.filename).toBe('photo.png');
		expectSameBytes(file.data, image);
		if (operation === 'edit') {
			const maskPart = multipartFile(submit, 'mask');
			expect(maskPart.contentType).toBe('image/png');
			await expectMask(maskPart.data, 'black');
		}
		const out = result.output('Ideogram');
		expect(String(out[0].json.requestId)).toMatch(/^cometapi-[0-9a-f-]{36}$/);
		await checkOutput(provider, operation, out, String(out[0].json.requestId), 'png');
		expect(out[0].json.seed).toBe(12345);
		expect(out[0].json.isImageSafe).toBe(true);
		if (operation !== 'reframe') expect(out[0].json.prompt).toBe(`Enhanced: ${PROMPT[operation]}`); // Magic Prompt ON
	});
});

describe('enum and format translations', () => {
	test('RunComfy: speed, title-case style object, palette preset and members, style codes', async () => {
		const fake = fakes.runComfy;
		const submitOnly = true;
		await runOperation('runComfy', 'edit', { renderingSpeed: 'QUALITY', styleType: 'REALISTIC', stylePreset: 'ART_DECO', colorPalette: 'EMBER' }, undefined, submitOnly);
		let body = submits(fake)[0].json as IDataObject;
		expect(body.rendering_speed).toBe('QUALITY');
		expect(body.style).toEqual({ style_type: 'Realistic', style_preset: 'ART_DECO' });
		expect(body.color_palette).toEqual({ name: 'Ember' });
		expect(body.magic_prompt).toBe('AUTO'); // not set: AUTO, as on the other providers (RunComfy's schema says ON)

		fake.reset();
		await runOperation('runComfy', 'replaceBackground', {
			renderingSpeed: 'TURBO',
			styleCodes: 'AAFF5733, 0133ff57',
			colorPalette: 'CUSTOM',
			customPalette: '#1E3A8A:0.6, #F59E0B',
		}, undefined, submitOnly);
		body = submits(fake)[0].json as IDataObject;
		expect(body.rendering_speed).toBe('TURBO');
		expect(body.style).toEqual({ style_codes: ['AAFF5733', '0133ff57'] });
		expect(body.color_palette).toEqual({ members: [{ color_hex: '#1E3A8A', color_weight: 0.6 }, { color_hex: '#F59E0B' }] });
		expect(typeof body.seed).toBe('number'); // always sent: RunComfy would otherwise use its fixed schema default
	});

	test('Runware: providerSettings.ideogram casing, one styleCode, width/height, Runware-only output options', async () => {
		const fake = fakes.runware;
		await runOperation('runware', 'edit', { renderingSpeed: 'QUALITY', styleType: 'REALISTIC', stylePreset: 'ART_DECO', magicPrompt: 'OFF' }, undefined, true);
		let task = (submits(fake)[0].json as IDataObject[])[0];
		expect(task.providerSettings).toEqual({
			ideogram: { renderingSpeed: 'QUALITY', magicPrompt: 'OFF', styleType: 'REALISTIC', stylePreset: 'ART_DECO' },
		});

		fake.reset();
		const result = await runOperation('runware', 'reframe', {
			renderingSpeed: 'TURBO',
			styleCodes: 'AAFF5733',
			outputFormat: 'WEBP',
			includeCost: false,
		});
		task = (submits(fake)[0].json as IDataObject[])[0];
		expect(task.providerSettings).toEqual({ ideogram: { renderingSpeed: 'TURBO', styleCode: 'AAFF5733' } });
		expect([task.width, task.height]).toEqual([1280, 800]);
		expect(task.outputFormat).toBe('WEBP');
		expect(task.includeCost).toBe(false);
		const [item] = result.output('Ideogram');
		expect(item.json.cost).toBeUndefined();
		await checkImageBinary(item, { operation: 'reframe', imageIndex: 0, width: 1280, height: 800, format: 'webp' });
	});

	test('Ideogram v2: lower-case enums, color_palette as one application/json part on reframe, style_codes as repeated parts', async () => {
		const fake = fakes.ideogram;
		await runOperation('ideogram', 'edit', { renderingSpeed: 'TURBO', styleType: 'REALISTIC', stylePreset: 'ART_DECO', magicPrompt: 'OFF' });
		let fields = multipartFields(submits(fake)[0]);
		expect(fields.rendering_speed).toEqual(['turbo']);
		expect(fields.style_type).toEqual(['realistic']);
		expect(fields.style_preset).toEqual(['art_deco']);
		expect(fields.magic_prompt).toEqual(['off']);

		fake.reset();
		await runOperation('ideogram', 'reframe', { customPalette: '#1E3A8A:0.6, #F59E0B' });
		fields = multipartFields(submits(fake)[0]);
		expect(fields.color_palette).toHaveLength(1);
		// A part of type application/json, as the OpenAPI spec encodes it.
		expect(submits(fake)[0].multipart!.fieldTypes.color_palette).toEqual(['application/json']);
		expect(JSON.parse(fields.color_palette[0])).toEqual({
			members: [{ color_hex: '#1E3A8A', color_weight: 0.6 }, { color_hex: '#F59E0B' }],
		});

		fake.reset();
		await runOperation('ideogram', 'reframe', { styleCodes: 'AAFF5733, 0133FF57', colorPalette: 'EMBER' });
		fields = multipartFields(submits(fake)[0]);
		expect(fields.style_codes).toEqual(['AAFF5733', '0133FF57']);
		expect(JSON.parse(fields.color_palette[0])).toEqual({ name: 'ember' });
		expect(fields.style_type).toBeUndefined();
	});

	test('CometAPI: reframe resolution WxH, palette (an application/json part) and preset pass through like Ideogram', async () => {
		const fake = fakes.cometApi;
		await runOperation('cometApi', 'reframe', { renderingSpeed: 'QUALITY', colorPalette: 'PASTEL', stylePreset: 'WATERCOLOR' });
		const fields = multipartFields(submits(fake)[0]);
		expect(fields.resolution).toEqual(['1280x800']);
		expect(fields.rendering_speed).toEqual(['QUALITY']);
		expect(fields.style_preset).toEqual(['WATERCOLOR']);
		expect(JSON.parse(fields.color_palette[0])).toEqual({ name: 'PASTEL' });
		// A part of type application/json, as the OpenAPI spec encodes it; the other text parts have no type.
		expect(submits(fake)[0].multipart!.fieldTypes).toMatchObject({ color_palette: ['application/json'], resolution: [undefined], style_preset: [undefined] });
		expect(fields.prompt).toBeUndefined();
		expect(fields.magic_prompt).toBeUndefined();
	});
});

describe('options a provider does not take are refused, though the panel does not offer them', () => {
	/**
	 * The Add Option list does not offer these options for the provider; a saved value (the
	 * provider was switched after the option was set) is shown as not available and still reaches
	 * the node, which refuses it with a NodeOperationError naming option and provider before any
	 * request, rather than n8n dropping it unseen.
	 */
	/** `options`: the one option set; `extraBinary`: the item also has the binary field `style1` the option names. */
	const cases: Array<{ name: string; provider: ProviderName; operation: Operation; options: IDataObject; words: string[]; extraBinary?: boolean }> = [
		{ name: 'Color Palette on Runware', provider: 'runware', operation: 'edit', options: { colorPalette: 'EMBER' }, words: ['Color Palette', 'Runware'] },
		{ name: 'style reference images on RunComfy', provider: 'runComfy', operation: 'replaceBackground', options: { styleReferenceImages: 'style1' }, words: ['Style Reference', 'RunComfy'], extraBinary: true },
		{ name: 'Style Type on Ideogram reframe', provider: 'ideogram', operation: 'reframe', options: { styleType: 'REALISTIC' }, words: ['Style Type', 'Ideogram', 'Reframe'] },
		{ name: 'Style Type on CometAPI replace background', provider: 'cometApi', operation: 'replaceBackground', options: { styleType: 'GENERAL' }, words: ['Style Type', 'CometAPI', 'Replace Background'] },
		{ name: 'character reference on RunComfy edit', provider: 'runComfy', operation: 'edit', options: { characterReferenceImage: 'style1' }, words: ['Character Reference', 'RunComfy'], extraBinary: true },
		{ name: 'Magic Prompt on RunComfy reframe', provider: 'runComfy', operation: 'reframe', options: { magicPrompt: 'ON' }, words: ['Magic Prompt', 'RunComfy'] },
		{ name: 'Runware-only output format on Ideogram', provider: 'ideogram', operation: 'edit', options: { outputFormat: 'PNG' }, words: ['Runware', 'Ideogram'] },
		{ name: 'Color Palette on Ideogram edit (v2 inpaint has none)', provider: 'ideogram', operation: 'edit', options: { colorPalette: 'EMBER' }, words: ['Color Palette', 'Ideogram', 'Edit'] },
		{ name: 'Magic Prompt on Ideogram Replace Background (v2 has none)', provider: 'ideogram', operation: 'replaceBackground', options: { magicPrompt: 'ON' }, words: ['Magic Prompt', 'Ideogram'] },
		{ name: 'Seed on Ideogram Replace Background (v2 has none)', provider: 'ideogram', operation: 'replaceBackground', options: { seed: 7 }, words: ['Seed', 'Ideogram'] },
		{ name: 'Price Quote Only on RunComfy', provider: 'runComfy', operation: 'reframe', options: { dryRun: true }, words: ['Price Quote Only', 'RunComfy'] },
	];

	test.each(cases)('$name', async ({ provider, operation, options, words, extraBinary }) => {
		const item = imageItem(image, { mask });
		if (extraBinary) item.binary!.style1 = testBinary(image, 'style.png', 'image/png');
		const params = parameters(operation, provider, options, true);
		const [option] = Object.keys(options);
		expect(await optionReachesNode(NODE_OF[operation], params, option)).toBe(true);
		const result = await run(oneNode(NODE_OF[operation], params, [item]), [fakes[provider]]);
		const error = nodeError(result);
		expect(error.name).toBe('NodeOperationError');
		for (const w of words) expect(error.message).toContain(w);
		expect(error.description).toContain('Remove');
		expect(fakes[provider].requests).toHaveLength(0);
		expect(result.output('Ideogram')).toHaveLength(0);
	});

	test('an empty value of an option the provider does not take asks for nothing: the node runs (the panel does not show it either)', async () => {
		// Runware's Ideogram 3.0 models take no colour palette; Custom Palette was added and left empty
		const params = parameters('edit', 'runware', { customPalette: '' }, true);
		expect(await optionReachesNode(NODE_OF.edit, params, 'customPalette')).toBe(true);
		const result = await run(oneNode(NODE_OF.edit, params, [imageItem(image, { mask })]), [fakes.runware]);
		expect(result.error('Ideogram')).toBeUndefined();
		expect(result.output('Ideogram')[0].json).toMatchObject({ provider: 'runware', status: 'submitted' });
		expect(submits(fakes.runware)).toHaveLength(1);
		expect(submits(fakes.runware)[0].body.toString()).not.toMatch(/palette/i);
	});

	test.each([
		{ name: 'two style codes on Runware (it takes one)', provider: 'runware' as const, operation: 'replaceBackground' as const, options: { styleCodes: 'AAFF5733,0133FF57' }, words: ['Style Codes has 2 codes; Runware takes 1'] },
		{ name: 'a Runware-only style type on Ideogram', provider: 'ideogram' as const, operation: 'edit' as const, options: { styleType: 'RENDER_3D' }, words: ['Ideogram', 'RENDER_3D'] },
		{ name: 'a Runware-only style type on RunComfy', provider: 'runComfy' as const, operation: 'replaceBackground' as const, options: { styleType: 'ANIME' }, words: ['RunComfy', 'ANIME'] },
	])('value the provider cannot take: $name', async ({ provider, operation, options, words }) => {
		const params = parameters(operation, provider, options);
		// The option itself is shown for this provider, so the value does reach the node.
		expect(await optionReachesNode(NODE_OF[operation], params, Object.keys(options)[0])).toBe(true);
		const result = await run(oneNode(NODE_OF[operation], params, [imageItem(image, { mask })]), [fakes[provider]]);
		const error = nodeError(result);
		expect(error.name).toBe('NodeOperationError');
		for (const w of words) expect(error.message).toContain(w);
		expect(fakes[provider].requests).toHaveLength(0);
	});
});
