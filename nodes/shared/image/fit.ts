/** An image made to fit a provider's limits (side, pixels, bytes) and turned upright: `fitToLimit`, `uprightImage`. */
import { InputError } from '../inputError';
import { vips } from './imageInfo';
import type { ImageInfo, ImageLimit, ScaledSize } from './types';

/** Re-encode attempts before giving up on the byte limit (each shrinks by the measured overshoot). */
const MAX_ATTEMPTS = 6;
/** Aim a little under the byte limit: re-encoded sizes do not scale exactly with pixel count. */
const BYTE_MARGIN = 0.95;
const REENCODE_QUALITY = 90;

export interface FittedImage {
	data: Buffer;
	info: ImageInfo;
	/** Set when the image was scaled down: its mask goes to prepareMask's `scaledTo` with this. */
	scaledTo?: ScaledSize;
	/** The size as seen before it was scaled down. */
	downscaledFrom?: { width: number; height: number };
	/** The EXIF orientation (2–8) the file carried, when its pixels were turned upright to be sent. */
	orientationApplied?: number;
}

/**
 * Fits an image under a provider's limit by downscaling with aspect kept, when allowDownscale;
 * otherwise throws an InputError naming the limit. A file not stored upright (EXIF orientation)
 * is turned upright in the same pass, so the provider gets the picture as it is seen. Returns the
 * input unchanged when it is upright and within the limit. It runs before the mask is prepared,
 * so a mask is only ever encoded at the size sent (and the image's decode, the heaviest step,
 * runs while nothing else is held).
 */
export async function fitToLimit(image: { data: Buffer; info: ImageInfo }, limit: ImageLimit, allowDownscale: boolean, providerName?: string): Promise<FittedImage> {
	const { info } = image;
	const exceeded = exceededLimits(info.width, info.height, info.bytes, limit);
	if (exceeded.length === 0 && info.orientation === undefined) return { data: image.data, info };
	const provider = providerName ?? 'the provider';
	if (exceeded.length > 0 && !allowDownscale) {
		throw new InputError(
			`The image (${info.width}×${info.height} px, ${formatBytes(info.bytes)}) is over ${possessive(provider)} limit: ${exceeded.join(' and ')}.`,
			'Allow downscaling, so the image (and its mask) are scaled down to fit with the aspect ratio kept, or send a smaller image.',
		);
	}
	// What the bytes sent say of themselves: upright, no orientation left to apply.
	const { orientation, ...upright } = info;
	// 1 when only the orientation is to be applied: the upright image is then tried at full size first.
	let scale = firstScale(info, limit);
	for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		const size = scaledSize(info, scale, limit.maxSide);
		const data = await encodeUpright(image.data, info, size);
		const scaled = size.width !== info.width || size.height !== info.height;
		if (data.length <= limit.maxBytes) {
			return {
				data,
				info: { ...upright, ...size, bytes: data.length },
				...(scaled ? { scaledTo: { ...size, why: `to fit ${possessive(provider)} limit` }, downscaledFrom: { width: info.width, height: info.height } } : {}),
				...(orientation !== undefined ? { orientationApplied: orientation } : {}),
			};
		}
		if (!allowDownscale) {
			throw new InputError(
				`The image (${info.width}×${info.height} px), turned upright as its EXIF orientation ${orientation} says, is ${formatBytes(data.length)} once re-encoded, over ${possessive(provider)} limit of ${formatBytes(limit.maxBytes)} per image.`,
				'Allow downscaling, or send the image already upright (saved without an EXIF orientation) or more compressed.',
			);
		}
		scale *= Math.sqrt(limit.maxBytes / data.length) * BYTE_MARGIN;
	}
	throw new InputError(
		`The image (${info.width}×${info.height} px, ${formatBytes(info.bytes)}) could not be brought under ${possessive(provider)} limit of ${formatBytes(limit.maxBytes)} by downscaling.`,
		`Send a smaller or more compressed image (under ${formatBytes(limit.maxBytes)}).`,
	);
}

