/**
 * The `options` collection of the operation nodes and of Poll Result: each option declared once,
 * with its panel entry (label, type, allowed values or range, default), the operations it belongs
 * to and the provider capability behind it. From this list come the collection each node shows,
 * the parser of what the user (or an expression) gave, and the README's support matrix.
 *
 * An option a provider lacks is not offered for that provider. Hiding it alone would not do:
 * n8n drops the values of hidden options before a node runs (docs/parameters.md, "Hidden parameters"),
 * so a saved value that no longer fits (the provider was switched after the option was set)
 * would be ignored without a word. Such an option has a second entry under the same name for the
 * other providers, labelled as not available and shown only while a value is saved: the Add
 * Option list never offers it, the panel explains a saved value, and the node, which still sees
 * it, refuses it.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { InputError } from '../inputError';
import { COLOR_HEX_PATTERN, COLOR_PALETTE_PRESETS, STYLE_CODE_PATTERN, titleCase } from '../providers/enums';
import { PROVIDERS } from '../providers/registry';
import { stylePresetOptions } from '../providers/stylePresets';
import type { MaskRegion } from '../image';
import type { Capability, ColorPalette, EditModel, OperationName, ProviderAdapter, StyleType } from '../providers/types';
import { REGION_FIELDS, rectangleReader } from './mask';
import { DEFAULT_EDIT_MODEL, EDIT_MODELS, modelLabel, takesCapability } from './model';
import { NOT_AVAILABLE } from './notice';
import { choice, flag, integer, list, optionalUrl, parseValue, shown, text, type Parameter, type Parser } from './parse';

export const DEFAULT_TIMEOUT_SECONDS = 300;
export const DEFAULT_MAX_IMAGES_PER_EXECUTION = 1000;

// ---- Panel texts that state adapter data: made from the adapters (registry), so they follow them.

/** "A", "A and B", "A, B and C". */
const joinAnd = (words: readonly string[]) => (words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`);
const namesOf = (adapters: readonly ProviderAdapter[]) => joinAnd(adapters.map((a) => a.displayName));
/** The providers that take a capability, and on which operations. */
const operationsTaking = (adapter: ProviderAdapter, capability: Capability) =>
	(['edit', 'reframe', 'replaceBackground'] satisfies OperationName[]).filter((op) => adapter.accepts.options[op].includes(capability));
const takers = (capability: Capability) => PROVIDERS.filter((a) => operationsTaking(a, capability).length > 0);

const CONCURRENCY_DEFAULTS = PROVIDERS.map((a) => {
	const inFlight = a.limits.maxImagesInFlight;
	return inFlight ? `${a.displayName} ${inFlight} ÷ Number of Images (its limit counts ${inFlight} images in flight)` : `${a.displayName} ${a.defaultConcurrency}`;
}).join(', ');

const MASK_CONVENTIONS = `Black for ${namesOf(PROVIDERS.filter((a) => a.maskConvention === 'black'))}, white for ${namesOf(PROVIDERS.filter((a) => a.maskConvention === 'white'))}`;

const STYLE_CODE_LIMITS = takers('styleCodes')
	.filter((a) => Number.isFinite(a.accepts.maxStyleCodes))
	.map((a) => `. ${a.displayName} takes ${a.accepts.maxStyleCodes === 1 ? 'one' : a.accepts.maxStyleCodes}`)
	.join('');

const STYLE_REFERENCE_LIMITS = takers('styleReferenceImages')
	.map((a) => `${a.displayName} ${a.accepts.maxStyleReferenceImages}`)
	.join(', ');

const EDIT_ONLY_STYLE_TYPE = namesOf(takers('styleType').filter((a) => operationsTaking(a, 'styleType').join() === 'edit'));

/** A Style Type not every provider takes: which do, and on which operations (a refused combination counts). */
function styleTypeLabel(label: string, value: StyleType): string {
	const where = takers('styleType').filter((a) => a.accepts.styleTypes.includes(value));
	if (where.length === takers('styleType').length) return label;
	const operations = new Set(
		where.flatMap((a) =>
			operationsTaking(a, 'styleType').filter(
				(operation) => !a.accepts.refusesCombination?.({ operation, promptLength: 0, styleType: value, styleCodes: 0, styleReferenceImages: 0, characterReference: false }),
			),
		),
	);
	return `${label} (${namesOf(where)}${operations.size === 1 && operations.has('edit') ? ' Edit' : ''} Only)`;
}

interface OptionSpec<T> extends Parameter<T> {
	/** The operations it belongs to (default: all three). */
	operations?: readonly OperationName[];
	/** The provider capability behind it: shown and accepted only where the provider has it. */
	capability?: Capability;
}

type Where = { operations?: readonly OperationName[]; capability?: Capability };

function option<T>(property: INodeProperties, parse: Parser<T>, where: Where = {}): OptionSpec<T> {
	return { property, parse, ...where };
}

/** A whole number in the range the panel entry declares. */
const count = (property: INodeProperties, where?: Where) =>
	option(property, integer(property.typeOptions?.minValue ?? -Infinity, property.typeOptions?.maxValue ?? Infinity), where);

const toggle = (property: INodeProperties, where?: Where) => option(property, flag(), where);

/** One of the listed values: the panel's list and the parser's come from `values`. */
function oneOf<const V extends string>(
	property: Omit<INodeProperties, 'type' | 'options'>,
	values: ReadonlyArray<{ name: string; value: V; description?: string }>,
	where?: Where,
) {
	const allowed = values.map((v) => v.value).filter((v): v is Exclude<V, ''> => v !== '');
	return option({ ...property, type: 'options', options: [...values] }, choice(allowed), where);
}

const fieldList = list((name) => name, 'Give binary field names separated by commas, e.g. style1, style2.');

const styleCodes = list(
	(code) => (STYLE_CODE_PATTERN.test(code) ? code : { problem: `${shown(code)}, which is not 8 hex characters` }),
	'Style codes look like AAFF5733; separate several with commas.',
);

/** `#1E3A8A:0.6, #F59E0B` → palette members. */
const paletteMembers = list<{ colorHex: string; colorWeight?: number }>((entry) => {
	const [hex, weightText] = entry.split(':').map((s) => s.trim());
	if (!COLOR_HEX_PATTERN.test(hex)) return { problem: `${shown(hex)}, which is not a hex color` };
	if (weightText === undefined) return { colorHex: hex };
	const weight = Number(weightText);
	if (!(weight >= 0.05 && weight <= 1)) return { problem: `the weight ${shown(weightText)} for ${hex}, outside 0.05–1` };
	return { colorHex: hex, colorWeight: weight };
}, 'Write each color as #RRGGBB or #RGB, optionally followed by :weight (0.05–1), e.g. "#1E3A8A:0.6, #F59E0B"; at most 8.').refine(
	(members) => members.length <= 8,
	{ message: 'has more than 8 colors', params: { hint: 'Give at most 8 colors.' } },
);

/** Options that come back with the images: the operation nodes' and Poll Result's. */
const outputOptions = {
	downloadImages: toggle({
		displayName: 'Download Images',
		name: 'downloadImages',
		type: 'boolean',
		default: true,
		description:
			'Whether to download the results into binary data. Provider URLs expire (Ideogram and CometAPI after 24 hours), so keep this on unless you store the URLs elsewhere at once.',
	}),
	outputBinaryProperty: option(
		{ displayName: 'Output Binary Field', name: 'outputBinaryProperty', type: 'string', default: 'data', description: 'Name of the binary property to put each result image in' },
		text('Give the name of the binary field for the results, e.g. data.', false),
	),
	timeout: count({
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 86400 },
		default: DEFAULT_TIMEOUT_SECONDS,
		description:
			'Longest time one input item may take, from its start (reading its images) to its last image downloaded; all its jobs and sizes share it. A queued job still waiting is cancelled (RunComfy) and the error gives its request ID for Ideogram Poll Result.',
	}),
};

