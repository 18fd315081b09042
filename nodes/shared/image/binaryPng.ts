/**
 * Binary masks made by libvips without their pixels ever reaching JS: a pipeline whose last
 * step gives 0 or 255 per pixel is written as a 1-bit greyscale PNG (a 4096² mask is 2 MB of bits
 * once inflated, instead of a 16 MB raster), its white pixels are counted from those bits, it is
 * scaled from those bits when its image is scaled down, and only its final size is re-encoded as
 * the 8-bit greyscale PNG providers receive.
 */
import { createInflate } from 'node:zlib';

import type sharp from 'sharp';

import { sharp as vipsSharp } from './imageInfo';

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

export interface BinaryMask {
	/** 1-bit greyscale PNG: white (1) and black (0), unfiltered. */
	bits: Buffer;
	width: number;
	height: number;
	whitePixels: number;
}

/**
 * Runs `pipeline` (one band of 0/255) to a 1-bit mask PNG with its white pixel count. Errors of
 * the pipeline (the user's file failing to decode) pass through.
 */
export async function binaryMask(pipeline: sharp.Sharp): Promise<BinaryMask> {
	// colours: 2 without a palette makes libvips write one bit per pixel (255 → 1, 0 → 0).
	const { data: bits, info } = await pipeline
		.toColourspace('b-w')
		.png({ ...MASK_PNG_OPTIONS, colours: 2, palette: false })
		.toBuffer({ resolveWithObject: true });
	return { bits, width: info.width, height: info.height, whitePixels: await countWhiteBits(bits, info.width, info.height) };
}

/** The 8-bit greyscale PNG of 0 and 255 providers receive (streamed by libvips, strip by strip). */
export async function providerMaskPng(mask: BinaryMask): Promise<Buffer> {
	return vipsSharp(mask.bits).toColourspace('b-w').png(MASK_PNG_OPTIONS).toBuffer();
}

/**
 * The set bits of a non-interlaced 1-bit greyscale PNG written without filters (as binaryMask
 * writes it), inflated and counted piece by piece: a print-size mask's rows (12 MB at
 * 12000×8000) are never held at once.
 */
async function countWhiteBits(png: Buffer, width: number, height: number): Promise<number> {
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
	const stride = 1 + Math.ceil(width / 8);
	const last = stride - 1;
	// Bits past the last pixel of a row are not pixels.
	const lastByteMask = width % 8 === 0 ? 0xff : (0xff << (8 - (width % 8))) & 0xff;
	let white = 0;
	let column = 0;
	let rows = 0;
	const count = (piece: Buffer) => {
		for (let i = 0; i < piece.length; i++) {
			const byte = piece[i];
			if (column === 0) {
				if (byte !== 0) throw new Error(`mask encoding: unexpected PNG row filter ${byte}`);
			} else white += ONES[column === last ? byte & lastByteMask : byte];
			if (++column === stride) {
				column = 0;
				rows++;
			}
		}
	};
	await new Promise<void>((resolve, reject) => {
		const inflate = createInflate();
		inflate.on('data', (piece: Buffer) => {
			try {
				count(piece);
			} catch (error) {
				inflate.destroy(error instanceof Error ? error : new Error(String(error)));
			}
		});
		inflate.on('end', resolve);
		inflate.on('error', reject);
		for (const chunk of chunks) inflate.write(chunk);
		inflate.end();
	});
	if (rows !== height || column !== 0) throw new Error('mask encoding: unexpected 1-bit PNG data length');
	return white;
}
