import { InputError } from '../inputError';
import { MASK_VALUE, type GreyRaster } from './raster';
import type { MaskColor, MaskRegion } from './types';

/** A rectangle in whole pixels, clipped to the image; `right` and `bottom` are exclusive. */
export interface PixelRect {
	left: number;
	top: number;
	right: number;
	bottom: number;
}

const PARAMETER = 'maskRegions';
const GEOMETRY_HINT =
	'Each region is x, y (its top-left corner, measured from the image\'s top-left) and a width and height above 0, all in pixels or all in percent of the image.';

/** Converts the user's regions to pixel rectangles inside the image, refusing any that cannot mark a pixel. */
export function regionsToPixelRects(regions: MaskRegion[], imageWidth: number, imageHeight: number): PixelRect[] {
	if (regions.length === 0) {
		throw new InputError('No mask regions were given, so nothing is marked to edit.', `Add at least one rectangle. ${GEOMETRY_HINT}`, PARAMETER);
	}
	return regions.map((region, index) => toPixelRect(region, index + 1, imageWidth, imageHeight));
}

function toPixelRect(region: MaskRegion, number: number, imageWidth: number, imageHeight: number): PixelRect {
	checkRegionFields(region, number);
	// Percent is of the image's own width (x, width) and height (y, height).
	const scaleX = region.unit === 'percent' ? imageWidth / 100 : 1;
	const scaleY = region.unit === 'percent' ? imageHeight / 100 : 1;
	const left = Math.round(region.x * scaleX);
	const top = Math.round(region.y * scaleY);
	const right = Math.round((region.x + region.width) * scaleX);
	const bottom = Math.round((region.y + region.height) * scaleY);
	if (right <= 0 || bottom <= 0 || left >= imageWidth || top >= imageHeight) {
		throw new InputError(
			`Mask region ${number} (${describeRegion(region)}) lies entirely outside the ${imageWidth}×${imageHeight} px image.`,
			`Move it inside the image: x must be below ${region.unit === 'percent' ? '100%' : `${imageWidth} px`} and y below ${region.unit === 'percent' ? '100%' : `${imageHeight} px`}. ${GEOMETRY_HINT}`,
			PARAMETER,
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
			`Mask region ${number} (${describeRegion(region)}) is smaller than one pixel of the ${imageWidth}×${imageHeight} px image.`,
			`Make it larger. ${GEOMETRY_HINT}`,
			PARAMETER,
		);
	}
	return clipped;
}

function checkRegionFields(region: MaskRegion, number: number): void {
	if (region.unit !== 'px' && region.unit !== 'percent') {
		throw new InputError(`Mask region ${number} has an unknown unit '${String(region.unit)}'.`, `Use 'px' or 'percent'. ${GEOMETRY_HINT}`, PARAMETER);
	}
	for (const field of ['x', 'y', 'width', 'height'] as const) {
		if (typeof region[field] !== 'number' || !Number.isFinite(region[field])) {
			throw new InputError(`Mask region ${number} has no valid ${field} (got ${JSON.stringify(region[field])}).`, GEOMETRY_HINT, PARAMETER);
		}
	}
	for (const field of ['width', 'height'] as const) {
		const value = region[field];
		if (value === 0) {
			throw new InputError(`Mask region ${number} has zero ${field}, so it marks nothing.`, `Give it a ${field} above 0. ${GEOMETRY_HINT}`, PARAMETER);
		}
		if (value < 0) {
			throw new InputError(
				`Mask region ${number} has a negative ${field} (${value}).`,
				`Give it a ${field} above 0 and set x/y to its top-left corner instead. ${GEOMETRY_HINT}`,
				PARAMETER,
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