const runware: Where = { capability: 'runware' };
const runwareOptions = {
	checkContent: toggle(
		{
			displayName: 'Runware: Check Content',
			name: 'checkContent',
			type: 'boolean',
			default: false,
			description: 'Whether Runware runs its content safety check; flagged images have isImageSafe false',
		},
		runware,
	),
	includeCost: toggle(
		{ displayName: 'Runware: Include Cost', name: 'includeCost', type: 'boolean', default: true, description: 'Whether to report the cost of each image in USD' },
		runware,
	),
	outputFormat: oneOf(
		{ displayName: 'Runware: Output Format', name: 'outputFormat', default: 'JPG', description: 'File format of the results' },
		[
			{ name: 'JPG', value: 'JPG' },
			{ name: 'PNG', value: 'PNG' },
			{ name: 'WEBP', value: 'WEBP' },
		],
		runware,
	),
	outputQuality: count(
		{
			displayName: 'Runware: Output Quality',
			name: 'outputQuality',
			type: 'number',
			typeOptions: { minValue: 20, maxValue: 99 },
			default: 95,
			description: 'Compression quality of JPG and WEBP results (20–99)',
		},
		runware,
	),
	ttl: option(
		{
			displayName: 'Runware: Result URL Lifetime (Seconds)',
			name: 'ttl',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description: 'How long Runware keeps the result URL (at least 60). 0 leaves it to Runware.',
		},
		integer(0, Infinity).superRefine((ttl, ctx) => {
			if (ttl === undefined || ttl === 0 || ttl >= 60) return;
			const hint = 'Runware keeps results for at least 60 seconds; use 60 or more, or 0 for its default.';
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${ttl} is too short`, params: { hint } });
		}),
		runware,
	),
	uploadEndpoint: option(
		{
			displayName: 'Runware: Upload Endpoint',
			name: 'uploadEndpoint',
			type: 'string',
			default: '',
			placeholder: 'https://bucket.s3.amazonaws.com/out.jpg?X-Amz-Signature=…',
			description: 'A URL (e.g. a presigned S3 URL) Runware PUTs each result to',
		},
		optionalUrl('Or leave Upload Endpoint empty.'),
		runware,
	),
	webhookURL: option(
		{ displayName: 'Runware: Webhook URL', name: 'webhookURL', type: 'string', default: '', description: 'A URL Runware POSTs each result to as well' },
		optionalUrl('Or leave Webhook URL empty.'),
		runware,
	),
};

const edit: Where = { operations: ['edit'] };
const QUALITY_TIERS = [
	{ name: 'Very Low', value: 'very_low', description: 'Cheapest and fastest' },
	{ name: 'Low', value: 'low' },
	{ name: 'Medium', value: 'medium', description: "The providers' default" },
	{ name: 'High', value: 'high', description: 'Best quality, most expensive' },
];
const readEditRegionBox = rectangleReader('Edit Region Box', 'editRegionBox');

/** Every option of the three operation nodes. */
export const OPERATION_OPTIONS = {
	allowDownscale: toggle({
		displayName: 'Allow Downscale',
		name: 'allowDownscale',
		type: 'boolean',
		default: true,
		description: 'Whether an image larger than the provider accepts is scaled down (aspect ratio kept, its mask with it) instead of refused',
	}),
	characterReferenceImage: option(
		{
			displayName: 'Character Reference Image Field',
			name: 'characterReferenceImage',
			type: 'string',
			default: '',
			placeholder: 'character',
			description: 'Name of the binary property with one character reference image (a face or person to keep consistent)',
		},
		text('Give the name of a binary field, e.g. character.', false),
		{ capability: 'characterReferenceImages' },
	),
	characterReferenceMask: option(
		{
			displayName: 'Character Reference Mask Field',
			name: 'characterReferenceMask',
			type: 'string',
			default: '',
			description: 'Name of the binary property with a mask for the character reference image, same size as it (white = the character)',
		},
		text('Give the name of a binary field, e.g. characterMask.', false),
		{ capability: 'characterReferenceMasks' },
	),
	colorPalette: oneOf(
		{ displayName: 'Color Palette', name: 'colorPalette', default: '', description: 'A preset color palette, or Custom Colors' },
		[
			{ name: 'None', value: '' },
			...COLOR_PALETTE_PRESETS.map((p) => ({ name: titleCase(p), value: p })),
			{ name: 'Custom Colors', value: 'CUSTOM', description: 'Use the colors in Custom Palette' },
		],
		{ capability: 'colorPalette' },
	),
	customPalette: option(
		{
			displayName: 'Custom Palette',
			name: 'customPalette',
			type: 'string',
			default: '',
			placeholder: '#1E3A8A:0.6, #F59E0B:0.3, #FFFFFF',
			description:
				'Up to 8 hex colors, each with an optional weight from 0.05 to 1 after a colon, most important first. Used when Color Palette is Custom Colors or None.',
		},
		paletteMembers,
		{ capability: 'colorPalette' },
	),
	concurrency: count({
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 100 },
		default: 0,
		description:
			`Input items processed at once. 0 uses the provider's default: ${CONCURRENCY_DEFAULTS}.`,
	}),
	maxImagesPerExecution: count({
		displayName: 'Max Images Per Execution',
		name: 'maxImagesPerExecution',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_MAX_IMAGES_PER_EXECUTION,
		description:
			'The most images this node may request in one execution, counted over all its runs in it (loops included) and over items × images × sizes. Checked before each submission: a run that would go over it submits nothing more and stops with an error. 0 = no limit.',
	}),
	magicPrompt: oneOf(
		{
			displayName: 'Magic Prompt',
			name: 'magicPrompt',
			default: 'AUTO',
			description: 'Whether Ideogram may rewrite the prompt for better results (the rewritten prompt is in the output)',
		},
		[
			{ name: 'Auto', value: 'AUTO' },
			{ name: 'On', value: 'ON' },
			{ name: 'Off', value: 'OFF' },
		],
		{ capability: 'magicPrompt' },
	),
	maskThreshold: count(
		{
			displayName: 'Mask Threshold',
			name: 'maskThreshold',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 254 },
			default: 128,
			description: 'Grey level (0–255) that splits the mask into edit and keep areas; grey, anti-aliased or JPEG masks become clean black and white',
		},
		edit,
	),
	maskSizeMismatch: oneOf(
		{ displayName: 'Mask Size Mismatch', name: 'maskSizeMismatch', default: 'resize', description: 'What to do when the mask is not the size of the image' },
		[
			{ name: 'Resize the Mask', value: 'resize', description: "Scale the mask to the image's size (nearest neighbour)" },
			{ name: 'Refuse', value: 'error', description: 'Stop with an error before any request' },
		],
		edit,
	),
	numImages: count({
		displayName: 'Number of Images',
		name: 'numImages',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 8 },
		default: 1,
		description: 'Images to make from each input item, each with its own seed. RunComfy makes one per job, so this many jobs are sent.',
	}),
	dryRun: toggle(
		{
			displayName: 'Price Quote Only',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description:
				'Whether to only ask what the request would cost (Ideogram prices it for free): one item per input item with costUsd, nothing generated or billed',
		},
		{ capability: 'dryRun' },
	),
	providerMaskColor: oneOf(
		{
			displayName: 'Provider Mask Convention',
			name: 'providerMaskColor',
			default: 'auto',
			description:
				"Which colour the provider is sent for the area to repaint. RunComfy's and Runware's conventions are undocumented: switch this if the wrong area is repainted.",
		},
		[
			{ name: 'Provider Default', value: 'auto', description: MASK_CONVENTIONS },
			{ name: 'Black Marks the Edit Area', value: 'black' },
			{ name: 'White Marks the Edit Area', value: 'white' },
		],
		edit,
	),
	renderingSpeed: oneOf(
		{ displayName: 'Rendering Speed', name: 'renderingSpeed', default: 'DEFAULT', description: 'Speed and quality trade-off' },
		[
			{ name: 'Turbo', value: 'TURBO', description: 'Fastest and cheapest' },
			{ name: 'Default', value: 'DEFAULT', description: 'Balanced speed and quality' },
			{ name: 'Quality', value: 'QUALITY', description: 'Best quality, slowest' },
		],
		{ capability: 'renderingSpeed' },
	),
	seed: count(
		{
			displayName: 'Seed',
			name: 'seed',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 2147483647 },
			default: 0,
			description: 'Seed for reproducible results (0–2147483647). Leave empty or 0 for a random one; the seed used is in the output.',
		},
		{ capability: 'seed' },
	),
	styleCodes: option(
		{
			displayName: 'Style Codes',
			name: 'styleCodes',
			type: 'string',
			default: '',
			placeholder: 'AAFF5733, 0133FF57',
			description: `Comma-separated 8-character hex style codes. Cannot be combined with Style Type or style reference images${STYLE_CODE_LIMITS}.`,
		},
		styleCodes,
		{ capability: 'styleCodes' },
	),
	stylePreset: oneOf(
		{ displayName: 'Style Preset', name: 'stylePreset', default: '', description: 'One of the 62 Ideogram 3.0 style presets' },
		[{ name: 'None', value: '' }, ...stylePresetOptions()],
		{ capability: 'stylePreset' },
	),
	styleReferenceImages: option(
		{
			displayName: 'Style Reference Image Fields',
			name: 'styleReferenceImages',
			type: 'string',
			default: '',
			placeholder: 'style1, style2',
			description: `Comma-separated names of binary properties with style reference images (at most: ${STYLE_REFERENCE_LIMITS})`,
		},
		fieldList,
		{ capability: 'styleReferenceImages' },
	),
	styleType: oneOf(
		{ displayName: 'Style Type', name: 'styleType', default: 'AUTO', description: `The overall look. ${EDIT_ONLY_STYLE_TYPE} take it for Edit only.` },
		[
			{ name: styleTypeLabel('3D Render', 'RENDER_3D'), value: 'RENDER_3D' },
			{ name: styleTypeLabel('Anime', 'ANIME'), value: 'ANIME' },
			{ name: 'Auto', value: 'AUTO' },
			{ name: 'Design', value: 'DESIGN' },
			{ name: 'Fiction', value: 'FICTION' },
			{ name: 'General', value: 'GENERAL' },
			{ name: 'Realistic', value: 'REALISTIC' },
		],
		{ capability: 'styleType' },
	),
	quality: option(
		{
			displayName: 'Quality',
			name: 'quality',
			type: 'options',
			options: QUALITY_TIERS,
			default: 'medium',
			description: 'Precise Edit quality tier: higher costs more and takes longer',
		},
		// Which tiers there are depends on the model and provider: the plan checks the value against them.
		text('Choose a quality tier, e.g. medium.', false).transform((tier) => tier?.toLowerCase()),
		{ operations: ['edit'], capability: 'quality' },
	),
	referenceImageFields: option(
		{
			displayName: 'Reference Image Fields',
			name: 'referenceImageFields',
			type: 'string',
			default: '',
			placeholder: 'logo, product',
			description:
				'Comma-separated names of binary properties with images that guide the edit (a logo, a product, a colour sample): up to 4, or 3 with a mask',
		},
		fieldList,
		{ operations: ['edit'], capability: 'referenceImages' },
	),
	editRegion: oneOf(
		{
			displayName: 'Edit Region',
			name: 'editRegion',
			default: 'whole',
			description: 'Which part of the image the Precise Edit works on; everything outside it comes back as sent',
		},
		[
			{ name: 'Whole Image', value: 'whole', description: 'The whole image (a very large one is scaled down by the provider while editing)' },
			{ name: 'Auto (Around the Mask)', value: 'auto', description: 'A region fitted around the mask (Ideogram needs a mask for it)' },
			{ name: 'Box', value: 'box', description: 'The rectangle in Edit Region Box: a large image keeps its full resolution there' },
		],
		{ operations: ['edit'], capability: 'editRegion' },
	),
	editRegionBox: option(
		{
			displayName: 'Edit Region Box',
			name: 'editRegionBox',
			type: 'fixedCollection',
			default: {},
			placeholder: 'Set Box',
			description: 'The rectangle to edit when Edit Region is Box, in pixels or percent of the image (like Mask Regions)',
			options: [{ displayName: 'Box', name: 'box', values: REGION_FIELDS }],
		},
		z.unknown().transform((raw): MaskRegion | undefined => {
			const row = typeof raw === 'object' && raw !== null && 'box' in raw ? raw.box : undefined;
			return row === undefined || row === null ? undefined : readEditRegionBox(Array.isArray(row) ? row[0] : row);
		}),
		{ operations: ['edit'], capability: 'editRegion' },
	),
	...outputOptions,
	...runwareOptions,
};

