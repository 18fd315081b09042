/**
 * Reframe's sizes: `resolution`, then `additionalResolutions` in the order given. Each size is its
 * own job (its own paid request); the output keeps this order.
 */
import { z } from 'zod';

import { parseResolution, resolutionOptions } from '../providers/resolutions';
import { list, parameter, shown } from './parse';

export interface Size {
	width: number;
	height: number;
}

export const sizeValue = (size: Size) => `${size.width}x${size.height}`;

const HOW = 'Pick one of the 69 Ideogram 3.0 sizes from the list (in an expression, write WIDTHxHEIGHT, e.g. 1280x800).';

const size = (text: string): Size | { problem: string } => {
	const found = parseResolution(text);
	return found ? { width: found.width, height: found.height } : { problem: `${shown(text)}, which is not an Ideogram 3.0 size` };
};

export const RESOLUTION = parameter(
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'options',
		options: resolutionOptions(),
		default: '1280x800',
		required: true,
		description:
			'Target size, one of the 69 Ideogram 3.0 sizes, listed by aspect ratio from widest to tallest (type "16:9" to find those sizes). With an expression, write WIDTHxHEIGHT, e.g. 1280x800.',
	},
	z.unknown().transform((raw, ctx): Size => {
		const found = typeof raw === 'string' || typeof raw === 'number' ? size(String(raw).trim()) : undefined;
		if (found && !('problem' in found)) return found;
		ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${shown(raw)} is not an Ideogram 3.0 size`, params: { hint: HOW } });
		return z.NEVER;
	}),
);

export const ADDITIONAL_RESOLUTIONS = parameter(
	{
		displayName: 'Additional Resolutions',
		name: 'additionalResolutions',
		type: 'multiOptions',
		options: resolutionOptions(),
		default: [],
		description:
			'More sizes from the same image in one step. Each size is its own job (and billed as one); the output has one item per size and image, Resolution first, then these in the order given. With an expression, write WIDTHxHEIGHT values separated by commas.',
	},
	list(size, 'Pick sizes from the list (in an expression, write them WIDTHxHEIGHT, separated by commas, e.g. 1344x768, 768x1344).'),
);

/** Resolution, then the additional sizes; a size listed twice (or the main one again) would pay for the same image twice. */
export function reframeSizes(main: Size, additional: Size[]): Size[] {
	const sizes = [main];
	for (const extra of additional) if (!sizes.some((s) => sizeValue(s) === sizeValue(extra))) sizes.push(extra);
	return sizes;
}
