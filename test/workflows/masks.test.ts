/**
 * Masks through n8n's engine: whatever mask the user gives (binary in any of the three
 * conventions, a URL, or rectangles in pixels or percent, of any size), the provider receives
 * exactly the mask its convention needs: every pixel of the user's edit rectangle in the provider's
 * edit colour (black for Ideogram/CometAPI, white for RunComfy/Runware, or flipped by
 * `providerMaskColor`), every other pixel the keep colour, at the image's size. Bad masks are
 * refused with a NodeOperationError that names the problem and the fix, before any request.
 */
import type { IDataObject } from 'n8n-workflow';
import sharp from 'sharp';

import { testBinary, type TestItem } from '../harness/engine';
import { imageItem, makeImage, makeMask } from '../harness/workflows';
import { PROVIDERS, type ProviderName, type RecordedRequest } from '../fakes';
import {
	decodeDataUri,
	makeTransparentMask,
	maskMismatches,
	multipartFile,
	nodeError,
	oneNode,
	run,
	startFileServer,
	submits,
	type FileServer,
	type Rect,
} from './support/engineTest';
import { fakesForFile } from './support/fakes';

const W = 256;
const H = 192;
const RECT: Rect = { left: 64, top: 48, width: 96, height: 64 };
const SHARE = (RECT.width * RECT.height) / (W * H); // 0.125
const QUEUED: ProviderName[] = ['runComfy', 'runware'];
const DEFAULT_EDIT_COLOR: Record<ProviderName, 'black' | 'white'> = {
	runComfy: 'white',
	runware: 'white',
	cometApi: 'black',
	ideogram: 'black',
};

const fakes = fakesForFile(PROVIDERS, { jobDurationMs: 10 });
let files: FileServer;
let image: Buffer;
const masks: Record<string, Buffer> = {};

beforeAll(async () => {
	image = await makeImage({ width: W, height: H });
	masks.black = await makeMask(W, H, RECT, 'black');
	masks.white = await makeMask(W, H, RECT, 'white');
	masks.transparent = await makeTransparentMask(W, H, RECT);
	// Half the image's size, same rectangle scaled: the node must stretch it to 256×192.
	masks.half = await makeMask(W / 2, H / 2, { left: 32, top: 24, width: 48, height: 32 }, 'black');
	masks.allBlack = await sharp({ create: { width: W, height: H, channels: 3, background: '#000000' } }).png().toBuffer();
	masks.allWhite = await sharp({ create: { width: W, height: H, channels: 3, background: '#ffffff' } }).png().toBuffer();
	masks.gif = await sharp(masks.black).gif().toBuffer();
	masks.noAlpha = await sharp(masks.black).removeAlpha().png().toBuffer();
	files = await startFileServer({ '/masks/black.png': { body: masks.black, type: 'image/png' } });
});
afterAll(async () => {
	await files?.close();
});

/** Edit parameters; queued providers only submit (the mask is all these tests look at). */
function editParams(provider: ProviderName, mask: IDataObject, options: IDataObject = {}, wait = false): IDataObject {
	return {
		provider,
		imageSource: 'binary',
		prompt: 'a red balloon',
		...(QUEUED.includes(provider) && !wait ? { waitForCompletion: false } : {}),
		...mask,
		options,
	};
}

/** The mask as the fake received it: data URI (RunComfy, Runware) or multipart file (Ideogram, CometAPI). */
function receivedMask(provider: ProviderName, req: RecordedRequest): Buffer {
	if (provider === 'runComfy') return decodeDataUri((req.json as IDataObject).mask).bytes;
	if (provider === 'runware') return decodeDataUri(((req.json as IDataObject[])[0].inputs as IDataObject).maskImage).bytes;
	const part = multipartFile(req, 'mask');
	expect(part.contentType).toBe('image/png');
	return part.data;
}

async function runEdit(provider: ProviderName, mask: IDataObject, binaryMask?: Buffer, options: IDataObject = {}, wait = false) {
	const item: TestItem = imageItem(image, binaryMask ? { mask: binaryMask } : {});
	const result = await run(oneNode('ideogramEdit', editParams(provider, mask, options, wait), [item]), [fakes[provider]]);
	const error = result.error('Ideogram');
	if (error) throw new Error(`node failed: ${error.message} ${(error as { description?: string }).description ?? ''}`);
	return result;
}

