/**
 * Same-size black/white masks are classified by libvips alone (classifyMaskInVips, no raster in
 * JS); the others by classifyMaskPixels. Both must sort every pixel the same way.
 */
import sharp from 'sharp';

import { binaryMask, providerMaskPng } from '../../../nodes/shared/image/binaryPng';
import { classifyMaskInVips, classifyMaskPixels, type MaskMeaning } from '../../../nodes/shared/image/classify';
import { readImageHeader } from '../../../nodes/shared/image/imageInfo';
import { decodeMask, encodeRaw } from './helpers';

const WIDTH = 61; // not a multiple of 8: the 1-bit rows end in padding bits
const HEIGHT = 37;

/** Every grey level, saturated and mixed colours, and partial transparency, over the mask. */
function testPixels(channels: 3 | 4): Buffer {
	const data = Buffer.alloc(WIDTH * HEIGHT * channels);
	for (let i = 0; i < WIDTH * HEIGHT; i++) {
		const grey = i % 256;
		const colour = [
			[grey, grey, grey],
			[255, 0, 0],
			[0, 255, 0],
			[0, 0, 255],
			[(i * 7) % 256, (i * 13) % 256, (i * 29) % 256],
		][Math.floor(i / 256) % 5];
		data.set(channels === 4 ? [...colour, (i * 11) % 256] : colour, i * channels);
	}
	return data;
}

describe('classifyMaskInVips', () => {
	for (const channels of [3, 4] as const) {
		for (const editColor of ['black', 'white'] as const) {
			for (const providerEditColor of ['black', 'white'] as const) {
				it(`sorts every pixel as classifyMaskPixels does (${channels} channels, ${editColor} → ${providerEditColor})`, async () => {
					const mask = await encodeRaw(testPixels(channels), WIDTH, HEIGHT, channels);
					const header = await readImageHeader(mask, 'mask');
					for (const threshold of [1, 77, 128, 200, 255]) {
						const how: MaskMeaning = { editColor, threshold, providerEditColor, label: 'mask', maskParameter: 'maskBinaryProperty' };
						const expected = await classifyMaskPixels(mask, header, how);
						const inVips = await classifyMaskInVips(mask, how);
						if (!inVips) throw new Error('expected the libvips path');
						const decoded = await decodeMask(await providerMaskPng(inVips));
						expect([decoded.width, decoded.height]).toEqual([WIDTH, HEIGHT]);
						expect(decoded.data.equals(expected.data)).toBe(true);
						const edit = providerEditColor === 'white' ? 255 : 0;
						expect(inVips.editPixels).toBe(expected.data.filter((v) => v === edit).length);
					}
				});
			}
		}
	}

	it('leaves transparency and threshold 0 to classifyMaskPixels', async () => {
		const mask = await encodeRaw(testPixels(4), WIDTH, HEIGHT, 4);
		const how = { threshold: 128, providerEditColor: 'white', label: 'mask', maskParameter: 'm' } as const;
		await expect(classifyMaskInVips(mask, { ...how, editColor: 'transparent' })).resolves.toBeUndefined();
		await expect(classifyMaskInVips(mask, { ...how, editColor: 'black', threshold: 0 })).resolves.toBeUndefined();
	});
});

describe('binaryMask', () => {
	it('counts the white pixels from the 1-bit PNG, padding bits excluded, and gives an 8-bit PNG', async () => {
		for (const [width, height] of [[1, 1], [7, 3], [8, 2], [9, 5], [300, 17]]) {
			const raw = Buffer.from(Array.from({ length: width * height }, (_, i) => ((i * 2654435761) >>> 28) & 1 ? 255 : 0));
			const white = raw.filter((v) => v === 255).length;
			const result = await binaryMask(sharp(raw, { raw: { width, height, channels: 1 } }));
			expect(result.whitePixels).toBe(white);
			const png = await providerMaskPng(result);
			const meta = await sharp(png).metadata();
			expect([meta.width, meta.height, meta.channels, meta.bitsPerSample]).toEqual([width, height, 1, 8]);
			expect((await decodeMask(png)).data.equals(raw)).toBe(true);
		}
		// All white: the padding bits of the last byte of each row must not count.
		const allWhite = await binaryMask(sharp({ create: { width: 13, height: 3, channels: 3, background: '#fff' } }));
		expect(allWhite.whitePixels).toBe(39);
	});
});
