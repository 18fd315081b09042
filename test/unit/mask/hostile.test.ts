import zlib from 'node:zlib';

import { prepareMask, readImageInfo } from '../../../nodes/shared/image';
import { decodeMask, encodeRaw, paintRaw } from './helpers';

/** One row per colour, one pixel wide: what each colour reads as at a threshold, edit being "black". */
async function classifiedColours(colours: number[][], threshold: number): Promise<Array<'edit' | 'keep'>> {
	// A white pixel and a black one as well, so the mask is never all edit or all keep.
	const all = [...colours, [255, 255, 255], [0, 0, 0]];
	const raw = Buffer.from(all.flat());
	const png = await encodeRaw(raw, 1, all.length, 3);
	const prepared = await prepareMask({ imageWidth: 1, imageHeight: all.length, mask: png, editColor: 'black', providerEditColor: 'black', threshold });
	const out = await decodeMask(prepared.png);
	return colours.map((_, i) => (out.data[i] === 0 ? 'edit' : 'keep'));
}

describe('mask grey level: libvips luminance, decoded as one band', () => {
	it('grey pixels keep their exact value: every grey below the threshold is edit, every other keep', async () => {
		const greys = Array.from({ length: 254 }, (_, v) => [v + 1, v + 1, v + 1]);
		for (const threshold of [1, 100, 128, 200, 255]) {
			const classes = await classifiedColours(greys, threshold);
			expect(classes).toEqual(greys.map(([v]) => (v < threshold ? 'edit' : 'keep')));
		}
	});

	it('a coloured pixel reads as light as it looks: luminance in linear light, not Rec. 709 weights on gamma values', async () => {
		// The weighted sum of the 8-bit values (what the node used before) reads saturated colours far
		// darker than they look: pure red 54, blue 18, (200, 100, 50) 118. libvips' grey level is the
		// colour's luminance written back in sRGB's gamma: red 127, blue 76, (200, 100, 50) 128, the
		// grey an image editor shows for them. So at threshold 128 the orange pixel is now keep (it
		// was edit) and at threshold 100 pure red is keep (it was edit); masks are black and white
		// with grey edges, whose classification does not change (test above).
		expect(await classifiedColours([[255, 0, 0], [0, 0, 255], [200, 100, 50], [0, 255, 0]], 128)).toEqual(['edit', 'edit', 'keep', 'keep']);
		expect(await classifiedColours([[255, 0, 0], [0, 0, 255]], 100)).toEqual(['keep', 'edit']);
	});

	it('with alpha: the mask as it looks over the keep colour, so a black pixel is edit from half opacity on; grey+alpha masks too', async () => {
		const rgba = paintRaw(4, 1, [0, 0, 0, 255]);
		rgba.set([0, 0, 0, 127], 4); // black but mostly transparent: keep
		rgba.set([255, 255, 255, 255], 8); // white: keep
		rgba.set([0, 0, 0, 128], 12); // black, opaque enough: edit
		const rgbaOut = await prepareMask({ imageWidth: 4, imageHeight: 1, mask: await encodeRaw(rgba, 4, 1, 4), editColor: 'black', providerEditColor: 'white' });
		expect([...(await decodeMask(rgbaOut.png)).data]).toEqual([255, 0, 0, 255]);
		const greyAlpha = Buffer.from([0, 255, 0, 100, 255, 255, 0, 200]);
		const gaOut = await prepareMask({ imageWidth: 4, imageHeight: 1, mask: await encodeRaw(greyAlpha, 4, 1, 2), editColor: 'black', providerEditColor: 'white' });
		expect([...(await decodeMask(gaOut.png)).data]).toEqual([255, 0, 0, 255]);
	});

	it('a partly transparent grey edge pixel is judged by the grey it shows over the keep colour, not by its alpha alone', async () => {
		// Mid-grey 100 at alpha 200, black meaning the edit area: over white it shows as
		// 100 × 200/255 + 255 × 55/255 ≈ 133, lighter than the threshold 128, so keep (it was edit:
		// opaque enough and darker than 128). At alpha 230 it shows as ≈ 115: edit.
		const rgba = Buffer.from([0, 0, 0, 255, 100, 100, 100, 200, 100, 100, 100, 230, 255, 255, 255, 255]);
		const out = await prepareMask({ imageWidth: 4, imageHeight: 1, mask: await encodeRaw(rgba, 4, 1, 4), editColor: 'black', providerEditColor: 'white' });
		expect([...(await decodeMask(out.png)).data]).toEqual([255, 0, 255, 0]);
	});
});

/**
 * A valid PNG of one colour, `width`×`height` 8-bit grey, compressed from one reused row: a few
 * hundred KB on disk that would decode to width × height bytes.
 */
async function bombPng(width: number, height: number): Promise<Buffer> {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (data: Buffer) => {
		let c = 0xffffffff;
		for (const byte of data) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type: string, data: Buffer) => {
		const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
		const length = Buffer.alloc(4);
		length.writeUInt32BE(data.length);
		const sum = Buffer.alloc(4);
		sum.writeUInt32BE(crc(body));
		return Buffer.concat([length, body, sum]);
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
	const deflate = zlib.createDeflate({ level: 1 });
	const parts: Buffer[] = [];
	deflate.on('data', (d: Buffer) => parts.push(d));
	const ended = new Promise((resolve) => deflate.on('end', resolve));
	const row = Buffer.alloc(width + 1); // filter byte 0, then black pixels
	for (let y = 0; y < height; y++) deflate.write(row);
	deflate.end();
	await ended;
	const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', Buffer.concat(parts)), chunk('IEND', Buffer.alloc(0))]);
}

describe('decompression bombs and print sizes: refused from the header', () => {
	let bomb: Buffer;
	beforeAll(async () => {
		bomb = await bombPng(16000, 16000);
		// Small on disk, 256 MB of pixels.
		expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
	});

	it('a 16000×16000 PNG as the image: refused naming its size and the limit, before any pixel is decoded', async () => {
		const started = Date.now();
		const error = await readImageInfo(bomb, 'image').catch((e: Error) => e);
		expect(error).toMatchObject({ name: 'InputError' });
		expect((error as Error).message).toBe('The image is 16000×16000 px (256 megapixels), over the limit of 120 megapixels this node reads.');
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('the same as the mask: refused with the mask parameter named', async () => {
		const started = Date.now();
		const error = await prepareMask({ imageWidth: 1024, imageHeight: 1024, mask: bomb, editColor: 'black', providerEditColor: 'black' }).catch((e: Error) => e);
		expect(error).toMatchObject({ name: 'InputError', parameter: 'maskBinaryProperty' });
		expect((error as Error).message).toContain('The mask is 16000×16000 px (256 megapixels), over the limit of 120 megapixels');
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('a 12000×8000 image is within the limit', async () => {
		const info = await readImageInfo(await bombPng(12000, 8000), 'image');
		expect(info).toMatchObject({ width: 12000, height: 8000, format: 'png' });
	});
});
