/**
 * Phone photos as cameras store them: the picture as seen (upright) turned in the file, with the
 * EXIF orientation that turns it back. A red marker is painted on the upright picture, so a test
 * can see where a picture's content ended up in the bytes a provider received.
 */
import sharp from 'sharp';

export interface Rect {
	left: number;
	top: number;
	width: number;
	height: number;
}

/** The orientations a phone writes: upside down (3), turned for portrait (6) or the other way (8). */
export type PhoneOrientation = 3 | 6 | 8;

/** How the stored pixels are turned (clockwise) from the picture as seen; the orientation turns them back. */
const STORED_TURN: Record<PhoneOrientation, number> = { 3: 180, 6: 270, 8: 90 };

export const BACKGROUND = { r: 32, g: 80, b: 192 };
export const MARKER = { r: 230, g: 20, b: 20 };

/**
 * A photo seen as `width`×`height` with the marker at `marker` (both as seen), stored turned with
 * EXIF `orientation`: for 6 and 8 the file's own pixels are `height`×`width`. `noise`: detail in
 * the background, so the file is as large as a photo's (about 0.5 MB per megapixel as JPEG).
 */
export async function phonePhoto(options: {
	orientation: PhoneOrientation;
	width: number;
	height: number;
	marker: Rect;
	format?: 'jpeg' | 'png' | 'webp';
	noise?: boolean;
}): Promise<Buffer> {
	const { orientation, width, height, marker, format = 'jpeg' } = options;
	const noise = options.noise ? { noise: { type: 'gaussian' as const, mean: 0, sigma: 12 } } : {};
	const patch = await sharp({ create: { width: marker.width, height: marker.height, channels: 3, background: MARKER } }).png().toBuffer();
	const background = await sharp({ create: { width, height, channels: 3, background: BACKGROUND, ...noise } }).png().toBuffer();
	const upright = await sharp(background)
		.composite([{ input: patch, left: marker.left, top: marker.top }])
		.removeAlpha()
		.png()
		.toBuffer();
	return storedTurned(upright, orientation, format);
}

/** Any picture (as seen) stored turned, with the EXIF orientation that turns it back. */
export async function storedTurned(upright: Buffer, orientation: PhoneOrientation, format: 'jpeg' | 'png' | 'webp' = 'png'): Promise<Buffer> {
	const stored = await sharp(upright).rotate(STORED_TURN[orientation]).png().toBuffer();
	const tagged = sharp(stored).withMetadata({ orientation });
	if (format === 'jpeg') return tagged.jpeg({ quality: 95 }).toBuffer();
	if (format === 'webp') return tagged.webp({ quality: 95 }).toBuffer();
	return tagged.png().toBuffer();
}

/** The bounding box of the pixels matching `isWanted`, in the file's stored pixels (no orientation applied). */
async function storedBox(bytes: Buffer, isWanted: (r: number, g: number, b: number) => boolean): Promise<(Rect & { imageWidth: number; imageHeight: number }) | undefined> {
	const { data, info } = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
	let left = Infinity;
	let top = Infinity;
	let right = -1;
	let bottom = -1;
	for (let y = 0; y < info.height; y++)
		for (let x = 0; x < info.width; x++) {
			const p = (y * info.width + x) * info.channels;
			const [r, g, b] = info.channels >= 3 ? [data[p], data[p + 1], data[p + 2]] : [data[p], data[p], data[p]];
			if (!isWanted(r, g, b)) continue;
			left = Math.min(left, x);
			top = Math.min(top, y);
			right = Math.max(right, x);
			bottom = Math.max(bottom, y);
		}
	if (right < 0) return undefined;
	return { left, top, width: right - left + 1, height: bottom - top + 1, imageWidth: info.width, imageHeight: info.height };
}

/** Where the red marker is in a file's stored pixels (what a provider that ignores EXIF works on). */
export const markerBox = (bytes: Buffer) => storedBox(bytes, (r, g, b) => r > 150 && g < 100 && b < 100);

/** Where a binary mask's `editColor` pixels are, in its stored pixels. */
export const editBox = (mask: Buffer, editColor: 'black' | 'white') =>
	storedBox(mask, editColor === 'black' ? (r) => r < 128 : (r) => r >= 128);

/** The EXIF orientation a file's bytes still carry (1 when none). */
export async function storedOrientation(bytes: Buffer): Promise<number> {
	return (await sharp(bytes).metadata()).orientation ?? 1;
}

/** A rectangle scaled by `scale`, rounded to whole pixels (for boxes compared after a downscale). */
export function scaleRect(rect: Rect, scale: number): Rect {
	return {
		left: Math.round(rect.left * scale),
		top: Math.round(rect.top * scale),
		width: Math.round(rect.width * scale),
		height: Math.round(rect.height * scale),
	};
}