async function expectReceivedMask(provider: ProviderName, editColor: 'black' | 'white') {
	const requests = submits(fakes[provider]);
	expect(requests).toHaveLength(1);
	const check = await maskMismatches(receivedMask(provider, requests[0]), RECT, editColor);
	expect({ size: `${check.width}x${check.height}`, firstWrongPixel: check.first }).toEqual({ size: `${W}x${H}`, firstWrongPixel: undefined });
	// The fake measured the same share of edit pixels in its own convention.
	expect(fakes[provider].jobs()[0].editFraction).toBeCloseTo(
		editColor === DEFAULT_EDIT_COLOR[provider] ? SHARE : 1 - SHARE,
		6,
	);
}

const SOURCES: Array<{ name: string; mask: () => IDataObject; binary?: () => Buffer }> = [
	{ name: 'binary, black marks the edit area', mask: () => ({ maskSource: 'binary', maskEditColor: 'black' }), binary: () => masks.black },
	{ name: 'binary, white marks the edit area', mask: () => ({ maskSource: 'binary', maskEditColor: 'white' }), binary: () => masks.white },
	{
		name: 'binary, transparent marks the edit area (alpha)',
		mask: () => ({ maskSource: 'binary', maskEditColor: 'transparent' }),
		binary: () => masks.transparent,
	},
	{ name: 'URL', mask: () => ({ maskSource: 'url', maskUrl: `${files.url}/masks/black.png`, maskEditColor: 'black' }) },
	{
		name: 'region in pixels',
		mask: () => ({ maskSource: 'region', maskRegions: { regions: [{ unit: 'px', x: 64, y: 48, width: 96, height: 64 }] } }),
	},
	{
		name: 'region in percent',
		mask: () => ({ maskSource: 'region', maskRegions: { regions: [{ unit: 'percent', x: 25, y: 25, width: 37.5, height: 33.333333 }] } }),
	},
];

describe('the provider receives exactly the mask its convention needs', () => {
	const cases = PROVIDERS.flatMap((provider) => SOURCES.map((source) => ({ provider, source: source.name, s: source })));
	test.each(cases)('$provider ← $source', async ({ provider, s }) => {
		await runEdit(provider, s.mask(), s.binary?.());
		await expectReceivedMask(provider, DEFAULT_EDIT_COLOR[provider]);
		if (s.name === 'URL') for (const r of files.requests) expect(r.headers.authorization ?? r.headers['api-key']).toBeUndefined();
	});

	test.each(PROVIDERS)("%s: 'providerMaskColor' flips the colour sent", async (provider) => {
		const flipped = DEFAULT_EDIT_COLOR[provider] === 'black' ? 'white' : 'black';
		await runEdit(provider, { maskSource: 'binary', maskEditColor: 'black' }, masks.black, { providerMaskColor: flipped });
		await expectReceivedMask(provider, flipped);
	});

	test.each(PROVIDERS)('%s: a mask of another size is resized to the image', async (provider) => {
		await runEdit(provider, { maskSource: 'binary', maskEditColor: 'black' }, masks.half);
		await expectReceivedMask(provider, DEFAULT_EDIT_COLOR[provider]);
	});

	test.each(PROVIDERS)('%s: the output item carries maskEditShare', async (provider) => {
		const result = await runEdit(provider, { maskSource: 'binary', maskEditColor: 'white' }, masks.white, {}, true);
		const [item] = result.output('Ideogram');
		expect(item.json.status).toBe('completed');
		expect(item.json.maskEditShare).toBeCloseTo(SHARE, 6);
	});
});

