/**
 * Phone photos through n8n's engine: a JPEG stored turned with EXIF orientation 3, 6 or 8 and a
 * mask drawn on the picture as seen. Every provider's fake receives the image upright (no
 * orientation left in the file) and the mask at the same size, its edit area over the red marker
 * painted on the upright picture; the output says which orientation was applied. An image URL
 * with an orientation reaches a provider that fetches URLs as upright bytes, not as the URL.
 */
import type { IDataObject } from 'n8n-workflow';
import sharp from 'sharp';

import { testBinary, type TestItem } from '../harness/engine';
import { makeMask } from '../harness/workflows';
import { editBox, markerBox, phonePhoto, storedOrientation, type PhoneOrientation, type Rect } from '../harness/phonePhoto';
import { PROVIDERS, type ProviderName, type RecordedRequest } from '../fakes';
import { NODE_OF, decodeDataUri, multipartFile, oneNode, run, startFileServer, submits } from './support/engineTest';
import { fakesForFile } from './support/fakes';

/** Seen upright; for 6 and 8 the file's own pixels are 400×300. */
const SEEN = { 3: { width: 400, height: 300 }, 6: { width: 300, height: 400 }, 8: { width: 300, height: 400 } } as const;
const MARKER: Rect = { left: 40, top: 60, width: 80, height: 100 };
const ORIENTATIONS: PhoneOrientation[] = [3, 6, 8];
const PROVIDER_EDIT_COLOR: Record<ProviderName, 'black' | 'white'> = { runComfy: 'white', runware: 'white', cometApi: 'black', ideogram: 'black' };

const fakes = fakesForFile(PROVIDERS, { jobDurationMs: 10 });

/** What the fake received as the image and the mask: data URIs (RunComfy, Runware) or multipart files (CometAPI, Ideogram). */
function received(provider: ProviderName, req: RecordedRequest): { image: unknown; mask?: Buffer } {
	if (provider === 'runComfy') {
		const json = req.json as IDataObject;
		return { image: json.image, mask: json.mask === undefined ? undefined : decodeDataUri(json.mask).bytes };
	}
	if (provider === 'runware') {
		const inputs = (req.json as IDataObject[])[0].inputs as IDataObject;
		return { image: inputs.seedImage, mask: inputs.maskImage === undefined ? undefined : decodeDataUri(inputs.maskImage).bytes };
	}
	return { image: multipartFile(req, 'image').data, mask: req.multipart?.files.mask ? multipartFile(req, 'mask').data : undefined };
}

const bytesOf = (image: unknown) => (Buffer.isBuffer(image) ? image : decodeDataUri(image).bytes);

/** The picture arrived upright: no orientation left to apply, the size as seen, the marker where it is seen (JPEG edges: ±2 px). */
async function expectUpright(image: Buffer, seen: { width: number; height: number }) {
	expect(await storedOrientation(image)).toBe(1);
	const box = await markerBox(image);
	expect({ width: box?.imageWidth, height: box?.imageHeight }).toEqual(seen);
	const off = box && Math.max(...(['left', 'top', 'width', 'height'] as const).map((key) => Math.abs(box[key] - MARKER[key])));
	expect({ box, near: off !== undefined && off <= 2 }).toEqual({ box, near: true });
}

function parameters(operation: keyof typeof NODE_OF, provider: ProviderName, extra: IDataObject = {}): IDataObject {
	const base: IDataObject = { provider, imageSource: 'binary', imageBinaryProperty: 'data', options: {}, ...extra };
	if (operation === 'edit') return { prompt: 'a red balloon', maskSource: 'binary', maskBinaryProperty: 'mask', maskEditColor: 'black', ...base };
	if (operation === 'reframe') return { resolution: '1280x800', ...base };
	return { prompt: 'a beach at sunset', ...base };
}

async function runNode(operation: keyof typeof NODE_OF, provider: ProviderName, items: TestItem[], extra?: IDataObject) {
	const result = await run(oneNode(NODE_OF[operation], parameters(operation, provider, extra), items), [fakes[provider]]);
	const error = result.error('Ideogram');
	if (error) throw new Error(`node failed: ${error.message} ${(error as { description?: string }).description ?? ''}`);
	return result;
}