const POLL_OPTIONS = {
	...outputOptions,
	onTimeout: oneOf(
		{ displayName: 'On Timeout', name: 'onTimeout', default: 'error', description: 'What to do when the job has not finished within Timeout' },
		[
			{ name: 'Stop With an Error', value: 'error' },
			{ name: 'Return the Job Status', value: 'returnStatus', description: 'Output the status item, so a Wait → Poll Result → If loop can try again' },
		],
	),
};

type Specs = Record<string, OptionSpec<unknown>>;
/** Parsed options: each present only when the user set it. */
type OptionValues<S extends Specs> = { [K in keyof S]?: Exclude<z.output<S[K]['parse']>, undefined> };
export type OperationOptionValues = OptionValues<typeof OPERATION_OPTIONS>;
type PollOptionValues = OptionValues<typeof POLL_OPTIONS>;

/** The providers that take the option for the operation (and, on Edit, the model: 3.0 unless given). */
export function providersTaking(spec: OptionSpec<unknown>, operation: OperationName, model: EditModel = DEFAULT_EDIT_MODEL): readonly ProviderAdapter[] {
	if (spec.operations && !spec.operations.includes(operation)) return [];
	const { capability } = spec;
	return capability ? PROVIDERS.filter((p) => takesCapability(p, capability, operation, model)) : PROVIDERS;
}

