import { prepareMask } from '../../../nodes/shared/image';
import type { MaskColor, MaskEditColor } from '../../../nodes/shared/image';
import { decodeMask, differences, distinctValues, encodeRaw, expectedMask, paintImage, paintRaw, pixel, type Rect } from './helpers';

const WIDTH = 64;
const HEIGHT = 48;
const EDIT_AREA: Rect = { left: 8, top: 6, width: 20, height: 12 };
const EDIT_FRACTION = (20 * 12) / (64 * 48);
const VALUE: Record<MaskColor, 0 | 255> = { black: 0, white: 255 };

/** The user's mask in each convention, the edit area painted the way that convention marks it. */
const USER_MASKS: Record<MaskEditColor, () => Promise<Buffer>> = {
	black: () => paintImage(WIDTH, HEIGHT, [255, 255, 255], [{ rect: EDIT_AREA, color: [0, 0, 0] }]),
	white: () => paintImage(WIDTH, HEIGHT, [0, 0, 0], [{ rect: EDIT_AREA, color: [255, 255, 255] }]),
	// Colours chosen against the alpha: only the alpha may decide.
	transparent: () => paintImage(WIDTH, HEIGHT, [0, 0, 0, 255], [{ rect: EDIT_AREA, color: [255, 255, 255, 0] }]),
};

describe('prepareMask: every user convention × every provider convention', () => {
	for (const editColor of ['black', 'white', 'transparent'] as const) {
		for (const providerEditColor of ['black', 'white'] as const) {
			it(`user ${editColor} → provider ${providerEditColor}`, async () => {
				const prepared = await prepareMask({
					imageWidth: WIDTH,
					imageHeight: HEIGHT,
					mask: await USER_MASKS[editColor](),
					editColor,
					providerEditColor,
				});

				const mask = await decodeMask(prepared.png);
				expect([mask.width, mask.height, mask.channels, mask.space]).toEqual([WIDTH, HEIGHT, 1, 'b-w']);
				expect([prepared.width, prepared.height, prepared.editColor]).toEqual([WIDTH, HEIGHT, providerEditColor]);
				expect(pixel(mask, 10, 10)).toBe(VALUE[providerEditColor]); // inside the edit area
				expect(pixel(mask, 40, 30)).toBe(255 - VALUE[providerEditColor]); // outside
				expect(differences(mask.data, expectedMask(WIDTH, HEIGHT, [EDIT_AREA], VALUE[providerEditColor]), WIDTH)).toEqual([]);
				expect(prepared.editFraction).toBeCloseTo(EDIT_FRACTION, 10);
				expect(prepared.resizedFrom).toBeUndefined();
			});
		}
	}

	it('reads 1-channel greyscale PNG, JPEG and WebP masks', async () => {
		for (const format of ['png', 'jpeg', 'webp'] as const) {
			const raw = paintRaw(WIDTH, HEIGHT, [255], [{ rect: EDIT_AREA, color: [0] }]);
			const prepared = await prepareMask({
				imageWidth: WIDTH,
				imageHeight: HEIGHT,
				mask: await encodeRaw(raw, WIDTH, HEIGHT, 1, format, 100),
				editColor: 'black',
				providerEditColor: 'white',
			});
			const mask = await decodeMask(prepared.png);
			expect(differences(mask.data, expectedMask(WIDTH, HEIGHT, [EDIT_AREA], 255), WIDTH)).toEqual([]);
		}
	});
});

