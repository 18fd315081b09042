import sharp from 'sharp';

import { InputError } from '../../../nodes/shared/inputError';
import { fitToLimit, prepareMask, readImageInfo } from '../../../nodes/shared/image';
import type { FittedImage, PreparedMask } from '../../../nodes/shared/image';
import { decodeMask, pixel } from './helpers';

const MB = 1024 * 1024;

async function loadImage(data: Buffer) {
	return { data, info: await readImageInfo(data) };
}

function noise(width: number, height: number) {
	return sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 50 } } });
}

/**
 * Regions in percent, so the mask means the same area at any size; with a fitted image, prepared as
 * the pipeline does: read at the image's size, sent at the fitted one.
 */
function maskFor(width: number, height: number, fitted?: FittedImage): Promise<PreparedMask> {
	return prepareMask({
		imageWidth: width,
		imageHeight: height,
		regions: [{ x: 20, y: 20, width: 20, height: 40, unit: 'percent' }],
		editColor: 'black',
		providerEditColor: 'white',
		scaledTo: fitted?.scaledTo,
	});
}

describe('fitToLimit', () => {
	it('returns the input unchanged when within the limit, and the mask is not scaled', async () => {
		const image = await loadImage(await noise(300, 200).png().toBuffer());
		const fitted = await fitToLimit(image, { maxBytes: 10 * MB, maxSide: 300 }, false, 'RunComfy');
		expect(fitted.data).toBe(image.data);
		expect(fitted.info).toBe(image.info);
		expect(fitted.scaledTo).toBeUndefined();
		expect(fitted.downscaledFrom).toBeUndefined();
		expect(await maskFor(300, 200, fitted)).toEqual(await maskFor(300, 200));
	});

	it('downscales to the longest side allowed, keeping the aspect ratio and the mask in step', async () => {
		const image = await loadImage(await sharp({ create: { width: 3000, height: 1500, channels: 3, background: '#336699' } }).png().toBuffer());
		const mask = await maskFor(3000, 1500);
		const fitted = await fitToLimit(image, { maxBytes: 50 * MB, maxSide: 1000 }, true, 'Runware');

		expect(fitted.downscaledFrom).toEqual({ width: 3000, height: 1500 });
		expect(fitted.scaledTo).toEqual({ width: 1000, height: 500, why: "to fit Runware's limit" });
		expect(fitted.info).toEqual({ ...image.info, width: 1000, height: 500, bytes: fitted.data.length });
		const actual = await sharp(fitted.data).metadata();
		expect([actual.format, actual.width, actual.height]).toEqual(['png', 1000, 500]);

		const fittedMask = await maskFor(3000, 1500, fitted);
		expect([fittedMask.width, fittedMask.height, fittedMask.editColor]).toEqual([1000, 500, 'white']);
		const decoded = await decodeMask(fittedMask.png);
		expect([decoded.width, decoded.height, decoded.channels]).toEqual([1000, 500, 1]);
		// The edit area (20%..40% across, 20%..60% down) lands on the same place of the smaller image.
		expect([pixel(decoded, 199, 150), pixel(decoded, 200, 150), pixel(decoded, 399, 299), pixel(decoded, 400, 299)]).toEqual([0, 255, 255, 0]);
		expect([pixel(decoded, 250, 99), pixel(decoded, 250, 100), pixel(decoded, 250, 299), pixel(decoded, 250, 300)]).toEqual([0, 255, 255, 0]);
		expect(fittedMask.editFraction).toBeCloseTo(mask.editFraction, 10);
	});

	it('downscales under a byte limit, keeping format and aspect ratio', async () => {
		const image = await loadImage(await noise(600, 400).jpeg({ quality: 95 }).toBuffer());
		const maxBytes = Math.floor(image.info.bytes / 4);
		const fitted = await fitToLimit(image, { maxBytes }, true);
		const mask = await maskFor(600, 400, fitted);

		expect(fitted.data.length).toBeLessThanOrEqual(maxBytes);
		const actual = await readImageInfo(fitted.data);
		expect(actual).toEqual(fitted.info);
		expect(actual.mimeType).toBe('image/jpeg');
		expect(actual.width).toBeLessThan(600);
		expect(Math.abs(actual.width / actual.height - 1.5)).toBeLessThan(2 / actual.height);
		expect([mask.width, mask.height]).toEqual([actual.width, actual.height]);
	});

	it('refuses without permission to downscale, naming the limit exceeded and the provider', async () => {
		const image = await loadImage(await sharp({ create: { width: 2500, height: 1000, channels: 3, background: '#000' } }).png().toBuffer());
		const attempt = fitToLimit(image, { maxBytes: 10 * MB, maxSide: 2048 }, false, 'Runware');
		await expect(attempt).rejects.toThrow(InputError);
		await expect(attempt).rejects.toThrow(/^The image \(2500×1000 px, [\d.]+ KB\) is over Runware's limit: at most 2048 px on the longer side\.$/);
		await expect(attempt).rejects.toMatchObject({ hint: expect.stringContaining('Allow downscaling') });
	});

	it('names the byte limit too', async () => {
		const image = await loadImage(await noise(400, 400).png().toBuffer());
		await expect(fitToLimit(image, { maxBytes: 100 * 1024, maxSide: 300 }, false)).rejects.toThrow(
			"is over the provider's limit: at most 100 KB per image and at most 300 px on the longer side.",
		);
	});

	it('refuses when downscaling would erase the edit area of a thin mask', async () => {
		const image = await loadImage(await sharp({ create: { width: 300, height: 300, channels: 3, background: '#fff' } }).png().toBuffer());
		const fitted = await fitToLimit(image, { maxBytes: 10 * MB, maxSide: 100 }, true, 'Runware');
		const thin = { imageWidth: 300, imageHeight: 300, editColor: 'black', providerEditColor: 'black', scaledTo: fitted.scaledTo } as const;
		const erased = "Scaled down to 100×100 px to fit Runware's limit, the mask no longer marks anything to edit.";
		// Drawn as a region, and as a mask file (the libvips path, scaled from its 1-bit form).
		await expect(prepareMask({ ...thin, regions: [{ x: 0, y: 0, width: 1, height: 300, unit: 'px' }] })).rejects.toThrow(erased);
		const line = await sharp({ create: { width: 1, height: 300, channels: 3, background: '#000' } }).png().toBuffer();
		const file = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#fff' } }).composite([{ input: line, left: 0, top: 0 }]).png().toBuffer();
		await expect(prepareMask({ ...thin, mask: file })).rejects.toThrow(erased);
	});
});
