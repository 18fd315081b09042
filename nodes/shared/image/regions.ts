/** Mask rectangles (pixels or percent) as pixel boxes and as a mask raster; an edit region box inside the image. */
import { InputError } from '../inputError';
import { MASK_VALUE, type GreyRaster } from './raster';
import type { MaskColor, MaskRegion } from './types';

/** A rectangle in whole pixels, clipped to the image; `right` and `bottom` are exclusive. */
interface PixelRect {
	left: number;
	top: number;
	right: number;
	bottom: number;
}

const PARAMETER = 'maskRegions';
const GEOMETRY_HINT =
	'Each region is x, y (its top-left corner, measured from the image\'s top-left) and a width and height above 0, all in pixels or all in percent of the image.';

/** Converts the user's regions to pixel rectangles inside the image, refusing any that cannot mark a pixel. */
export function regionsToPixelRects(regions: MaskRegion[], imageWidth: number, imageHeight: number, parameter = PARAMETER): PixelRect[] {
	if (regions.length === 0) {
		throw new InputError('No mask regions were given, so nothing is marked to edit.', `Add at least one rectangle. ${GEOMETRY_HINT}`, PARAMETER);
	}
	const name = (n: number) => (parameter === PARAMETER ? `Mask region ${n}` : 'The box');
	return regions.map((region, index) => toPixelRect(region, name(index + 1), imageWidth, imageHeight, parameter));
}

function toPixelRect(region: MaskRegion, name: string, imageWidth: number, imageHeight: number, parameter: string): PixelRect {
	checkRegionFields(region, name, parameter);
	// Percent is of the image's own width (x, width) and height (y, height).
	const scaleX = region.unit === 'percent' ? imageWidth / 100 : 1;
	const scaleY = region.unit === 'percent' ? imageHeight / 100 : 1;
	const left = Math.round(region.x * scaleX);
	const top = Math.round(region.y * scaleY);
	const right = Math.round((region.x + region.width) * scaleX);
	const bottom = Math.round((region.y + region.height) * scaleY);
	if (right <= 0 || bottom <= 0 || left >= imageWidth || top >= imageHeight) {
		throw new InputError(
			`${name} (${describeRegion(region)}) lies entirely outside the ${imageWidth}×${imageHeight} px image.`,
			`Move it inside the image: x must be below ${region.unit === 'percent' ? '100%' : `${imageWidth} px`} and y below ${region.unit === 'percent' ? '100%' : `${imageHeight} px`}. ${GEOMETRY_HINT}`,
			parameter,
		);
	}
	const clipped = {
		left: Math.max(0, left),
		top: Math.max(0, top),
		right: Math.min(imageWidth, right),
		bottom: Math.min(imageHeight, bottom),
	};
	if (clipped.right <= clipped.left || clipped.bottom <= clipped.top) {
		throw new InputError(
			`${name} (${describeRegion(region)}) is smaller than one pixel of the ${imageWidth}×${imageHeight} px image.`,
			`Make it larger. ${GEOMETRY_HINT}`,
			parameter,
		);
	}
	return clipped;
}

function checkRegionFields(region: MaskRegion, name: string, parameter: string): void {
	if (region.unit !== 'px' && region.unit !== 'percent') {
		throw new InputError(`${name} has an unknown unit '${String(region.unit)}'.`, `Use 'px' or 'percent'. ${GEOMETRY_HINT}`, parameter);
	}
	for (const field of ['x', 'y', 'width', 'height'] as const) {
		if (typeof region[field] !== 'number' || !Number.isFinite(region[field])) {
			throw new InputError(`${name} has no valid ${field} (got ${JSON.stringify(region[field])}).`, GEOMETRY_HINT, parameter);
		}
	}
	for (const field of ['width', 'height'] as const) {
		const value = region[field];
		if (value === 0) {
			throw new InputError(`${name} has zero ${field}, so it marks nothing.`, `Give it a ${field} above 0. ${GEOMETRY_HINT}`, parameter);
		}
		if (value < 0) {
			throw new InputError(
				`${name} has a negative ${field} (${value}).`,
				`Give it a ${field} above 0 and set x/y to its top-left corner instead. ${GEOMETRY_HINT}`,
				parameter,
			);
		}
	}
}

function describeRegion(region: MaskRegion): string {
	const unit = region.unit === 'percent' ? '%' : ' px';
	return `x ${region.x}${unit}, y ${region.y}${unit}, ${region.width}×${region.height}${unit}`;
}

/** Paints the rectangles (their union is the edit area) onto a keep-coloured mask of the image's size. */
export function rasteriseRects(rects: PixelRect[], width: number, height: number, editColor: MaskColor): GreyRaster {
	const editValue = MASK_VALUE[editColor];
	const data = Buffer.alloc(width * height, 255 - editValue);
	for (const rect of rects) {
		for (let y = rect.top; y < rect.bottom; y++) {
			data.fill(editValue, y * width + rect.left, y * width + rect.right);
		}
	}
	return { data, width, height };
}

/** A box in whole pixels: its top-left corner and its size. */
interface PixelBox {
	left: number;
	top: number;
	width: number;
	height: number;
}

/**
 * The user's rectangle (pixels or percent of the image) as a box in whole pixels of the image as
 * sent: clipped to the image, then scaled as the image was (`scaledTo`). Refused, naming
 * `parameter`, when it lies outside the image.
 */
export function boxInImage(region: MaskRegion, imageWidth: number, imageHeight: number, scaledTo: { width: number; height: number } | undefined, parameter: string): PixelBox {
	const [rect] = regionsToPixelRects([region], imageWidth, imageHeight, parameter);
	const sx = scaledTo ? scaledTo.width / imageWidth : 1;
	const sy = scaledTo ? scaledTo.height / imageHeight : 1;
	const left = Math.round(rect.left * sx);
	const top = Math.round(rect.top * sy);
	const right = Math.min(scaledTo?.width ?? imageWidth, Math.round(rect.right * sx));
	const bottom = Math.min(scaledTo?.height ?? imageHeight, Math.round(rect.bottom * sy));
	if (right <= left || bottom <= top) {
		throw new InputError(`The box (${describeRegion(region)}) is smaller than one pixel of the image as sent.`, `Make it larger. ${GEOMETRY_HINT}`, parameter);
	}
	return { left, top, width: right - left, height: bottom - top };
}