describe('prepareMask: masks with an alpha channel', () => {
	it("black strokes on a transparent layer: transparent pixels are 'keep', although their hidden colour is black", async () => {
		const mask = await paintImage(WIDTH, HEIGHT, [0, 0, 0, 0], [{ rect: EDIT_AREA, color: [0, 0, 0, 255] }]);
		const prepared = await prepareMask({ imageWidth: WIDTH, imageHeight: HEIGHT, mask, editColor: 'black', providerEditColor: 'black' });
		const decoded = await decodeMask(prepared.png);
		expect(differences(decoded.data, expectedMask(WIDTH, HEIGHT, [EDIT_AREA], 0), WIDTH)).toEqual([]);
		expect(prepared.editFraction).toBeCloseTo(EDIT_FRACTION, 10);
	});

	it("white strokes on a transparent layer (hidden colour white) with editColor white", async () => {
		const mask = await paintImage(WIDTH, HEIGHT, [255, 255, 255, 0], [{ rect: EDIT_AREA, color: [255, 255, 255, 255] }]);
		const prepared = await prepareMask({ imageWidth: WIDTH, imageHeight: HEIGHT, mask, editColor: 'white', providerEditColor: 'black' });
		const decoded = await decodeMask(prepared.png);
		expect(differences(decoded.data, expectedMask(WIDTH, HEIGHT, [EDIT_AREA], 0), WIDTH)).toEqual([]);
	});

	it('judges pixels at least half opaque by their colour, and less opaque ones as keep', async () => {
		const mask = await paintImage(4, 1, [255, 255, 255, 255], [
			{ rect: { left: 0, top: 0, width: 1, height: 1 }, color: [0, 0, 0, 127] },
			{ rect: { left: 1, top: 0, width: 1, height: 1 }, color: [0, 0, 0, 128] },
			{ rect: { left: 2, top: 0, width: 1, height: 1 }, color: [0, 0, 0, 255] },
		]);
		const prepared = await prepareMask({ imageWidth: 4, imageHeight: 1, mask, editColor: 'black', providerEditColor: 'white' });
		expect([...(await decodeMask(prepared.png)).data]).toEqual([0, 255, 255, 0]);
		expect(prepared.editFraction).toBe(0.5);
	});

	/** A mask's colours outside and inside the edit area. */
	type Colours = { outside: number[]; inside: number[] };
	// Each mask as a greyscale+alpha PNG and as a 16-bit RGBA PNG.
	it.each<{ name: string; greyAlpha: Colours; rgba: Colours; editColor: MaskEditColor; providerEditColor: MaskColor }>([
		{
			name: 'reads a greyscale+alpha PNG and a 16-bit RGBA PNG',
			greyAlpha: { outside: [200, 255], inside: [200, 0] },
			rgba: { outside: [20, 20, 20, 255], inside: [20, 20, 20, 10] },
			editColor: 'transparent',
			providerEditColor: 'black',
		},
		{
			name: 'reads greyscale+alpha and 16-bit RGBA masks as black = edit, transparent = keep',
			greyAlpha: { outside: [0, 0], inside: [0, 255] },
			rgba: { outside: [0, 0, 0, 0], inside: [0, 0, 0, 255] },
			editColor: 'black',
			providerEditColor: 'white',
		},
	])('$name', async ({ greyAlpha, rgba, editColor, providerEditColor }) => {
		const greyAlphaPng = await encodeRaw(paintRaw(WIDTH, HEIGHT, greyAlpha.outside, [{ rect: EDIT_AREA, color: greyAlpha.inside }]), WIDTH, HEIGHT, 2);
		const rgbaRaw = paintRaw(WIDTH, HEIGHT, rgba.outside, [{ rect: EDIT_AREA, color: rgba.inside }]);
		const sixteenBit = await (await import('sharp')).default(rgbaRaw, { raw: { width: WIDTH, height: HEIGHT, channels: 4 } }).toColourspace('rgb16').png().toBuffer();
		for (const mask of [greyAlphaPng, sixteenBit]) {
			const prepared = await prepareMask({ imageWidth: WIDTH, imageHeight: HEIGHT, mask, editColor, providerEditColor });
			const decoded = await decodeMask(prepared.png);
			expect(differences(decoded.data, expectedMask(WIDTH, HEIGHT, [EDIT_AREA], VALUE[providerEditColor]), WIDTH)).toEqual([]);
		}
	});

	it("'transparent' applies the threshold to alpha", async () => {
		const mask = await paintImage(3, 1, [0, 0, 0, 255], [
			{ rect: { left: 0, top: 0, width: 1, height: 1 }, color: [0, 0, 0, 100] },
			{ rect: { left: 1, top: 0, width: 1, height: 1 }, color: [0, 0, 0, 220] },
		]);
		const at128 = await prepareMask({ imageWidth: 3, imageHeight: 1, mask, editColor: 'transparent', providerEditColor: 'white' });
		const at230 = await prepareMask({ imageWidth: 3, imageHeight: 1, mask, editColor: 'transparent', providerEditColor: 'white', threshold: 230 });
		expect([...(await decodeMask(at128.png)).data]).toEqual([255, 0, 0]);
		expect([...(await decodeMask(at230.png)).data]).toEqual([255, 255, 0]);
	});
});

