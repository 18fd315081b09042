/**
 * sharp as this package uses it, and what an image's header says (format, size as seen, alpha).
 *
 * Every image is decoded once and never seen again, so libvips' operation cache (by default up to
 * 50 MB and 100 operations kept for reuse) only holds pixels of finished items and makes a
 * long-running n8n's memory grow with the number of executions: it is off. A decoder never reads
 * an image over MAX_INPUT_PIXELS (the header check refuses it first). Every file of this module
 * takes sharp from here, so the cache is off before the first image.
 */
import sharp from 'sharp';

import { InputError } from '../inputError';
import type { ImageInfo } from './types';

sharp.cache(false);

/**
 * Largest image (or mask) read, in pixels: 120 megapixels, e.g. 12000×10000, well over a print
 * photo from a camera; its decoded RGBA would be 480 MB. Larger files are refused from their
 * header before any pixel is decoded (a small PNG of one colour can claim 16000×16000 or more).
 */
const MAX_INPUT_PIXELS = 120_000_000;

/** sharp on an encoded image, refusing to decode more than MAX_INPUT_PIXELS. */
export function vips(data: Buffer): sharp.Sharp {
	return sharp(data, { limitInputPixels: MAX_INPUT_PIXELS });
}

export { sharp };

const ACCEPTED_MIME_TYPES = {
	png: 'image/png',
	jpeg: 'image/jpeg',
	webp: 'image/webp',
} as const;

type AcceptedFormat = keyof typeof ACCEPTED_MIME_TYPES;

/** How sharp's format names read in a message, with their article. */
const FORMAT_NAMES: Record<string, string> = {
	gif: 'a GIF',
	tiff: 'a TIFF',
	heif: 'a HEIF/AVIF',
	svg: 'an SVG',
	pdf: 'a PDF',
	jp2k: 'a JPEG 2000',
	jxl: 'a JPEG XL',
	ppm: 'a PPM',
	magick: 'a BMP/ICO',
};

const CONVERT_HINT = 'Convert it to PNG, JPEG or WebP first (for example with n8n\'s Edit Image node).';
const NOT_A_FILE_HINT =
	'Check that it is the image file itself (PNG, JPEG or WebP), not text, JSON or an HTML page: a binary property holding the file, or a URL that serves the image rather than a page showing it.';

/**
 * Reads an image's format, size as seen (EXIF orientation applied) and alpha from its header (no
 * pixel decoding), refusing anything but PNG, JPEG and WebP, which are all the providers accept.
 */
export async function readImageInfo(data: Buffer, what = 'image'): Promise<ImageInfo> {
	return (await readImageHeader(data, what)).info;
}

/**
 * `readImageInfo`, plus whether the pixels are stored as greyscale (which decodes faster as one
 * band). `parameter` is put on the errors: the node parameter the bytes came from.
 */
export async function readImageHeader(data: Buffer, what: string, parameter?: string): Promise<{ info: ImageInfo; greyscale: boolean }> {
	if (data.length === 0) {
		throw new InputError(`The ${what} is empty (0 bytes), not a PNG, JPEG or WebP image.`, NOT_A_FILE_HINT, parameter);
	}
	const metadata = await sharp(data)
		.metadata()
		.catch((error: unknown) => {
			throw new InputError(`The ${what} is not a PNG, JPEG or WebP image (${reasonOf(error)}).`, NOT_A_FILE_HINT, parameter);
		});
	const format = metadata.format;
	if (!isAcceptedFormat(format)) {
		throw new InputError(`The ${what} is ${describeFormat(String(format))} image, not a PNG, JPEG or WebP image.`, CONVERT_HINT, parameter);
	}
	if (!metadata.width || !metadata.height) {
		throw new InputError(`The ${what} has no readable width and height; it is not a valid ${format.toUpperCase()} image.`, NOT_A_FILE_HINT, parameter);
	}
	if (metadata.width * metadata.height > MAX_INPUT_PIXELS) {
		// From the header alone: such a file may be small (one colour compresses to almost nothing)
		// and would decode to gigabytes.
		throw new InputError(
			`The ${what} is ${metadata.width}×${metadata.height} px (${megapixels(metadata.width * metadata.height)} megapixels), over the limit of ${megapixels(MAX_INPUT_PIXELS)} megapixels this node reads.`,
			`Scale the ${what} down before this node (the provider takes far fewer pixels anyway), for example with n8n's Edit Image node.`,
			parameter,
		);
	}
	const orientation = metadata.orientation !== undefined && metadata.orientation >= 2 && metadata.orientation <= 8 ? metadata.orientation : undefined;
	// Orientations 5–8 turn the picture a quarter: its sides swap.
	const quarterTurn = orientation !== undefined && orientation >= 5;
	const info: ImageInfo = {
		format,
		mimeType: ACCEPTED_MIME_TYPES[format],
		width: quarterTurn ? metadata.height : metadata.width,
		height: quarterTurn ? metadata.width : metadata.height,
		hasAlpha: metadata.hasAlpha === true,
		bytes: data.length,
		...(orientation ? { orientation } : {}),
	};
	return { info, greyscale: metadata.space === 'b-w' || metadata.space === 'grey16' };
}

const megapixels = (pixels: number) => Number((pixels / 1e6).toFixed(1));

function isAcceptedFormat(format: string | undefined): format is AcceptedFormat {
	return format !== undefined && Object.prototype.hasOwnProperty.call(ACCEPTED_MIME_TYPES, format);
}

function describeFormat(format: string): string {
	const upper = format.toUpperCase();
	return FORMAT_NAMES[format] ?? `${/^[AEIOU]/.test(upper) ? 'an' : 'a'} ${upper}`;
}

/** sharp's own words, for the cases a user can act on (unsupported format, truncated file). */
export function reasonOf(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	return message.replace(/^Input (buffer|Buffer) /, '').replace(/\s+/g, ' ').trim();
}