const byLabel = (a: INodeProperties, b: INodeProperties) => a.displayName.localeCompare(b.displayName);

/**
 * A parameter the panel never shows, so the editor never saves it, while n8n's own reading of a
 * node's parameters (`NodeHelpers.getNodeParameters`: when it runs the node, and when the editor
 * applies a change) fills in its default, hidden or not. The default is an expression, and n8n
 * shows an entry as soon as a value its `displayOptions` check is an expression. An entry that
 * checks it is therefore always kept when n8n reads the parameters, while in the panel the checks
 * after it decide (docs/parameters.md, "Hidden parameters").
 */
const MARKER = '={{ true }}';
export const READ_BY_N8N: INodeProperties = {
	displayName: 'Read By N8n',
	name: 'readByN8n',
	type: 'hidden',
	default: MARKER,
	displayOptions: { show: { '@version': [{ _cnd: { lt: 0 } }] } },
};

/**
 * The entry shown in place of an option where it is not taken (on other providers, or with another
 * model). When n8n reads the parameters it is shown, so a saved value reaches the node, which
 * refuses it, instead of being dropped unseen. In the panel it is shown only while a value is saved:
 * the value stays visible, and the Add Option list, which offers only the entries shown, never offers it.
 */
function notTakenEntry(property: INodeProperties, where: 'Provider' | 'Model', show: Record<string, string[]>, description: string): INodeProperties {
	return {
		...property,
		displayName: `${property.displayName} ${NOT_AVAILABLE} ${where})`,
		description: `${description} Remove it: the node refuses to run while it is set.`,
		// n8n checks these in order and stops at the first that fails or is an expression.
		displayOptions: {
			show: {
				...show,
				[`/${READ_BY_N8N.name}`]: [{ _cnd: { not: MARKER } }],
				[property.name]: [{ _cnd: { exists: true } }],
			},
		},
	};
}