describe('prepareMask: grey and noisy masks become clean black and white', () => {
	/** One row of all 256 grey levels, left to right. */
	async function greyRamp(): Promise<Buffer> {
		const row = Buffer.from(Array.from({ length: 256 }, (_, value) => value));
		return encodeRaw(row, 256, 1, 1);
	}

	it('thresholds luminance at 128 by default: below is black, 128 and above is white', async () => {
		const black = await prepareMask({ imageWidth: 256, imageHeight: 1, mask: await greyRamp(), editColor: 'black', providerEditColor: 'black' });
		const white = await prepareMask({ imageWidth: 256, imageHeight: 1, mask: await greyRamp(), editColor: 'white', providerEditColor: 'black' });
		const blackPixels = (await decodeMask(black.png)).data;
		const whitePixels = (await decodeMask(white.png)).data;
		expect(distinctValues(blackPixels)).toEqual([0, 255]);
		expect([blackPixels[127], blackPixels[128]]).toEqual([0, 255]); // 127 is edit (black), 128 keep
		expect([whitePixels[127], whitePixels[128]]).toEqual([255, 0]); // 128 is edit (white)
		expect(black.editFraction).toBe(0.5);
		expect(white.editFraction).toBe(0.5);
	});

	it('honours a custom threshold', async () => {
		const prepared = await prepareMask({ imageWidth: 256, imageHeight: 1, mask: await greyRamp(), editColor: 'black', providerEditColor: 'white', threshold: 200 });
		const pixels = (await decodeMask(prepared.png)).data;
		expect([pixels[199], pixels[200]]).toEqual([255, 0]);
		expect(prepared.editFraction).toBe(200 / 256);
	});

	it('judges coloured pixels by their luma (Rec. 709): red and blue read dark, green and yellow light', async () => {
		const colours = [[255, 0, 0], [0, 0, 255], [0, 255, 0], [255, 255, 0], [128, 128, 128], [127, 127, 127]];
		const row = Buffer.from(colours.flat());
		const mask = await encodeRaw(row, colours.length, 1, 3);
		const prepared = await prepareMask({ imageWidth: colours.length, imageHeight: 1, mask, editColor: 'black', providerEditColor: 'black' });
		expect([...(await decodeMask(prepared.png)).data]).toEqual([0, 0, 255, 255, 255, 0]);
	});

	it('reads a dark-grey-on-light-grey mask as black on white', async () => {
		const mask = await paintImage(WIDTH, HEIGHT, [190, 190, 190], [{ rect: EDIT_AREA, color: [70, 70, 70] }]);
		const prepared = await prepareMask({ imageWidth: WIDTH, imageHeight: HEIGHT, mask, editColor: 'black', providerEditColor: 'black' });
		expect(differences((await decodeMask(prepared.png)).data, expectedMask(WIDTH, HEIGHT, [EDIT_AREA], 0), WIDTH)).toEqual([]);
	});

	it('cleans a JPEG (quality 30) mask: binary output equal to the intended mask away from edges', async () => {
		const size = 256;
		const area: Rect = { left: 61, top: 37, width: 101, height: 83 }; // not on JPEG's 8-pixel grid
		const jpeg = await encodeRaw(paintRaw(size, size, [255, 255, 255], [{ rect: area, color: [0, 0, 0] }]), size, size, 3, 'jpeg', 30);
		const prepared = await prepareMask({ imageWidth: size, imageHeight: size, mask: jpeg, editColor: 'black', providerEditColor: 'white' });
		const mask = await decodeMask(prepared.png);
		const intended = expectedMask(size, size, [area], 255);

		expect(distinctValues(mask.data)).toEqual([0, 255]);
		const margin = 4;
		let compared = 0;
		for (let y = 0; y < size; y++) {
			for (let x = 0; x < size; x++) {
				const nearEdge =
					Math.abs(x - area.left) < margin || Math.abs(x - (area.left + area.width)) < margin ||
					Math.abs(y - area.top) < margin || Math.abs(y - (area.top + area.height)) < margin;
				if (nearEdge) continue;
				compared++;
				if (mask.data[y * size + x] !== intended[y * size + x]) throw new Error(`pixel ${x},${y} differs`);
			}
		}
		expect(compared).toBeGreaterThan(size * size * 0.8);
		expect(prepared.editFraction).toBeCloseTo((101 * 83) / (size * size), 2);
	});
});
