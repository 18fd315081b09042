/**
 * Decodes a user's mask (sharp) and sorts each pixel into edit or keep, written as the provider's
 * colour for it. Works at the mask's own size: thresholding before a nearest-neighbour resize gives
 * the same result as after, on 4× fewer pixels when the mask is upscaled.
 */
import type sharp from 'sharp';

import { InputError } from '../inputError';
import { binaryMask, type BinaryMask } from './binaryPng';
import { reasonOf, vips } from './imageInfo';
import { MASK_VALUE, type GreyRaster } from './raster';
import type { ImageInfo, MaskColor, MaskEditColor } from './types';

/** What the user's mask means and how to word problems with it. */
export interface MaskMeaning {
	editColor: MaskEditColor;
	/** 0–255, on luminance (black/white) or alpha (transparent). */
	threshold: number;
	providerEditColor: MaskColor;
	label: string;
	maskParameter: string;
}

/**
 * Decodes the mask at its own size into one byte per pixel: the provider's edit or keep value.
 * libvips makes the one band in a single pass, so no RGB(A) pixels of the whole mask are ever
 * held (a 4096² RGBA mask: 16 MB instead of 64):
 * - a mask with an alpha channel (black/white meaning) is first flattened onto the keep colour,
 *   so it reads as it looks over the area kept: a mask painted on a transparent layer has
 *   transparent pixels whose hidden colour is usually black (0,0,0,0), and they are keep. At the
 *   default threshold a black pixel is edit from half opacity on (alpha 128), as before; a grey
 *   or partly transparent edge pixel is judged by the grey it shows, not by its alpha alone.
 * - the grey level is libvips' own: the luminance of the colour (Rec. 709 primaries, in linear
 *   light) written back in sRGB's gamma, so a grey pixel keeps its value exactly and a coloured
 *   one reads as light as it looks (pure red 127, green 220, blue 76).
 */
export async function classifyMaskPixels(mask: Buffer, header: { info: ImageInfo }, how: MaskMeaning): Promise<GreyRaster> {
	const table = editLookupTable(how.editColor, how.threshold, how.providerEditColor);
	if (how.editColor === 'transparent') {
		if (!header.info.hasAlpha) throw transparentWithoutAlpha(how.label);
		return classifySingleBand(await decodeRaw(maskAsSeen(mask).extractChannel('alpha'), how), table);
	}
	return classifySingleBand(await decodeRaw(greyLevel(mask, how.editColor).toColourspace('b-w'), how), table);
}

/**
 * The mask's grey level as above (black/white meaning), flattened onto the keep colour. Everything
 * decodes to 8 bits here: 16-bit, palette, CMYK, grey and grey+alpha included.
 */
function greyLevel(mask: Buffer, editColor: 'black' | 'white'): sharp.Sharp {
	// A grey that is keep at every threshold: white when black marks the edit area, black otherwise.
	const keep = editColor === 'black' ? 255 : 0;
	return maskAsSeen(mask).flatten({ background: { r: keep, g: keep, b: keep } });
}

/**
 * The mask's pixels as seen, its EXIF orientation applied (a mask saved by a phone app may carry
 * one), so they line up with the upright image; readImageInfo reports that upright size. Nothing
 * is done for a file stored upright; a turned one is held decoded once while libvips turns it.
 */
function maskAsSeen(mask: Buffer): sharp.Sharp {
	return vips(mask).autoOrient();
}

/**
 * classifyMaskPixels at the mask's own size done by libvips alone, for black/white masks: the
 * grey level thresholded (and inverted where the provider's edit colour is the other one) and
 * written as a 1-bit PNG, so no raster of the mask is ever held in JS (a 4096² mask: about
 * half the memory). Undefined where it does not apply: transparency decides (sharp extracts a
 * channel after thresholding, so the alpha cannot be thresholded alone) or the threshold is 0
 * (sharp's threshold(0) does nothing); classifyMaskPixels serves those.
 */
export async function classifyMaskInVips(mask: Buffer, how: MaskMeaning): Promise<(BinaryMask & { editPixels: number }) | undefined> {
	if (how.editColor === 'transparent' || how.threshold === 0) return undefined;
	// threshold(): 255 from the threshold on, which is edit for a white mask and keep for a black one.
	const invert = (how.editColor === 'white') !== (how.providerEditColor === 'white');
	const thresholded = greyLevel(mask, how.editColor).threshold(how.threshold, { grayscale: true });
	const binary = await binaryMask(invert ? thresholded.negate() : thresholded).catch((error: unknown) => {
		throw undecodable(error, how);
	});
	const editPixels = how.providerEditColor === 'white' ? binary.whitePixels : binary.width * binary.height - binary.whitePixels;
	return { ...binary, editPixels };
}

function transparentWithoutAlpha(label: string): InputError {
	return new InputError(
		`The ${label} has no transparency (alpha channel), so maskEditColor 'transparent' cannot tell which area to edit.`,
		`Set maskEditColor to 'black' or 'white' (the colour of the area to repaint in your ${label}), or save the ${label} as a PNG or WebP with transparency.`,
		'maskEditColor',
	);
}

/** Byte value → provider's edit/keep value. Black and transparent: below the threshold is edit; white: at or above. */
function editLookupTable(editColor: MaskEditColor, threshold: number, providerEditColor: MaskColor): Uint8Array {
	const editValue = MASK_VALUE[providerEditColor];
	const table = new Uint8Array(256);
	for (let value = 0; value < 256; value++) {
		const isEdit = editColor === 'white' ? value >= threshold : value < threshold;
		table[value] = isEdit ? editValue : 255 - editValue;
	}
	return table;
}

interface DecodedPixels {
	data: Buffer;
	width: number;
	height: number;
	channels: number;
}

/** A file that fails here passed the header check only (truncated, corrupt). */
async function decodeRaw(pipeline: sharp.Sharp, how: MaskMeaning): Promise<DecodedPixels> {
	const { data, info } = await pipeline
		.raw()
		.toBuffer({ resolveWithObject: true })
		.catch((error: unknown) => {
			throw undecodable(error, how);
		});
	return { data, width: info.width, height: info.height, channels: info.channels };
}

function undecodable(error: unknown, how: MaskMeaning): InputError {
	return new InputError(
		`The ${how.label} is not a PNG, JPEG or WebP image that can be decoded (${reasonOf(error)}).`,
		`Check that the ${how.label} file is complete and not corrupted; re-export it as PNG if in doubt.`,
		how.maskParameter,
	);
}

function classifySingleBand(pixels: DecodedPixels, table: Uint8Array): GreyRaster {
	assertChannels(pixels, [1]);
	const data = pixels.data;
	for (let i = 0; i < data.length; i++) data[i] = table[data[i]];
	return { data, width: pixels.width, height: pixels.height };
}

/** sharp's raw layouts are fixed by the pipelines above; anything else is a sharp change to catch loudly. */
function assertChannels(pixels: DecodedPixels, expected: number[]): void {
	if (!expected.includes(pixels.channels)) {
		throw new Error(`mask decoding: expected ${expected.join(' or ')} channels, sharp gave ${pixels.channels}`);
	}
}
