import sharp from 'sharp';

import { InputError } from '../../../nodes/shared/inputError';
import { readImageInfo } from '../../../nodes/shared/image';

function solid(width: number, height: number, channels: 3 | 4) {
	return sharp({ create: { width, height, channels, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } });
}

describe('readImageInfo', () => {
	it.each([
		['png', 'image/png', () => solid(120, 80, 4).png().toBuffer(), true],
		['jpeg', 'image/jpeg', () => solid(120, 80, 3).jpeg().toBuffer(), false],
		['webp', 'image/webp', () => solid(120, 80, 4).webp().toBuffer(), true],
		['webp', 'image/webp', () => solid(120, 80, 3).webp().toBuffer(), false],
	] as const)('reads a %s header (%s, alpha %s)', async (format, mimeType, make, hasAlpha) => {
		const data = await make();
		expect(await readImageInfo(data)).toEqual({ format, mimeType, width: 120, height: 80, hasAlpha, bytes: data.length });
	});

	it('refuses a GIF, naming the format and what it is', async () => {
		const gif = await solid(10, 10, 3).gif().toBuffer();
		const attempt = readImageInfo(gif, 'style reference image 2');
		await expect(attempt).rejects.toThrow(InputError);
		await expect(attempt).rejects.toThrow('The style reference image 2 is a GIF image, not a PNG, JPEG or WebP image.');
		await expect(attempt).rejects.toMatchObject({ hint: expect.stringContaining('Convert it to PNG, JPEG or WebP') });
	});

	it('refuses text', async () => {
		const attempt = readImageInfo(Buffer.from('{"error":"not found"}'));
		await expect(attempt).rejects.toThrow(/^The image is not a PNG, JPEG or WebP image \(.+\)\.$/);
		await expect(attempt).rejects.toMatchObject({ hint: expect.stringContaining('not text, JSON or an HTML page') });
	});

	it('refuses an SVG (sharp could render it, providers cannot take it)', async () => {
		const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
		await expect(readImageInfo(svg)).rejects.toThrow('The image is an SVG image, not a PNG, JPEG or WebP image.');
	});

	it('refuses an empty buffer', async () => {
		await expect(readImageInfo(Buffer.alloc(0), 'mask')).rejects.toThrow('The mask is empty (0 bytes)');
	});
});