/**
 * An image turned upright (its EXIF orientation applied, re-encoded once in its own format), for
 * inputs no provider limit applies to here (reference images); unchanged when already upright.
 */
export async function uprightImage(image: { data: Buffer; info: ImageInfo }): Promise<FittedImage> {
	return fitToLimit(image, { maxBytes: Number.POSITIVE_INFINITY }, false);
}

/** True when the image (its header's size and its file size) needs no downscale for the limit. */
export function withinLimit(info: ImageInfo, limit: ImageLimit): boolean {
	return exceededLimits(info.width, info.height, info.bytes, limit).length === 0;
}

function exceededLimits(width: number, height: number, bytes: number, limit: ImageLimit): string[] {
	const exceeded: string[] = [];
	if (bytes > limit.maxBytes) exceeded.push(`at most ${formatBytes(limit.maxBytes)} per image`);
	if (limit.maxSide !== undefined && Math.max(width, height) > limit.maxSide) exceeded.push(`at most ${limit.maxSide} px on the longer side`);
	if (limit.maxPixels !== undefined && width * height > limit.maxPixels) exceeded.push(`at most ${formatPixels(limit.maxPixels)}`);
	return exceeded;
}

/** The side limit exactly; for the byte limit, a first guess that file size follows pixel count. */
function firstScale(info: ImageInfo, limit: ImageLimit): number {
	const sideScale = limit.maxSide !== undefined ? Math.min(1, limit.maxSide / Math.max(info.width, info.height)) : 1;
	// Rounding each side may add a row or column: aim just under the pixel cap.
	const pixels = info.width * info.height;
	const pixelScale = limit.maxPixels !== undefined && pixels > limit.maxPixels ? Math.sqrt(limit.maxPixels / pixels) * 0.999 : 1;
	const byteScale = info.bytes > limit.maxBytes ? Math.sqrt(limit.maxBytes / info.bytes) * BYTE_MARGIN : 1;
	return Math.min(sideScale, pixelScale, byteScale);
}

function scaledSize(info: ImageInfo, scale: number, maxSide: number | undefined): { width: number; height: number } {
	const cap = maxSide ?? Number.POSITIVE_INFINITY;
	return {
		width: Math.max(1, Math.min(cap, Math.round(info.width * scale))),
		height: Math.max(1, Math.min(cap, Math.round(info.height * scale))),
	};
}

/**
 * The image upright at `size` (as seen), in its own format. Metadata is kept so the colour profile
 * still applies; libvips writes the orientation as 1 once applied. sharp turns the image after
 * scaling it, so a turned image is held in memory (a quarter turn needs every row) at the size
 * sent, not at its full size.
 */
async function encodeUpright(data: Buffer, info: ImageInfo, size: { width: number; height: number }): Promise<Buffer> {
	const image = vips(data);
	if (info.orientation !== undefined) image.autoOrient();
	if (size.width !== info.width || size.height !== info.height) image.resize(size.width, size.height, { fit: 'fill' });
	const resized = image.keepMetadata();
	// Without optimised Huffman tables JPEG is written in one pass, strip by strip: optimising them
	// keeps every DCT coefficient of the image until the end (a 12000×8000 photo scaled to fit
	// 10 MB: 192 MB of working memory instead of 59, for a file 10% smaller).
	if (info.format === 'jpeg') return resized.jpeg({ quality: REENCODE_QUALITY, optimiseCoding: false }).toBuffer();
	if (info.format === 'webp') return resized.webp({ quality: REENCODE_QUALITY }).toBuffer();
	return resized.png({ adaptiveFiltering: true }).toBuffer();
}

function possessive(name: string): string {
	return name === 'the provider' ? "the provider's" : `${name}'s`;
}

/** 4194304 → "4.2 MP (4194304 px)". */
function formatPixels(pixels: number): string {
	return `${Number((pixels / 1e6).toFixed(1))} MP (${pixels} px)`;
}

function formatBytes(bytes: number): string {
	const mb = bytes / (1024 * 1024);
	if (mb >= 1) return `${Number(mb.toFixed(1))} MB`;
	return `${Number((bytes / 1024).toFixed(1))} KB`;
}
