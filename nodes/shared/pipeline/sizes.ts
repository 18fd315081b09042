/**
 * Reframe's sizes: `resolution`, then `additionalResolutions` in the order given. Each size is its
 * own job (its own paid request); the output keeps this order.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../inputError';
import { parseResolution } from '../providers/resolutions';

export interface Size {
	width: number;
	height: number;
}

/** The extra sizes, as a list from the multi-select or, from an expression, a comma-separated text. */
export function readAdditionalResolutions(ctx: IExecuteFunctions, i: number, main: Size): Size[] {
	const raw: unknown = ctx.getNodeParameter('additionalResolutions', i, []);
	const texts = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(',');
	const sizes: Size[] = [];
	for (const text of texts.map((t) => t.trim()).filter(Boolean)) {
		const found = parseResolution(text);
		if (!found) {
			throw new InputError(
				`Additional Resolutions "${text}" is not an Ideogram 3.0 size`,
				'Pick sizes from the list (with an expression, write them WIDTHxHEIGHT, separated by commas, e.g. 1344x768, 768x1344).',
				'additionalResolutions',
			);
		}
		// A size listed twice (or the main one again) would pay for the same image twice.
		if (![main, ...sizes].some((s) => sizeValue(s) === found.value)) sizes.push({ width: found.width, height: found.height });
	}
	return sizes;
}

export const sizeValue = (size: { width: number; height: number }) => `${size.width}x${size.height}`;
