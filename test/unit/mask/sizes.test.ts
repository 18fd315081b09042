import { InputError } from '../../../nodes/shared/inputError';
import { prepareMask } from '../../../nodes/shared/image';
import { resizeNearest } from '../../../nodes/shared/image/raster';
import { decodeMask, distinctValues, encodeRaw, paintImage, pixel } from './helpers';

describe('prepareMask: a mask of another size than the image', () => {
	it('stretches a half-size mask by nearest neighbour: each mask pixel becomes an exact 2×2 block', async () => {
		// A 4×3 checker-like pattern with distinct edit/keep pixels.
		const pattern = [0, 255, 255, 0, 255, 0, 255, 255, 0, 0, 255, 255];
		const mask = await encodeRaw(Buffer.from(pattern), 4, 3, 1);
		const prepared = await prepareMask({ imageWidth: 8, imageHeight: 6, mask, editColor: 'black', providerEditColor: 'black' });
		const decoded = await decodeMask(prepared.png);

		expect([decoded.width, decoded.height]).toEqual([8, 6]);
		expect(prepared.resizedFrom).toEqual({ width: 4, height: 3 });
		for (let y = 0; y < 6; y++) {
			for (let x = 0; x < 8; x++) expect(pixel(decoded, x, y)).toBe(pattern[Math.floor(y / 2) * 4 + Math.floor(x / 2)]);
		}
		expect(prepared.editFraction).toBe(5 / 12);
	});

	it('stretches by whole repeats (left to libvips) exactly as by any other factor (in JS): same pixels, same share', async () => {
		// Noise, so every repeated pixel is checked; the stretched sizes are whole multiples across, down or both.
		const [width, height] = [37, 23];
		const pattern = Buffer.from(Array.from({ length: width * height }, (_, i) => ((i * 2654435761) >>> 27) & 1 ? 255 : 0));
		const mask = await encodeRaw(pattern, width, height, 1);
		for (const [imageWidth, imageHeight] of [[74, 46], [111, 23], [37, 92], [185, 69]]) {
			const prepared = await prepareMask({ imageWidth, imageHeight, mask, editColor: 'white', providerEditColor: 'white' });
			const decoded = await decodeMask(prepared.png);
			const expected = resizeNearest({ data: pattern, width, height }, imageWidth, imageHeight);
			expect([decoded.width, decoded.height]).toEqual([imageWidth, imageHeight]);
			expect(decoded.data.equals(expected.data)).toBe(true);
			expect(prepared.editFraction).toBe(pattern.filter((v) => v === 255).length / (width * height));
		}
	});

	it('shrinks a larger mask to the image size, still binary', async () => {
		const mask = await paintImage(640, 480, [255, 255, 255], [{ rect: { left: 0, top: 0, width: 320, height: 240 }, color: [0, 0, 0] }]);
		const prepared = await prepareMask({ imageWidth: 64, imageHeight: 48, mask, editColor: 'black', providerEditColor: 'white' });
		const decoded = await decodeMask(prepared.png);
		expect([decoded.width, decoded.height]).toEqual([64, 48]);
		expect(prepared.resizedFrom).toEqual({ width: 640, height: 480 });
		expect(distinctValues(decoded.data)).toEqual([0, 255]);
		expect([pixel(decoded, 31, 23), pixel(decoded, 32, 24)]).toEqual([255, 0]);
		expect(prepared.editFraction).toBe(0.25);
	});

	it('stretches to a size that is not a whole multiple, with another aspect ratio', async () => {
		const mask = await paintImage(50, 50, [255, 255, 255], [{ rect: { left: 0, top: 0, width: 25, height: 50 }, color: [0, 0, 0] }]);
		const prepared = await prepareMask({ imageWidth: 73, imageHeight: 31, mask, editColor: 'black', providerEditColor: 'black' });
		const decoded = await decodeMask(prepared.png);
		expect([decoded.width, decoded.height]).toEqual([73, 31]);
		expect(distinctValues(decoded.data)).toEqual([0, 255]);
		// Column x samples mask column floor((x + 0.5) * 50 / 73): columns 0–35 come from the left half.
		expect([pixel(decoded, 35, 0), pixel(decoded, 36, 0)]).toEqual([0, 255]);
		expect(prepared.editFraction).toBeCloseTo(36 / 73, 10);
	});

	it("refuses the mismatch with onSizeMismatch 'error', naming both sizes", async () => {
		const mask = await paintImage(32, 24, [255, 255, 255], [{ rect: { left: 0, top: 0, width: 4, height: 4 }, color: [0, 0, 0] }]);
		const attempt = prepareMask({ imageWidth: 64, imageHeight: 48, mask, editColor: 'black', providerEditColor: 'black', onSizeMismatch: 'error' });
		await expect(attempt).rejects.toThrow(InputError);
		await expect(attempt).rejects.toThrow('The mask is 32×24 px but the image is 64×48 px');
		await expect(attempt).rejects.toMatchObject({ parameter: 'maskBinaryProperty', hint: expect.stringContaining('64×48') });
	});

	it("accepts a same-size mask with onSizeMismatch 'error'", async () => {
		const mask = await paintImage(64, 48, [255, 255, 255], [{ rect: { left: 0, top: 0, width: 4, height: 4 }, color: [0, 0, 0] }]);
		const prepared = await prepareMask({ imageWidth: 64, imageHeight: 48, mask, editColor: 'black', providerEditColor: 'black', onSizeMismatch: 'error' });
		expect(prepared.resizedFrom).toBeUndefined();
	});
});
