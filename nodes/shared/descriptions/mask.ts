import type { INodeProperties } from 'n8n-workflow';

/** Ideogram Edit's mask parameters (names fixed by INTERFACE.md). */
export const maskProperties: INodeProperties[] = [
	{
		displayName: 'Mask Source',
		name: 'maskSource',
		type: 'options',
		options: [
			{ name: 'Binary Property', value: 'binary', description: 'A mask image from a previous node' },
			{ name: 'URL', value: 'url', description: 'A public http(s) URL of the mask image' },
			{ name: 'Regions', value: 'region', description: 'Rectangles to repaint, no mask image needed' },
		],
		default: 'binary',
		description: 'Where the mask that marks the area to repaint comes from',
	},
	{
		displayName: 'Mask Binary Field',
		name: 'maskBinaryProperty',
		type: 'string',
		default: 'mask',
		required: true,
		displayOptions: { show: { maskSource: ['binary'] } },
		description: 'Name of the binary property that holds the mask (PNG, JPEG or WebP; any size)',
	},
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
				// eslint-disable-next-line n8n-nodes-base/node-param-fixed-collection-type-unsorted-items -- a rectangle reads unit, left, top, width, height
				values: [
					{
						displayName: 'Unit',
						name: 'unit',
						type: 'options',
						options: [
							{ name: 'Pixels', value: 'px' },
							{ name: 'Percent of the Image', value: 'percent' },
						],
						default: 'percent',
						description: 'Whether the numbers are pixels or percent of the image width and height',
					},
					{ displayName: 'Left (X)', name: 'x', type: 'number', default: 0, description: 'Distance from the left edge' },
					{ displayName: 'Top (Y)', name: 'y', type: 'number', default: 0, description: 'Distance from the top edge' },
					{ displayName: 'Width', name: 'width', type: 'number', default: 50, description: 'Width of the rectangle' },
					{ displayName: 'Height', name: 'height', type: 'number', default: 50, description: 'Height of the rectangle' },
				],
			},
		],
	},
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
		description:
			'Which pixels of your mask mark the area to repaint. The node converts the mask to what the provider expects.',
	},
];
