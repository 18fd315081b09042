/**
 * Pixel arithmetic on single-channel masks held as raw bytes (decoding and encoding are sharp's).
 * resizeNearest samples at pixel centres; libvips' nearest neighbour picks other pixels when the
 * scale is not a whole number, so stretches by whole repeats are left to libvips (prepare.ts) and
 * the others are done here.
 */
import type { MaskColor } from './types';

/** A single-channel 8-bit image, row by row, no padding. */
export interface GreyRaster {
	data: Buffer;
	width: number;
	height: number;
}

/** The byte value of each colour in a binary mask. */
export const MASK_VALUE: Record<MaskColor, 0 | 255> = { black: 0, white: 255 };

/**
 * Stretches a raster to `width`×`height` by nearest neighbour, sampling at pixel centres, so a
 * binary mask stays binary and an integer upscale repeats each pixel exactly.
 */
export function resizeNearest(source: GreyRaster, width: number, height: number): GreyRaster {
	const sourceColumnOf = nearestIndexMap(source.width, width);
	const out = Buffer.allocUnsafe(width * height);
	let previousSourceRow = -1;
	for (let y = 0; y < height; y++) {
		const sourceRow = nearestIndex(y, source.height, height);
		const rowStart = y * width;
		if (sourceRow === previousSourceRow) {
			// Upscaling repeats whole rows: copy the row just written instead of sampling again.
			out.copyWithin(rowStart, rowStart - width, rowStart);
			continue;
		}
		const sourceStart = sourceRow * source.width;
		if (width === source.width) {
			source.data.copy(out, rowStart, sourceStart, sourceStart + width);
		} else {
			for (let x = 0; x < width; x++) out[rowStart + x] = source.data[sourceStart + sourceColumnOf[x]];
		}
		previousSourceRow = sourceRow;
	}
	return { data: out, width, height };
}

function nearestIndexMap(sourceLength: number, targetLength: number): Int32Array {
	const map = new Int32Array(targetLength);
	for (let i = 0; i < targetLength; i++) map[i] = nearestIndex(i, sourceLength, targetLength);
	return map;
}

/** The source index whose pixel covers the centre of target pixel `i` (integer arithmetic, exact). */
function nearestIndex(i: number, sourceLength: number, targetLength: number): number {
	return Math.min(sourceLength - 1, Math.floor(((2 * i + 1) * sourceLength) / (2 * targetLength)));
}

/**
 * Counts the 255 bytes of a buffer holding only 0 and 255. Four bytes at a time: the low bit of
 * each byte is masked out and the multiply sums the four bits into the top byte.
 */
function countWhitePixels(data: Uint8Array): number {
	let count = 0;
	const unalignedHead = Math.min(data.length, (4 - (data.byteOffset & 3)) & 3);
	for (let i = 0; i < unalignedHead; i++) count += data[i] & 1;
	// Short buffers may end before the first aligned word: then there are no words to read.
	const wordCount = unalignedHead === data.length ? 0 : (data.length - unalignedHead) >>> 2;
	if (wordCount > 0) {
		const words = new Uint32Array(data.buffer, data.byteOffset + unalignedHead, wordCount);
		for (let i = 0; i < wordCount; i++) count += Math.imul(words[i] & 0x01010101, 0x01010101) >>> 24;
	}
	for (let i = unalignedHead + wordCount * 4; i < data.length; i++) count += data[i] & 1;
	return count;
}

/** How many pixels of a binary mask have the edit colour. */
export function countEditPixels(mask: GreyRaster, editColor: MaskColor): number {
	const white = countWhitePixels(mask.data);
	return editColor === 'white' ? white : mask.width * mask.height - white;
}