const listed = (names: string[]) => names.join(', ').replace(/, ([^,]*)$/, ' and $1');

/**
 * An option's entries on Ideogram Edit, where it may depend on the model too: providers that take
 * it for the same models share an entry (shown for those providers and models), with a twin for
 * their other models; a twin for the providers that take it with no model.
 */
function editEntries(spec: OptionSpec<unknown>): INodeProperties[] {
	const models = EDIT_MODELS.map((m) => m.value);
	const groups = new Map<string, ProviderAdapter[]>();
	for (const p of PROVIDERS) {
		const key = models.filter((m) => providersTaking(spec, 'edit', m).includes(p)).join(',');
		groups.set(key, [...(groups.get(key) ?? []), p]);
	}
	if (groups.size === 1 && groups.has(models.join(','))) return [spec.property];
	const { displayName } = spec.property;
	return [...groups.entries()].flatMap(([key, providers]): INodeProperties[] => {
		const names = providers.map((p) => p.name);
		const takenWith = models.filter((m) => key.split(',').includes(m));
		if (takenWith.length === 0) {
			const who = providers.map((p) => p.displayName);
			return [notTakenEntry(spec.property, 'Provider', { '/provider': names }, `${listed(who)} ${who.length > 1 ? 'do' : 'does'} not take ${displayName}.`)];
		}
		const others = models.filter((m) => !takenWith.includes(m));
		const own = { ...spec.property, displayOptions: { show: { '/provider': names, ...(others.length ? { '/model': takenWith } : {}) } } };
		if (others.length === 0) return [own];
		const description = `${listed(others.map(modelLabel))} ${others.length > 1 ? 'take' : 'takes'} no ${displayName} (it is for ${listed(takenWith.map(modelLabel))}).`;
		return [own, notTakenEntry(spec.property, 'Model', { '/provider': names, '/model': others }, description)];
	});
}

