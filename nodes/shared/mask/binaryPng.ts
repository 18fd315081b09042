/**
 * Binary masks made by libvips without their pixels ever reaching JS: a pipeline whose last
 * step gives 0 or 255 per pixel is written as a 1-bit greyscale PNG (a 4096² mask is 2 MB of bits
 * once inflated, instead of a 16 MB raster), its white pixels are counted from those bits, and it
 * is re-encoded as the 8-bit greyscale PNG providers receive (streamed by libvips, strip by strip).
 */
import { inflateSync } from 'node:zlib';

import type sharp from 'sharp';

import { sharp as vipsSharp } from './vips';

/**
 * zlib level 2 without adaptive filtering: a 4096² binary mask encodes in ~10 ms to ~50 KB.
 * Level 1 (zlib-ng's "quick" strategy) is no faster here and ~4× larger.
 */
export const MASK_PNG_OPTIONS: sharp.PngOptions = { compressionLevel: 2, adaptiveFiltering: false };

/** Set bits per byte value. */
const ONES = (() => {
	const ones = new Uint8Array(256);
	for (let value = 1; value < 256; value++) ones[value] = (value & 1) + ones[value >> 1];
	return ones;
})();

export interface BinaryMaskPng {
	/** 1-channel 8-bit greyscale PNG of 0 and 255. */
	png: Buffer;
	width: number;
	height: number;
	whitePixels: number;
}

/**
 * Runs `pipeline` (one band of 0/255 at `width`×`height`) to a binary mask PNG with its white
 * pixel count. Errors of the pipeline (the user's file failing to decode) pass through.
 */
export async function binaryMaskPng(pipeline: sharp.Sharp): Promise<BinaryMaskPng> {
	// colours: 2 without a palette makes libvips write one bit per pixel (255 → 1, 0 → 0).
	const { data: bits, info } = await pipeline
		.toColourspace('b-w')
		.png({ ...MASK_PNG_OPTIONS, colours: 2, palette: false })
		.toBuffer({ resolveWithObject: true });
	const whitePixels = countWhiteBits(bits, info.width, info.height);
	const png = await vipsSharp(bits).toColourspace('b-w').png(MASK_PNG_OPTIONS).toBuffer();
	return { png, width: info.width, height: info.height, whitePixels };
}

/** The set bits of a non-interlaced 1-bit greyscale PNG written without filters (as binaryMaskPng writes it). */
export function countWhiteBits(png: Buffer, width: number, height: number): number {
	const chunks: Buffer[] = [];
	let header: Buffer | undefined;
	for (let offset = 8; offset + 8 <= png.length; ) {
		const length = png.readUInt32BE(offset);
		const type = png.toString('latin1', offset + 4, offset + 8);
		const data = png.subarray(offset + 8, offset + 8 + length);
		if (type === 'IHDR') header = data;
		else if (type === 'IDAT') chunks.push(data);
		offset += 12 + length;
	}
	// Width, height, bit depth 1, colour type 0 (grey), no interlace.
	if (!header || header.readUInt32BE(0) !== width || header.readUInt32BE(4) !== height || header[8] !== 1 || header[9] !== 0 || header[12] !== 0) {
		throw new Error('mask encoding: libvips did not write a 1-bit greyscale PNG');
	}
	const rows = inflateSync(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
	const stride = 1 + Math.ceil(width / 8);
	if (rows.length !== stride * height) throw new Error('mask encoding: unexpected 1-bit PNG data length');
	// Bits past the last pixel of a row are not pixels.
	const lastByteMask = width % 8 === 0 ? 0xff : (0xff << (8 - (width % 8))) & 0xff;
	let white = 0;
	for (let row = 0; row < rows.length; row += stride) {
		if (rows[row] !== 0) throw new Error(`mask encoding: unexpected PNG row filter ${rows[row]}`);
		const last = row + stride - 1;
		for (let i = row + 1; i < last; i++) white += ONES[rows[i]];
		white += ONES[rows[last] & lastByteMask];
	}
	return white;
}
