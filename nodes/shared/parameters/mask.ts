/** Ideogram Edit's mask parameters, each its panel entry and its parser (names fixed: saved workflows use them). */
import type { INodeProperties } from 'n8n-workflow';
import type { MaskRegion } from '../image';
import { z } from 'zod';

import { INPAINT_ONLY, PRECISE_ONLY } from './model';
import { choice, decimal, parameter, parseValue, requiredText, shown, url } from './parse';

const MASK_SOURCES = [
	{ name: 'Binary Property', value: 'binary', description: 'A mask image from a previous node' },
	{ name: 'URL', value: 'url', description: 'A public http(s) URL of the mask image' },
	{ name: 'Regions', value: 'region', description: 'Rectangles to repaint, no mask image needed' },
];

/**
 * Mask Source has one entry per kind of model: Precise Edit adds None (the prompt alone says what
 * changes). A None saved before switching to 3.0 stays visible there, and the node refuses it.
 */
export const MASK_SOURCE = parameter(
	{
		displayName: 'Mask Source',
		name: 'maskSource',
		type: 'options',
		options: MASK_SOURCES,
		default: 'binary',
		description: 'Where the mask that marks the area to repaint comes from',
		displayOptions: INPAINT_ONLY,
	},
	choice(['binary', 'url', 'region', 'none'] as const),
);

const PRECISE_MASK_SOURCE: INodeProperties = {
	...MASK_SOURCE.property,
	options: [...MASK_SOURCES, { name: 'None', value: 'none', description: 'No mask: the prompt alone says what to change' }],
	description: 'Where the mask that limits the edit comes from (optional with Precise Edit)',
	displayOptions: PRECISE_ONLY,
};

export const MASK_BINARY_PROPERTY = parameter(
	{
		displayName: 'Mask Binary Field',
		name: 'maskBinaryProperty',
		type: 'string',
		default: 'mask',
		required: true,
		displayOptions: { show: { maskSource: ['binary'] } },
		description: 'Name of the binary property that holds the mask (PNG, JPEG or WebP; any size)',
	},
	requiredText('Give the name of the input binary field that holds the mask, e.g. mask.'),
);

export const MASK_URL = parameter(
	{
		displayName: 'Mask URL',
		name: 'maskUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/mask.png',
		displayOptions: { show: { maskSource: ['url'] } },
		description: 'Public http(s) URL of the mask image',
	},
	url('Or switch Mask Source to Binary Property or Regions.'),
);

// A rectangle reads unit, left, top, width, height (not alphabetically).
export const REGION_FIELDS = [
	{
		displayName: 'Unit',
		name: 'unit',
		type: 'options' as const,
		options: [
			{ name: 'Pixels', value: 'px' },
			{ name: 'Percent of the Image', value: 'percent' },
		],
		default: 'percent',
		description: 'Whether the numbers are pixels or percent of the image width and height',
	},
	{ displayName: 'Left (X)', name: 'x', type: 'number' as const, default: 0, description: 'Distance from the left edge' },
	{ displayName: 'Top (Y)', name: 'y', type: 'number' as const, default: 0, description: 'Distance from the top edge' },
	{ displayName: 'Width', name: 'width', type: 'number' as const, default: 50, description: 'Width of the rectangle' },
	{ displayName: 'Height', name: 'height', type: 'number' as const, default: 50, description: 'Height of the rectangle' },
];

/**
 * Reads one rectangle's fields, each parsed with its own label ("Mask Regions: Width …"); shared
 * by Mask Regions and the Edit Region Box option.
 */
export function rectangleReader(label: string, name: string): (row: unknown) => MaskRegion {
	const field = <T>(index: number, parse: z.ZodType<T, z.ZodTypeDef, unknown>) =>
		parameter({ ...REGION_FIELDS[index], displayName: `${label}: ${REGION_FIELDS[index].displayName}`, name }, parse);
	const coordinate = (index: number) => field(index, decimal('Give a number of pixels or percent.').transform((v) => v ?? 0));
	const unit = field(0, choice(['px', 'percent'] as const).transform((u) => u ?? 'percent'));
	const [x, y, width, height] = [1, 2, 3, 4].map(coordinate);
	return (row) => {
		const fields: Record<string, unknown> = typeof row === 'object' && row !== null ? Object.fromEntries(Object.entries(row)) : {};
		return {
			unit: parseValue(unit, fields.unit),
			x: parseValue(x, fields.x),
			y: parseValue(y, fields.y),
			width: parseValue(width, fields.width),
			height: parseValue(height, fields.height),
		};
	};
}
const readMaskRegion = rectangleReader('Mask Regions', 'maskRegions');

export const MASK_REGIONS = parameter(
	{
		displayName: 'Mask Regions',
		name: 'maskRegions',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Region',
		displayOptions: { show: { maskSource: ['region'] } },
		description: 'Rectangles to repaint; together they make the mask',
		options: [
			{
				displayName: 'Region',
				name: 'regions',
				values: REGION_FIELDS,
			},
		],
	},
	z.unknown().transform((raw, ctx): MaskRegion[] => {
		const rows = typeof raw === 'object' && raw !== null && 'regions' in raw ? raw.regions : undefined;
		const list = Array.isArray(rows) ? rows : [];
		if (list.length === 0) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				message: rows === undefined || Array.isArray(rows) ? 'is empty' : `is ${shown(rows)}, not a list of regions`,
				params: { hint: 'Add at least one region (the rectangle to repaint), or choose another Mask Source.' },
			});
			return z.NEVER;
		}
		return list.map(readMaskRegion);
	}),
);

export const MASK_EDIT_COLOR = parameter(
	{
		displayName: 'Mask Edit Color',
		name: 'maskEditColor',
		type: 'options',
		displayOptions: { show: { maskSource: ['binary', 'url'] } },
		options: [
			{ name: 'Black', value: 'black', description: "Black marks the area to repaint (Ideogram's own convention)" },
			{ name: 'White', value: 'white', description: 'White marks the area to repaint (most editors and models)' },
			{ name: 'Transparent', value: 'transparent', description: 'Transparent pixels mark the area to repaint (design-tool exports)' },
		],
		default: 'black',
		description: 'Which pixels of your mask mark the area to repaint. The node converts the mask to what the provider expects.',
	},
	choice(['black', 'white', 'transparent'] as const).transform((c) => c ?? 'black'),
);

export const maskProperties = [MASK_SOURCE.property, PRECISE_MASK_SOURCE, ...[MASK_BINARY_PROPERTY, MASK_URL, MASK_REGIONS, MASK_EDIT_COLOR].map((p) => p.property)];