/** The `options` collection of an operation node. */
export function operationOptionsCollection(operation: OperationName): INodeProperties {
	const entries = Object.values(OPERATION_OPTIONS).flatMap((spec): INodeProperties[] => {
		if (operation === 'edit' && (!spec.operations || spec.operations.includes('edit'))) return editEntries(spec);
		const taking = providersTaking(spec, operation);
		if (taking.length === PROVIDERS.length) return [spec.property];
		// An option of another operation, or one no provider takes here: nothing to show.
		if (taking.length === 0) return [];
		const others = PROVIDERS.filter((p) => !taking.includes(p));
		const who = others.map((p) => p.displayName);
		return [
			{ ...spec.property, displayOptions: { show: { '/provider': taking.map((p) => p.name) } } },
			notTakenEntry(spec.property, 'Provider', { '/provider': others.map((p) => p.name) }, `${who.join(', ')} ${who.length > 1 ? 'do' : 'does'} not take ${spec.property.displayName}.`),
		];
	});
	return collection(entries);
}

export function pollOptionsCollection(): INodeProperties {
	const waitOnly = { show: { '/operation': ['waitForResult'] } };
	return collection(Object.values(POLL_OPTIONS).map((spec) => ({ ...spec.property, displayOptions: waitOnly })));
}

