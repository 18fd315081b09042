/**
 * The `options` collection of the three operation nodes, built per operation from one list so the
 * nodes stay in step. Options a provider lacks are hidden for it (`/provider`), and the pipeline
 * refuses any that still reach a provider that cannot honour them.
 */
import type { INodeProperties } from 'n8n-workflow';

import { COLOR_PALETTE_PRESETS, titleCase } from '../providers/enums';
import { stylePresetOptions } from '../providers/stylePresets';
import { PROVIDERS } from '../providers/registry';
import type { OperationName, OptionName } from '../providers/types';

export const DEFAULT_TIMEOUT_SECONDS = 300;

/**
 * `operations`: the operations the option belongs to (default all). `providerOption`: the provider
 * capability behind it; the option is then shown only for the providers whose adapter supports it
 * for the operation, and left out where none does.
 */
type OptionSpec = INodeProperties & { operations?: OperationName[]; providerOption?: OptionName };

export const outputOptions: INodeProperties[] = [
	{
		displayName: 'Download Images',
		name: 'downloadImages',
		type: 'boolean',
		default: true,
		description:
			'Whether to download the results into binary data. Provider URLs expire (Ideogram and CometAPI after 24 hours), so keep this on unless you store the URLs elsewhere at once.',
	},
	{
		displayName: 'Output Binary Field',
		name: 'outputBinaryProperty',
		type: 'string',
		default: 'data',
		description: 'Name of the binary property to put each result image in',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 5 },
		default: DEFAULT_TIMEOUT_SECONDS,
		description:
			'Longest time to wait for one job, from submission to the last image downloaded. A queued job still waiting is cancelled (RunComfy) and the error gives its request ID for Ideogram Poll Result.',
	},
];

const generationOptionList: OptionSpec[] = [
	{
		displayName: 'Allow Downscale',
		name: 'allowDownscale',
		type: 'boolean',
		default: true,
		description:
			"Whether an image larger than the provider accepts is scaled down (aspect ratio kept, its mask with it) instead of refused",
	},
	{
		displayName: 'Character Reference Image Field',
		name: 'characterReferenceImage',
		providerOption: 'characterReferenceImages',
		type: 'string',
		default: '',
		placeholder: 'character',
		description: 'Name of the binary property with one character reference image (a face or person to keep consistent)',
	},
	{
		displayName: 'Character Reference Mask Field',
		name: 'characterReferenceMask',
		providerOption: 'characterReferenceMasks',
		type: 'string',
		default: '',
		description:
			'Name of the binary property with a mask for the character reference image, same size as it (white = the character)',
	},
	{
		displayName: 'Color Palette',
		name: 'colorPalette',
		providerOption: 'colorPalette',
		type: 'options',
		options: [
			{ name: 'None', value: '' },
			...COLOR_PALETTE_PRESETS.map((p) => ({ name: titleCase(p), value: p })),
			{ name: 'Custom Colors', value: 'CUSTOM', description: 'Use the colors in Custom Palette' },
		],
		default: '',
		description: 'A preset color palette, or Custom Colors',
	},
	{
		displayName: 'Custom Palette',
		name: 'customPalette',
		providerOption: 'colorPalette',
		type: 'string',
		default: '',
		placeholder: '#1E3A8A:0.6, #F59E0B:0.3, #FFFFFF',
		description:
			'Up to 8 hex colors, each with an optional weight from 0.05 to 1 after a colon, most important first. Used when Color Palette is Custom Colors or None.',
	},
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 100 },
		default: 0,
		description:
			"Input items processed at once. 0 uses the provider's default: RunComfy 20, Runware 4, Ideogram 10, CometAPI 5.",
	},
	{
		displayName: 'Max Images Per Execution',
		name: 'maxImagesPerExecution',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 1000,
		description:
			'The most images this node may request in one execution, counted over all its runs in it (loops included) and over items × images × sizes. Checked before each submission: a run that would go over it submits nothing more and stops with an error. 0 = no limit.',
	},
	{
		displayName: 'Magic Prompt',
		name: 'magicPrompt',
		providerOption: 'magicPrompt',
		type: 'options',
		options: [
			{ name: 'Auto', value: 'AUTO' },
			{ name: 'On', value: 'ON' },
			{ name: 'Off', value: 'OFF' },
		],
		default: 'AUTO',
		description: 'Whether Ideogram may rewrite the prompt for better results (the rewritten prompt is in the output)',
	},
	{
		displayName: 'Mask Threshold',
		name: 'maskThreshold',
		type: 'number',
		operations: ['edit'],
		typeOptions: { minValue: 1, maxValue: 254 },
		default: 128,
		description:
			'Grey level (0–255) that splits the mask into edit and keep areas; grey, anti-aliased or JPEG masks become clean black and white',
	},
	{
		displayName: 'Mask Size Mismatch',
		name: 'maskSizeMismatch',
		type: 'options',
		operations: ['edit'],
		options: [
			{ name: 'Resize the Mask', value: 'resize', description: "Scale the mask to the image's size (nearest neighbour)" },
			{ name: 'Refuse', value: 'error', description: 'Stop with an error before any request' },
		],
		default: 'resize',
		description: 'What to do when the mask is not the size of the image',
	},
	{
		displayName: 'Number of Images',
		name: 'numImages',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 8 },
		default: 1,
		description:
			'Images to make from each input item, each with its own seed. RunComfy makes one per job, so this many jobs are sent.',
	},
	{
		displayName: 'Provider Mask Convention',
		name: 'providerMaskColor',
		type: 'options',
		operations: ['edit'],
		options: [
			{ name: 'Provider Default', value: 'auto', description: 'Black for Ideogram and CometAPI, white for RunComfy and Runware' },
			{ name: 'Black Marks the Edit Area', value: 'black' },
			{ name: 'White Marks the Edit Area', value: 'white' },
		],
		default: 'auto',
		description:
			"Which colour the provider is sent for the area to repaint. RunComfy's and Runware's conventions are undocumented: switch this if the wrong area is repainted.",
	},
	{
		displayName: 'Rendering Speed',
		name: 'renderingSpeed',
		providerOption: 'renderingSpeed',
		type: 'options',
		options: [
			{ name: 'Turbo', value: 'TURBO', description: 'Fastest and cheapest' },
			{ name: 'Default', value: 'DEFAULT', description: 'Balanced speed and quality' },
			{ name: 'Quality', value: 'QUALITY', description: 'Best quality, slowest' },
		],
		default: 'DEFAULT',
		description: 'Speed and quality trade-off',
	},
	{
		displayName: 'Seed',
		name: 'seed',
		type: 'number',
		// Runware's Ideogram 3.0 models take no seed (each result gets its own, reported in the output).
		displayOptions: { hide: { '/provider': ['runware'] } },
		typeOptions: { minValue: 0, maxValue: 2147483647 },
		default: 0,
		description:
			'Seed for reproducible results (0–2147483647). Leave empty or 0 for a random one; the seed used is in the output.',
	},
	{
		displayName: 'Style Codes',
		name: 'styleCodes',
		providerOption: 'styleCodes',
		type: 'string',
		default: '',
		placeholder: 'AAFF5733, 0133FF57',
		description:
			'Comma-separated 8-character hex style codes. Cannot be combined with Style Type or style reference images. Runware takes one.',
	},
	{
		displayName: 'Style Preset',
		name: 'stylePreset',
		providerOption: 'stylePreset',
		type: 'options',
		options: [{ name: 'None', value: '' }, ...stylePresetOptions()],
		default: '',
		description: 'One of the 62 Ideogram 3.0 style presets',
	},
	{
		displayName: 'Style Reference Image Fields',
		name: 'styleReferenceImages',
		providerOption: 'styleReferenceImages',
		type: 'string',
		default: '',
		placeholder: 'style1, style2',
		description: 'Comma-separated names of binary properties with style reference images (Runware takes up to 4)',
	},
	{
		displayName: 'Style Type',
		name: 'styleType',
		providerOption: 'styleType',
		type: 'options',
		options: [
			{ name: '3D Render (Runware Only)', value: 'RENDER_3D' },
			{ name: 'Anime (Runware Only)', value: 'ANIME' },
			{ name: 'Auto', value: 'AUTO' },
			{ name: 'Design', value: 'DESIGN' },
			{ name: 'Fiction', value: 'FICTION' },
			{ name: 'General', value: 'GENERAL' },
			{ name: 'Realistic', value: 'REALISTIC' },
		],
		default: 'AUTO',
		description: 'The overall look. Ideogram and CometAPI take it for Edit only.',
	},
];

