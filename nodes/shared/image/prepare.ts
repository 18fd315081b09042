/**
 * The Edit's mask, from what the user gave (a mask image or rectangles) to what the provider takes:
 * decoded as seen, sorted into edit and keep, made at the size the image is sent at, checked to
 * mark part of the image, and written in the provider's colours (`prepareMask`).
 */
import { InputError } from '../inputError';
import { binaryMask, MASK_PNG_OPTIONS, providerMaskPng, type BinaryMask } from './binaryPng';
import { classifyMaskInVips, classifyMaskPixels, type MaskMeaning } from './classify';
import { readImageHeader, sharp, vips } from './imageInfo';
import { countEditPixels, resizeNearest, type GreyRaster } from './raster';
import { rasteriseRects, regionsToPixelRects } from './regions';
import type { MaskColor, MaskEditColor, MaskRegion, PreparedMask, PrepareMaskInput, ScaledSize } from './types';

const DEFAULT_THRESHOLD = 128;

/**
 * Turns the user's mask (any size, grey, noisy, with or without alpha) or rectangles into a binary,
 * 1-channel PNG of the image's exact size (or of `scaledTo`, the size the image is sent at) in the
 * provider's convention, and refuses masks that mark nothing or everything (RunComfy: "full or
 * missing masks are invalid"), before any paid call.
 */
export async function prepareMask(input: PrepareMaskInput): Promise<PreparedMask> {
	assertImageSize(input.imageWidth, input.imageHeight);
	if (input.mask !== undefined && input.regions === undefined) return prepareFromImage(input.mask, input);
	if (input.regions !== undefined && input.mask === undefined) return scaleMask(await prepareFromRegions(input.regions, input), input.scaledTo);
	throw new InputError(
		input.mask === undefined ? 'No mask was given.' : 'Both a mask image and mask regions were given.',
		'Give either a mask image or mask regions (rectangles), not both.',
		'maskSource',
	);
}

async function prepareFromRegions(regions: MaskRegion[], input: PrepareMaskInput): Promise<PreparedMask> {
	const { imageWidth: width, imageHeight: height, providerEditColor } = input;
	const raster = rasteriseRects(regionsToPixelRects(regions, width, height), width, height, providerEditColor);
	const editPixels = countEditPixels(raster, providerEditColor);
	assertRegionsLeaveSomethingToKeep(editPixels, width * height);
	return encodePreparedMask(raster, providerEditColor, editPixels);
}

async function prepareFromImage(mask: Buffer, input: PrepareMaskInput): Promise<PreparedMask> {
	const { imageWidth: width, imageHeight: height, providerEditColor } = input;
	const threshold = resolveThreshold(input.threshold);
	const label = input.label ?? 'mask';
	const maskParameter = input.maskParameter ?? 'maskBinaryProperty';
	const header = await readImageHeader(mask, label, maskParameter);
	const { info } = header;
	const sizeDiffers = info.width !== width || info.height !== height;
	if (sizeDiffers && input.onSizeMismatch === 'error') {
		throw new InputError(
			`The ${label} is ${info.width}×${info.height} px but the image is ${width}×${height} px; they must be the same size.`,
			`Make the ${label} ${width}×${height} px, or let the node stretch it to the image's size.`,
			maskParameter,
		);
	}
	const how: MaskMeaning = { editColor: input.editColor, threshold, providerEditColor, label, maskParameter };
	const inVips = sizeDiffers ? undefined : await classifyMaskInVips(mask, how);
	if (inVips) {
		assertMaskIsPartial(inVips.editPixels, width * height, how);
		// Scaled from its 1-bit form: only the size sent is ever encoded as the provider's PNG.
		return preparedFrom(input.scaledTo ? await scaleBinary(inVips.bits, providerEditColor, input.scaledTo) : inVips, providerEditColor);
	}
	const classified = await classifyMaskPixels(mask, header, how);
	// A whole-number stretch (a mask at half the image's size) is left to libvips while it encodes:
	// it repeats each pixel as resizeNearest does, with no raster of the image's size in JS.
	const repeats = wholeRepeats(classified, width, height);
	const raster = repeats ? classified : resizeNearest(classified, width, height);
	const editPixels = countEditPixels(raster, providerEditColor) * (repeats ?? 1);
	assertMaskIsPartial(editPixels, width * height, how);
	const prepared = await encodePreparedMask(raster, providerEditColor, editPixels, { width, height });
	return scaleMask(sizeDiffers ? { ...prepared, resizedFrom: { width: info.width, height: info.height } } : prepared, input.scaledTo);
}

/** A prepared mask at the size its image is sent at (unchanged when the image is not scaled). */
async function scaleMask(mask: PreparedMask, scaledTo: ScaledSize | undefined): Promise<PreparedMask> {
	if (!scaledTo) return mask;
	return { ...mask, ...(await preparedFrom(await scaleBinary(mask.png, mask.editColor, scaledTo), mask.editColor)) };
}