const collection = (options: INodeProperties[]): INodeProperties => ({
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: options.sort(byLabel),
});

export const OPERATION_LABELS: Record<OperationName, string> = { edit: 'Edit', reframe: 'Reframe', replaceBackground: 'Replace Background' };

const hasSpec = <S extends Specs>(specs: S, name: string): name is Extract<keyof S, string> => Object.hasOwn(specs, name);

/**
 * Parses the `options` collection. `available` says whether an option may be used here; the
 * first option that may not, or whose value does not fit, is refused.
 */
function parseCollection<S extends Specs>(specs: S, raw: unknown, available: (spec: OptionSpec<unknown>) => string | undefined): OptionValues<S> {
	const values: Partial<Record<keyof S, unknown>> = {};
	const given: IDataObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...raw } : {};
	for (const [name, value] of Object.entries(given)) {
		// n8n passes only declared options; anything else is a hand-edited workflow's leftover.
		if (!hasSpec(specs, name)) throw new InputError(`Options has ${shown(name)}, which is not an option of this node`, 'Remove it from the node (in the workflow JSON).', name);
		const spec = specs[name];
		const refusal = available(spec);
		// Empty asks for nothing, and the panel shows such an option only while it has a value
		// (`notTakenEntry`): refusing an empty one would name something the user cannot see.
		if (refusal && (value === '' || value === null || value === undefined)) continue;
		if (refusal) throw new InputError(refusal, `Remove ${spec.property.displayName} from Options, or choose a provider (and, on Ideogram Edit, a model) that takes it (see the support matrix in the README).`, name);
		const parsed = parseValue(spec, value);
		if (parsed !== undefined) values[name] = parsed;
	}
	// Cast: each value came from its own option's parser, which TypeScript cannot follow through the loop over names.
	return values as OptionValues<S>;
}

export function parseOperationOptions(raw: unknown, operation: OperationName, adapter: ProviderAdapter, model: EditModel = DEFAULT_EDIT_MODEL): OperationOptionValues {
	return parseCollection(OPERATION_OPTIONS, raw, (spec) => {
		if (providersTaking(spec, operation, model).includes(adapter)) return undefined;
		if (spec.operations && !spec.operations.includes(operation)) return `${spec.property.displayName} is not available for ${OPERATION_LABELS[operation]}`;
		const withModel = operation === 'edit' ? ` with ${modelLabel(model)}` : '';
		return `${spec.property.displayName} is not available on ${adapter.displayName}${withModel} for ${OPERATION_LABELS[operation]}`;
	});
}

export const parsePollOptions = (raw: unknown): PollOptionValues => parseCollection(POLL_OPTIONS, raw, () => undefined);

/** The palette the two palette options make together (Custom Colors takes the members). */
export function colorPaletteOf(options: OperationOptionValues): ColorPalette | undefined {
	const members = options.customPalette ?? [];
	if (options.colorPalette === 'CUSTOM' || (!options.colorPalette && members.length)) {
		if (!members.length) {
			throw new InputError(
				'Color Palette is Custom Colors but Custom Palette is empty',
				'Add colors to Custom Palette, e.g. "#1E3A8A:0.6, #F59E0B", or pick a preset.',
				'customPalette',
			);
		}
		return { members };
	}
	return options.colorPalette ? { name: options.colorPalette } : undefined;
}

