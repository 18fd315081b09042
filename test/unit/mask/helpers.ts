/** Builds test images with sharp and reads prepared masks back, pixel by pixel. */
import sharp from 'sharp';

export interface Rect {
	left: number;
	top: number;
	width: number;
	height: number;
}

/** Raw pixels: a background colour with rectangles painted over it (channels = colour length). */
export function paintRaw(width: number, height: number, background: number[], rects: Array<{ rect: Rect; color: number[] }> = []): Buffer {
	const channels = background.length;
	const data = Buffer.alloc(width * height * channels);
	for (let i = 0; i < width * height; i++) data.set(background, i * channels);
	for (const { rect, color } of rects) {
		for (let y = rect.top; y < rect.top + rect.height; y++) {
			for (let x = rect.left; x < rect.left + rect.width; x++) data.set(color, (y * width + x) * channels);
		}
	}
	return data;
}

export type Format = 'png' | 'jpeg' | 'webp';

/** Encodes raw pixels; 1- and 2-channel input is kept greyscale (not widened to RGB). */
export async function encodeRaw(data: Buffer, width: number, height: number, channels: 1 | 2 | 3 | 4, format: Format = 'png', quality = 90): Promise<Buffer> {
	let image = sharp(data, { raw: { width, height, channels } });
	if (channels <= 2) image = image.toColourspace('b-w');
	if (format === 'jpeg') return image.jpeg({ quality }).toBuffer();
	if (format === 'webp') return image.webp({ lossless: true }).toBuffer();
	return image.png().toBuffer();
}

export async function paintImage(
	width: number,
	height: number,
	background: number[],
	rects: Array<{ rect: Rect; color: number[] }> = [],
	format: Format = 'png',
): Promise<Buffer> {
	return encodeRaw(paintRaw(width, height, background, rects), width, height, background.length as 1 | 2 | 3 | 4, format);
}

export interface DecodedMask {
	data: Buffer;
	width: number;
	height: number;
	channels: number;
	space: string | undefined;
}

/** Decodes a prepared mask PNG, checking it is what providers get: 1-channel greyscale PNG. */
export async function decodeMask(png: Buffer): Promise<DecodedMask> {
	const metadata = await sharp(png).metadata();
	const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height, channels: metadata.channels ?? 0, space: metadata.space };
}

/** The mask expected: `editValue` inside the rectangles, the other value elsewhere. */
export function expectedMask(width: number, height: number, rects: Rect[], editValue: 0 | 255): Buffer {
	return paintRaw(width, height, [255 - editValue], rects.map((rect) => ({ rect, color: [editValue] })));
}

export function pixel(mask: DecodedMask, x: number, y: number): number {
	return mask.data[y * mask.width + x];
}

export function distinctValues(data: Buffer): number[] {
	return [...new Set(data)].sort((a, b) => a - b);
}

/** Positions where two masks differ, at most `limit` of them, for readable failures. */
export function differences(actual: Buffer, expected: Buffer, width: number, limit = 5): Array<{ x: number; y: number; actual: number; expected: number }> {
	const found = [];
	for (let i = 0; i < expected.length && found.length < limit; i++) {
		if (actual[i] !== expected[i]) found.push({ x: i % width, y: Math.floor(i / width), actual: actual[i], expected: expected[i] });
	}
	return found;
}