/**
 * A binary mask PNG (1-bit or 8-bit) scaled as its image was, by nearest neighbour so it stays
 * binary (scaling a thresholded mask gives what thresholding the scaled one would); refused when
 * scaling erased its edit or keep area.
 */
async function scaleBinary(png: Buffer, editColor: MaskColor, scaledTo: ScaledSize): Promise<BinaryMask> {
	const scaled = await binaryMask(vips(png).resize(scaledTo.width, scaledTo.height, { fit: 'fill', kernel: 'nearest' }));
	const editPixels = editPixelsOf(scaled, editColor);
	if (editPixels === 0 || editPixels === scaled.width * scaled.height) {
		throw new InputError(
			`Scaled down to ${scaled.width}×${scaled.height} px ${scaledTo.why}, the mask ${editPixels === 0 ? 'no longer marks anything to edit' : 'covers the whole image'}.`,
			'Use a mask whose edit and keep areas are both more than a few pixels wide, or send a smaller image.',
		);
	}
	return scaled;
}

/** The provider's PNG of a binary mask whose white pixels are counted. */
async function preparedFrom(mask: BinaryMask, editColor: MaskColor): Promise<PreparedMask> {
	return {
		png: await providerMaskPng(mask),
		width: mask.width,
		height: mask.height,
		editColor,
		editFraction: editPixelsOf(mask, editColor) / (mask.width * mask.height),
	};
}

function editPixelsOf(mask: BinaryMask, editColor: MaskColor): number {
	return editColor === 'white' ? mask.whitePixels : mask.width * mask.height - mask.whitePixels;
}

function assertImageSize(width: number, height: number): void {
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new RangeError(`prepareMask needs the image's size in whole pixels (got ${width}×${height})`);
	}
}

function resolveThreshold(threshold: number | undefined): number {
	if (threshold === undefined) return DEFAULT_THRESHOLD;
	if (!Number.isInteger(threshold) || threshold < 0 || threshold > 255) {
		throw new InputError(`The mask threshold must be a whole number from 0 to 255 (got ${threshold}).`, 'Leave it at 128 unless your mask uses mid-grey for the edit area.');
	}
	return threshold;
}

function assertMaskIsPartial(editPixels: number, totalPixels: number, meaning: MaskMeaning): void {
	const editPixelsAre = describeEditPixels(meaning.editColor, meaning.threshold);
	if (editPixels === 0) {
		throw new InputError(
			`The ${meaning.label} marks nothing to edit: none of its pixels is ${editPixelsAre}.`,
			`Check maskEditColor (your mask's edit area may be the other colour); it is set to '${meaning.editColor}'.`,
			'maskEditColor',
		);
	}
	if (editPixels === totalPixels) {
		throw new InputError(
			`The ${meaning.label} covers the whole image: every pixel is ${editPixelsAre}, so nothing would be kept, and providers refuse full masks.`,
			`Mark only the area to repaint, or check maskEditColor (your mask's edit area may be the other colour); it is set to '${meaning.editColor}'.`,
			'maskEditColor',
		);
	}
}

function assertRegionsLeaveSomethingToKeep(editPixels: number, totalPixels: number): void {
	if (editPixels === totalPixels) {
		throw new InputError(
			'The mask regions cover the whole image, so nothing would be kept, and providers refuse full masks.',
			'Make the regions cover only the area to repaint.',
			'maskRegions',
		);
	}
}

function describeEditPixels(editColor: MaskEditColor, threshold: number): string {
	if (editColor === 'white') return `white (luminance ${threshold} or above)`;
	if (editColor === 'black') return `black (luminance below ${threshold})`;
	return `transparent (alpha below ${threshold})`;
}

/** How many times each pixel of `raster` is repeated to fill width×height, when that is a whole number across and down. */
function wholeRepeats(raster: GreyRaster, width: number, height: number): number | undefined {
	if (width % raster.width !== 0 || height % raster.height !== 0) return undefined;
	return (width / raster.width) * (height / raster.height);
}

/** The raster as the provider's PNG, stretched by whole repeats to `size` when it is smaller. */
async function encodePreparedMask(
	raster: GreyRaster,
	editColor: MaskColor,
	editPixels: number,
	size: { width: number; height: number } = raster,
): Promise<PreparedMask> {
	return {
		png: await encodeMaskPng(raster, size),
		width: size.width,
		height: size.height,
		editColor,
		editFraction: editPixels / (size.width * size.height),
	};
}

async function encodeMaskPng(raster: GreyRaster, size: { width: number; height: number }): Promise<Buffer> {
	const pixels = sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 1 } });
	const sized = size.width === raster.width && size.height === raster.height ? pixels : pixels.resize(size.width, size.height, { fit: 'fill', kernel: 'nearest' });
	return sized.toColourspace('b-w').png(MASK_PNG_OPTIONS).toBuffer();
}