describe('Edit: a phone photo and a mask drawn on it as seen reach every provider upright and lined up', () => {
	const cases = ORIENTATIONS.flatMap((orientation) => PROVIDERS.map((provider) => ({ orientation, provider })));
	test.each(cases)('orientation $orientation → $provider', async ({ orientation, provider }) => {
		const seen = SEEN[orientation];
		const photo = await phonePhoto({ orientation, ...seen, marker: MARKER });
		const mask = await makeMask(seen.width, seen.height, MARKER, 'black');
		const item: TestItem = { json: {}, binary: { data: testBinary(photo, 'IMG_0001.jpg', 'image/jpeg'), mask: testBinary(mask, 'mask.png', 'image/png') } };
		const result = await runNode('edit', provider, [item]);

		const requests = submits(fakes[provider]);
		expect(requests).toHaveLength(1);
		const sent = received(provider, requests[0]);
		await expectUpright(bytesOf(sent.image), seen);
		// The mask: the image's size, its edit area exactly the marker's place on the upright picture.
		expect(await editBox(sent.mask!, PROVIDER_EDIT_COLOR[provider])).toEqual({ ...MARKER, imageWidth: seen.width, imageHeight: seen.height });
		const job = fakes[provider].jobs()[0];
		expect({ width: job.maskWidth, height: job.maskHeight }).toEqual(seen);

		const [out] = result.output('Ideogram');
		expect(out.json).toMatchObject({ status: 'completed', exifOrientationApplied: orientation });
		expect(out.json).not.toHaveProperty('downscaledFrom');
	});

	test('an upright photo says nothing of orientation', async () => {
		const upright = await phonePhoto({ orientation: 6, ...SEEN[6], marker: MARKER });
		const plain = await sharp(upright).rotate().jpeg().toBuffer();
		const mask = await makeMask(SEEN[6].width, SEEN[6].height, MARKER, 'black');
		const item: TestItem = { json: {}, binary: { data: testBinary(plain, 'IMG_0002.jpg', 'image/jpeg'), mask: testBinary(mask, 'mask.png', 'image/png') } };
		const result = await runNode('edit', 'cometApi', [item]);
		expect(multipartFile(submits(fakes.cometApi)[0], 'image').data.equals(plain)).toBe(true);
		expect(result.output('Ideogram')[0].json).not.toHaveProperty('exifOrientationApplied');
	});
});

describe('Reframe and Replace Background receive the photo upright', () => {
	const cases = (['reframe', 'replaceBackground'] as const).flatMap((operation) => PROVIDERS.map((provider) => ({ operation, provider })));
	test.each(cases)('$operation → $provider', async ({ operation, provider }) => {
		const photo = await phonePhoto({ orientation: 6, ...SEEN[6], marker: MARKER });
		const result = await runNode(operation, provider, [{ json: {}, binary: { data: testBinary(photo, 'IMG_0003.jpg', 'image/jpeg') } }]);
		const requests = submits(fakes[provider]);
		expect(requests).toHaveLength(1);
		await expectUpright(bytesOf(received(provider, requests[0]).image), SEEN[6]);
		expect(result.output('Ideogram')[0].json).toMatchObject({ status: 'completed', exifOrientationApplied: 6 });
	});
});

describe('an image URL with an orientation, to a provider that fetches URLs itself', () => {
	const byUrl = async (provider: ProviderName, photo: Buffer) => {
		const files = await startFileServer({ '/in/IMG_0004.jpg': { body: photo, type: 'image/jpeg' } });
		const url = `${files.url}/in/IMG_0004.jpg`;
		const result = await runNode('replaceBackground', provider, [{ json: {} }], { imageSource: 'url', imageUrl: url }).finally(() => files.close());
		const image = received(provider, submits(fakes[provider])[0]).image;
		expect(image).not.toBe(url);
		expect(decodeDataUri(image).mime).toBe('image/jpeg');
		expect(result.output('Ideogram')[0].json).toMatchObject({ status: 'completed', exifOrientationApplied: 8 });
		return { requests: files.requests, sent: decodeDataUri(image).bytes };
	};

	test.each(['runComfy', 'runware'] as const)('%s receives upright bytes, not the URL', async (provider) => {
		const seen = { width: 900, height: 1200 };
		const photo = await phonePhoto({ orientation: 8, ...seen, marker: MARKER, noise: true });
		// More than the node reads to check a header (256 KB).
		expect(photo.length).toBeGreaterThan(320 * 1024);
		const { requests, sent } = await byUrl(provider, photo);
		await expectUpright(sent, seen);
		// The node read the start (where the orientation is), then the whole file once; the provider fetched nothing.
		expect(requests.map((r) => r.complete)).toEqual([false, true]);
	});

	test('a file whose start is all of it is downloaded once', async () => {
		const { requests, sent } = await byUrl('runComfy', await phonePhoto({ orientation: 8, ...SEEN[8], marker: MARKER }));
		await expectUpright(sent, SEEN[8]);
		expect(requests.map((r) => r.complete)).toEqual([true]);
	});
});

describe('reference images are sent upright', () => {
	test('Ideogram: a character reference photo stored turned', async () => {
		const seen = SEEN[6];
		const image = await phonePhoto({ orientation: 3, ...SEEN[3], marker: MARKER });
		const reference = await phonePhoto({ orientation: 6, ...seen, marker: MARKER });
		const mask = await makeMask(SEEN[3].width, SEEN[3].height, MARKER, 'black');
		const item: TestItem = {
			json: {},
			binary: {
				data: testBinary(image, 'IMG_0005.jpg', 'image/jpeg'),
				mask: testBinary(mask, 'mask.png', 'image/png'),
				face: testBinary(reference, 'IMG_0006.jpg', 'image/jpeg'),
			},
		};
		await runNode('edit', 'ideogram', [item], { options: { characterReferenceImage: 'face' } });
		const [submit] = submits(fakes.ideogram);
		await expectUpright(multipartFile(submit, 'image').data, SEEN[3]);
		await expectUpright(multipartFile(submit, 'character_reference_images').data, seen);
	});
});