describe('bad masks are refused before any request, naming the problem and the fix', () => {
	const cases: Array<{
		name: string;
		provider: ProviderName;
		mask: IDataObject;
		binary?: () => Buffer;
		options?: IDataObject;
		message: RegExp;
		fix: RegExp;
	}> = [
		{
			name: 'all black, black = edit (covers everything)',
			provider: 'ideogram',
			mask: { maskSource: 'binary', maskEditColor: 'black' },
			binary: () => masks.allBlack,
			message: /covers the whole image/,
			fix: /maskEditColor|only the area/,
		},
		{
			name: 'all white, black = edit (marks nothing)',
			provider: 'runComfy',
			mask: { maskSource: 'binary', maskEditColor: 'black' },
			binary: () => masks.allWhite,
			message: /marks nothing to edit/,
			fix: /maskEditColor/,
		},
		{
			name: 'all black, white = edit (marks nothing)',
			provider: 'runware',
			mask: { maskSource: 'binary', maskEditColor: 'white' },
			binary: () => masks.allBlack,
			message: /marks nothing to edit/,
			fix: /maskEditColor/,
		},
		{
			name: 'transparent chosen but the mask has no alpha',
			provider: 'cometApi',
			mask: { maskSource: 'binary', maskEditColor: 'transparent' },
			binary: () => masks.noAlpha,
			message: /no transparency/,
			fix: /maskEditColor to 'black' or 'white'/,
		},
		{
			name: 'transparent chosen but every pixel is opaque',
			provider: 'runComfy',
			mask: { maskSource: 'binary', maskEditColor: 'transparent' },
			binary: () => masks.black, // RGBA, alpha 255 everywhere
			message: /marks nothing to edit: none of its pixels is transparent/,
			fix: /maskEditColor/,
		},
		{
			name: 'not an image',
			provider: 'ideogram',
			mask: { maskSource: 'binary' },
			binary: () => Buffer.from('this is not an image, it is text'),
			message: /mask is not a PNG, JPEG or WebP image/,
			fix: /image file itself/,
		},
		{
			name: 'a GIF',
			provider: 'runware',
			mask: { maskSource: 'binary' },
			binary: () => masks.gif,
			message: /GIF/,
			fix: /Convert it to PNG, JPEG or WebP/,
		},
		{
			name: 'size mismatch with maskSizeMismatch: error',
			provider: 'runComfy',
			mask: { maskSource: 'binary' },
			binary: () => masks.half,
			options: { maskSizeMismatch: 'error' },
			message: /128×96 px but the image is 256×192 px/,
			fix: /Make the mask 256×192 px/,
		},
		{
			name: 'zero-size region',
			provider: 'cometApi',
			mask: { maskSource: 'region', maskRegions: { regions: [{ unit: 'px', x: 10, y: 10, width: 0, height: 20 }] } },
			message: /zero width/,
			fix: /above 0/,
		},
		{
			name: 'region outside the image',
			provider: 'runComfy',
			mask: { maskSource: 'region', maskRegions: { regions: [{ unit: 'px', x: 300, y: 10, width: 20, height: 20 }] } },
			message: /entirely outside the 256×192 px image/,
			fix: /Move it inside the image/,
		},
		{
			name: 'regions covering the whole image',
			provider: 'ideogram',
			mask: { maskSource: 'region', maskRegions: { regions: [{ unit: 'percent', x: 0, y: 0, width: 100, height: 100 }] } },
			message: /cover the whole image/,
			fix: /only the area to repaint/,
		},
		{
			name: 'no regions',
			provider: 'runware',
			mask: { maskSource: 'region', maskRegions: {} },
			message: /Mask Regions is empty|No mask regions/,
			fix: /Add at least one/,
		},
		{
			name: 'mask URL that does not serve an image',
			provider: 'cometApi',
			mask: { maskSource: 'url', maskUrl: 'http://127.0.0.1:1/none.png' },
			message: /Could not download the mask/,
			fix: /URL is public/,
		},
		{
			name: 'no mask binary on the item',
			provider: 'ideogram',
			mask: { maskSource: 'binary', maskBinaryProperty: 'mask' },
			message: /no binary field "mask"/,
			fix: /binary fields are: data/,
		},
	];

	test.each(cases)('$name ($provider)', async ({ provider, mask, binary, options, message, fix }) => {
		const item: TestItem = imageItem(image, binary ? { mask: binary() } : {});
		const result = await run(oneNode('ideogramEdit', editParams(provider, mask, options ?? {}), [item]), [fakes[provider]]);
		const error = nodeError(result);
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(fix);
		expect(fakes[provider].requests).toHaveLength(0);
		expect(result.output('Ideogram')).toHaveLength(0);
	});

	test('with Continue On Fail a bad mask fails only its own item', async () => {
		const fake = fakes.ideogram;
		const items: TestItem[] = [
			imageItem(image, { mask: masks.black }),
			{ json: {}, binary: { data: testBinary(image, 'p.png', 'image/png'), mask: testBinary(masks.allWhite, 'm.png', 'image/png') } },
		];
		const result = await run(
			oneNode('ideogramEdit', editParams('ideogram', { maskSource: 'binary', maskEditColor: 'black' }), items, { onError: 'continueRegularOutput' }),
			[fake],
		);
		const out = result.output('Ideogram');
		expect(out).toHaveLength(2);
		expect(out[0].json).toMatchObject({ status: 'completed', maskEditShare: SHARE });
		expect(out[1].json).toMatchObject({ details: { provider: 'ideogram', operation: 'edit', parameter: 'maskEditColor' } });
		expect(String(out[1].json.error)).toMatch(/marks nothing to edit/);
		expect(out[1].pairedItem).toEqual({ item: 1 });
		expect(submits(fake)).toHaveLength(1);
	});
});