const runwareOptionList: INodeProperties[] = [
	{
		displayName: 'Runware: Check Content',
		name: 'checkContent',
		type: 'boolean',
		default: false,
		description: "Whether Runware runs its content safety check; flagged images have isImageSafe false",
	},
	{
		displayName: 'Runware: Include Cost',
		name: 'includeCost',
		type: 'boolean',
		default: true,
		description: 'Whether to report the cost of each image in USD',
	},
	{
		displayName: 'Runware: Output Format',
		name: 'outputFormat',
		type: 'options',
		options: [
			{ name: 'JPG', value: 'JPG' },
			{ name: 'PNG', value: 'PNG' },
			{ name: 'WEBP', value: 'WEBP' },
		],
		default: 'JPG',
		description: 'File format of the results',
	},
	{
		displayName: 'Runware: Output Quality',
		name: 'outputQuality',
		type: 'number',
		typeOptions: { minValue: 20, maxValue: 99 },
		default: 95,
		description: 'Compression quality of JPG and WEBP results (20–99)',
	},
	{
		displayName: 'Runware: Result URL Lifetime (Seconds)',
		name: 'ttl',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: 'How long Runware keeps the result URL (at least 60). 0 leaves it to Runware.',
	},
	{
		displayName: 'Runware: Upload Endpoint',
		name: 'uploadEndpoint',
		type: 'string',
		default: '',
		placeholder: 'https://bucket.s3.amazonaws.com/out.jpg?X-Amz-Signature=…',
		description: 'A URL (e.g. a presigned S3 URL) Runware PUTs each result to',
	},
	{
		displayName: 'Runware: Webhook URL',
		name: 'webhookURL',
		type: 'string',
		default: '',
		description: 'A URL Runware POSTs each result to as well',
	},
];

/** Shows a provider option only for the providers that support it for this operation. */
function forProviders(spec: OptionSpec, operation: OperationName): INodeProperties | undefined {
	const { operations, providerOption, ...option } = spec;
	if (operations && !operations.includes(operation)) return undefined;
	if (!providerOption) return option;
	const supporting = PROVIDERS.filter((p) => p.supportedOptions(operation).has(providerOption)).map((p) => p.name);
	if (supporting.length === 0) return undefined;
	if (supporting.length === PROVIDERS.length) return option;
	return { ...option, displayOptions: { show: { '/provider': supporting } } };
}

export function operationOptions(operation: OperationName): INodeProperties {
	const forOperation = generationOptionList
		.map((spec) => forProviders(spec, operation))
		.filter((option): option is INodeProperties => option !== undefined);
	const runware = runwareOptionList.map((o) => ({ ...o, displayOptions: { show: { '/provider': ['runware'] } } }));
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...forOperation, ...outputOptions, ...runware].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	};
}
