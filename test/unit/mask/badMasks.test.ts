import sharp from 'sharp';

import { InputError } from '../../../nodes/shared/inputError';
import { prepareMask } from '../../../nodes/shared/image';
import type { PrepareMaskInput } from '../../../nodes/shared/image';
import { paintImage } from './helpers';

const SIZE = { imageWidth: 32, imageHeight: 32 };

async function refusal(input: Partial<PrepareMaskInput>): Promise<InputError> {
	const error = await prepareMask({ ...SIZE, editColor: 'black', providerEditColor: 'black', ...input }).then(
		() => undefined,
		(caught: unknown) => caught,
	);
	if (!(error instanceof InputError)) throw new Error(`expected an InputError, got ${String(error)}`);
	return error;
}

describe('prepareMask: masks it refuses, and what it tells the user', () => {
	it('an all-black mask read as black = edit covers the whole image', async () => {
		const error = await refusal({ mask: await paintImage(32, 32, [0, 0, 0]), editColor: 'black' });
		expect(error.message).toMatch(/^The mask covers the whole image/);
		expect(error.hint).toContain('maskEditColor');
		expect(error.parameter).toBe('maskEditColor');
	});

	it('an all-black mask read as white = edit marks nothing, and points at maskEditColor', async () => {
		const error = await refusal({ mask: await paintImage(32, 32, [0, 0, 0]), editColor: 'white' });
		expect(error.message).toBe('The mask marks nothing to edit: none of its pixels is white (luminance 128 or above).');
		expect(error.hint).toContain("Check maskEditColor (your mask's edit area may be the other colour)");
		expect(error.parameter).toBe('maskEditColor');
	});

	it('an all-white mask read as black = edit marks nothing', async () => {
		const error = await refusal({ mask: await paintImage(32, 32, [255, 255, 255]), editColor: 'black', providerEditColor: 'white' });
		expect(error.message).toMatch(/^The mask marks nothing to edit/);
		expect(error.hint).toMatch(/maskEditColor.*'black'/);
	});

	it('an all-white mask read as white = edit covers the whole image', async () => {
		const error = await refusal({ mask: await paintImage(32, 32, [255, 255, 255]), editColor: 'white' });
		expect(error.message).toMatch(/^The mask covers the whole image/);
	});

	it('a fully opaque mask read as transparent = edit marks nothing', async () => {
		const error = await refusal({ mask: await paintImage(32, 32, [0, 0, 0, 255]), editColor: 'transparent' });
		expect(error.message).toBe('The mask marks nothing to edit: none of its pixels is transparent (alpha below 128).');
	});

	it("'transparent' on a mask without alpha asks for black or white", async () => {
		const error = await refusal({ mask: await paintImage(32, 32, [255, 255, 255], [{ rect: { left: 0, top: 0, width: 8, height: 8 }, color: [0, 0, 0] }], 'jpeg'), editColor: 'transparent' });
		expect(error.message).toContain("has no transparency (alpha channel), so maskEditColor 'transparent' cannot tell which area to edit");
		expect(error.hint).toContain("Set maskEditColor to 'black' or 'white'");
		expect(error.parameter).toBe('maskEditColor');
	});

	it('bytes that are not an image', async () => {
		const error = await refusal({ mask: Buffer.from('<html><body>Not found</body></html>') });
		expect(error.message).toMatch(/^The mask is not a PNG, JPEG or WebP image/);
		expect(error.parameter).toBe('maskBinaryProperty');
	});

	it('an empty file', async () => {
		const error = await refusal({ mask: Buffer.alloc(0) });
		expect(error.message).toContain('is empty (0 bytes), not a PNG, JPEG or WebP image');
	});

	it('a GIF mask', async () => {
		const gif = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#000' } }).gif().toBuffer();
		const error = await refusal({ mask: gif, maskParameter: 'maskUrl' });
		expect(error.message).toBe('The mask is a GIF image, not a PNG, JPEG or WebP image.');
		expect(error.parameter).toBe('maskUrl');
	});

	it('a truncated PNG whose header reads fine', async () => {
		const noise = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
		const error = await refusal({ mask: noise.subarray(0, noise.length >> 1), imageWidth: 64, imageHeight: 64 });
		expect(error.message).toMatch(/^The mask is not a PNG, JPEG or WebP image that can be decoded \(.+\)\.$/);
	});

	it('names the mask as the caller labels it', async () => {
		const error = await refusal({ mask: await paintImage(32, 32, [0, 0, 0]), label: 'character reference mask' });
		expect(error.message).toMatch(/^The character reference mask covers the whole image/);
	});

	it('both a mask and regions, or neither', async () => {
		const mask = await paintImage(32, 32, [0, 0, 0]);
		expect((await refusal({ mask, regions: [{ x: 0, y: 0, width: 1, height: 1, unit: 'px' }] })).parameter).toBe('maskSource');
		expect((await refusal({})).message).toBe('No mask was given.');
	});

	it('a threshold outside 0–255', async () => {
		const mask = await paintImage(32, 32, [0, 0, 0]);
		expect((await refusal({ mask, threshold: 256 })).message).toContain('from 0 to 255');
	});
});
