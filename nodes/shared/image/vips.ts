/**
 * sharp as this package uses it: every image is decoded once and never seen again, so libvips'
 * operation cache (by default up to 50 MB and 100 operations kept for reuse) only holds pixels
 * of finished items and makes a long-running n8n's memory grow with the number of executions.
 * A decoder never reads an image over MAX_INPUT_PIXELS (the header check refuses it first).
 */
import sharp from 'sharp';

sharp.cache(false);

/**
 * Largest image (or mask) read, in pixels: 120 megapixels, e.g. 12000×10000, well over a print
 * photo from a camera; its decoded RGBA would be 480 MB. Larger files are refused from their
 * header before any pixel is decoded (a small PNG of one colour can claim 16000×16000 or more).
 */
export const MAX_INPUT_PIXELS = 120_000_000;

/** sharp on an encoded image, refusing to decode more than MAX_INPUT_PIXELS. */
export function vips(data: Buffer): sharp.Sharp {
	return sharp(data, { limitInputPixels: MAX_INPUT_PIXELS });
}

export { sharp };
