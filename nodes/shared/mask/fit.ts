import { vips } from './vips';

import { InputError } from '../inputError';
import { binaryMaskPng } from './binaryPng';
import type { ImageInfo, ImageLimit, PreparedMask } from './types';

/** Re-encode attempts before giving up on the byte limit (each shrinks by the measured overshoot). */
const MAX_ATTEMPTS = 6;
/** Aim a little under the byte limit: re-encoded sizes do not scale exactly with pixel count. */
const BYTE_MARGIN = 0.95;
const REENCODE_QUALITY = 90;

export interface FittedImage {
	data: Buffer;
	info: ImageInfo;
	mask?: PreparedMask;
	downscaledFrom?: { width: number; height: number };
}

/**
 * Fits an image (and its prepared mask, resized with it by nearest neighbour, so they stay the
 * same size) under a provider's limit by downscaling with aspect kept, when allowDownscale;
 * otherwise throws an InputError naming the limit. Returns the inputs unchanged when already
 * within the limit.
 */
export async function fitToLimit(
	image: { data: Buffer; info: ImageInfo },
	limit: ImageLimit,
	allowDownscale: boolean,
	mask?: PreparedMask,
	providerName?: string,
): Promise<FittedImage> {
	const { info } = image;
	if (mask && (mask.width !== info.width || mask.height !== info.height)) {
		throw new RangeError(`fitToLimit: the mask is ${mask.width}×${mask.height} but the image is ${info.width}×${info.height}`);
	}
	const exceeded = exceededLimits(info.width, info.height, info.bytes, limit);
	if (exceeded.length === 0) return { data: image.data, info, mask };
	const provider = providerName ?? 'the provider';
	if (!allowDownscale) {
		throw new InputError(
			`The image (${info.width}×${info.height} px, ${formatBytes(info.bytes)}) is over ${possessive(provider)} limit: ${exceeded.join(' and ')}.`,
			'Allow downscaling, so the image (and its mask) are scaled down to fit with the aspect ratio kept, or send a smaller image.',
		);
	}
	let scale = firstScale(info, limit);
	for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		const size = scaledSize(info, scale, limit.maxSide);
		const data = await encodeScaled(image.data, info, size);
		if (data.length <= limit.maxBytes) {
			return {
				data,
				info: { ...info, ...size, bytes: data.length },
				mask: mask && (await resizeMaskWith(mask, size, provider)),
				downscaledFrom: { width: info.width, height: info.height },
			};
		}
		scale *= Math.sqrt(limit.maxBytes / data.length) * BYTE_MARGIN;
	}
	throw new InputError(
		`The image (${info.width}×${info.height} px, ${formatBytes(info.bytes)}) could not be brought under ${possessive(provider)} limit of ${formatBytes(limit.maxBytes)} by downscaling.`,
		`Send a smaller or more compressed image (under ${formatBytes(limit.maxBytes)}).`,
	);
}

function exceededLimits(width: number, height: number, bytes: number, limit: ImageLimit): string[] {
	const exceeded: string[] = [];
	if (bytes > limit.maxBytes) exceeded.push(`at most ${formatBytes(limit.maxBytes)} per image`);
	if (limit.maxSide !== undefined && Math.max(width, height) > limit.maxSide) exceeded.push(`at most ${limit.maxSide} px on the longer side`);
	return exceeded;
}

/** The side limit exactly; for the byte limit, a first guess that file size follows pixel count. */
function firstScale(info: ImageInfo, limit: ImageLimit): number {
	const sideScale = limit.maxSide !== undefined ? Math.min(1, limit.maxSide / Math.max(info.width, info.height)) : 1;
	const byteScale = info.bytes > limit.maxBytes ? Math.sqrt(limit.maxBytes / info.bytes) * BYTE_MARGIN : 1;
	return Math.min(sideScale, byteScale);
}

function scaledSize(info: ImageInfo, scale: number, maxSide: number | undefined): { width: number; height: number } {
	const cap = maxSide ?? Number.POSITIVE_INFINITY;
	return {
		width: Math.max(1, Math.min(cap, Math.round(info.width * scale))),
		height: Math.max(1, Math.min(cap, Math.round(info.height * scale))),
	};
}

/** Same format; metadata kept so EXIF orientation and the colour profile still apply to the smaller image. */
async function encodeScaled(data: Buffer, info: ImageInfo, size: { width: number; height: number }): Promise<Buffer> {
	const resized = vips(data).resize(size.width, size.height, { fit: 'fill' }).keepMetadata();
	// Without optimised Huffman tables JPEG is written in one pass, strip by strip: optimising them
	// keeps every DCT coefficient of the image until the end (a 12000×8000 photo scaled to fit
	// 10 MB: 192 MB of working memory instead of 59, for a file 10% smaller).
	if (info.format === 'jpeg') return resized.jpeg({ quality: REENCODE_QUALITY, optimiseCoding: false }).toBuffer();
	if (info.format === 'webp') return resized.webp({ quality: REENCODE_QUALITY }).toBuffer();
	return resized.png({ adaptiveFiltering: true }).toBuffer();
}

/**
 * The prepared mask scaled with the image, by libvips (nearest neighbour, so it stays binary),
 * never decoded whole into JS: a print-size mask (12000×8000) would be a 96 MB raster.
 */
async function resizeMaskWith(mask: PreparedMask, size: { width: number; height: number }, provider: string): Promise<PreparedMask> {
	const resized = await binaryMaskPng(vips(mask.png).resize(size.width, size.height, { fit: 'fill', kernel: 'nearest' }));
	const editPixels = mask.editColor === 'white' ? resized.whitePixels : size.width * size.height - resized.whitePixels;
	if (editPixels === 0 || editPixels === size.width * size.height) {
		throw new InputError(
			`Scaled down to ${size.width}×${size.height} px to fit ${possessive(provider)} limit, the mask ${editPixels === 0 ? 'no longer marks anything to edit' : 'covers the whole image'}.`,
			'Use a mask whose edit and keep areas are both more than a few pixels wide, or send a smaller image.',
		);
	}
	return {
		png: resized.png,
		width: size.width,
		height: size.height,
		editColor: mask.editColor,
		editFraction: editPixels / (size.width * size.height),
		...(mask.resizedFrom ? { resizedFrom: mask.resizedFrom } : {}),
	};
}

function possessive(name: string): string {
	return name === 'the provider' ? "the provider's" : `${name}'s`;
}

export function formatBytes(bytes: number): string {
	const mb = bytes / (1024 * 1024);
	if (mb >= 1) return `${Number(mb.toFixed(1))} MB`;
	return `${Number((bytes / 1024).toFixed(1))} KB`;
}
