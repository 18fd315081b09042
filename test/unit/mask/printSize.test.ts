/**
 * A print-size photo (12000×8000 JPEG, 96 megapixels) with a mask of its size, to a provider that
 * takes 10 MB per image: downscaled with its mask, well within the item's time. Its peak memory
 * is the memory benchmark's print-size row (bench/memory.ts).
 */
import sharp from 'sharp';

import { fitToLimit, prepareMask, readImageInfo } from '../../../nodes/shared/image';
import { decodeMask } from './helpers';

const MB = 1024 * 1024;
const WIDTH = 12000;
const HEIGHT = 8000;
const EDIT = { left: 3000, top: 2000, width: 6000, height: 2000 };

/** A noisy photo-like JPEG (a repeated tile of noise: detail everywhere, so it is far over 10 MB). */
async function printPhoto(): Promise<Buffer> {
	const tile = await sharp({ create: { width: 1000, height: 1000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 20 } } }).png().toBuffer();
	return await sharp(tile).extend({ right: WIDTH - 1000, bottom: HEIGHT - 1000, extendWith: 'repeat' }).jpeg({ quality: 90 }).toBuffer();
}

async function printMask(): Promise<Buffer> {
	const patch = await sharp({ create: { width: EDIT.width, height: EDIT.height, channels: 3, background: '#fff' } }).png().toBuffer();
	return await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#000' } })
		.composite([{ input: patch, left: EDIT.left, top: EDIT.top }])
		.png()
		.toBuffer();
}

describe('print-size image', () => {
	it('a 12000×8000 JPEG and its mask are brought under 10 MB together, in seconds', async () => {
		const [photo, mask] = await Promise.all([printPhoto(), printMask()]);
		expect(photo.length).toBeGreaterThan(20 * MB);

		const start = Date.now();
		const info = await readImageInfo(photo);
		const fitted = await fitToLimit({ data: photo, info }, { maxBytes: 10 * MB }, true, 'Ideogram');
		const fittedMask = await prepareMask({ imageWidth: info.width, imageHeight: info.height, mask, editColor: 'white', providerEditColor: 'black', scaledTo: fitted.scaledTo });
		const elapsedMs = Date.now() - start;

		expect(fitted.downscaledFrom).toEqual({ width: WIDTH, height: HEIGHT });
		expect(fitted.data.length).toBeLessThanOrEqual(10 * MB);
		const out = await sharp(fitted.data).metadata();
		expect(out.format).toBe('jpeg');
		expect([out.width, out.height]).toEqual([fitted.info.width, fitted.info.height]);
		expect(Math.abs(fitted.info.width / fitted.info.height - WIDTH / HEIGHT)).toBeLessThan(0.002);
		expect(fitted.info.width).toBeLessThan(WIDTH);

		// The mask follows the image, still binary, its edit area where it was.
		expect([fittedMask.width, fittedMask.height]).toEqual([fitted.info.width, fitted.info.height]);
		expect(fittedMask.editFraction).toBeCloseTo((EDIT.width * EDIT.height) / (WIDTH * HEIGHT), 3);
		const decoded = await decodeMask(fittedMask.png);
		const scale = fitted.info.width / WIDTH;
		const at = (x: number, y: number) => decoded.data[Math.round(y * scale) * decoded.width + Math.round(x * scale)];
		expect([at(6000, 3000), at(1000, 1000), at(11000, 7000)]).toEqual([0, 255, 255]);

		// Seconds even on a loaded 2-core machine, far under the node's default Timeout of 300 s.
		expect(elapsedMs).toBeLessThan(30_000);
	}, 120_000);
});
