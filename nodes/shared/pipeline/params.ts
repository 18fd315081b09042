/**
 * Reads one item's parameters into a plan and validates everything that can be checked without
 * I/O, so a bad parameter is refused before any item is sent (and before anything is paid).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_SECONDS } from '../descriptions/options';
import { COLOR_HEX_PATTERN, normalizePalettePreset, STYLE_CODE_PATTERN } from '../providers/enums';
import { getProvider } from '../providers/registry';
import { parseResolution } from '../providers/resolutions';
import { isStylePreset } from '../providers/stylePresets';
import type {
	ColorPalette,
	GenerationOptions,
	MaskColor,
	OperationName,
	OptionName,
	ProviderAdapter,
	ProviderName,
	RunwareOptions,
} from '../providers/types';
import { InputError } from '../inputError';
import type { MaskEditColor, MaskRegion } from '../mask';

export type SourceSpec = { kind: 'binary'; property: string } | { kind: 'url'; url: string };
export type MaskSpec = SourceSpec | { kind: 'regions'; regions: MaskRegion[] };

export interface ItemPlan {
	adapter: ProviderAdapter;
	operation: OperationName;
	image: SourceSpec;
	mask?: MaskSpec;
	maskEditColor: MaskEditColor;
	maskThreshold: number;
	maskSizeMismatch: 'resize' | 'error';
	providerMaskColor: MaskColor;
	allowDownscale: boolean;
	prompt?: string;
	resolution?: { width: number; height: number };
	/** Seed given by the user; a random one is drawn per item when absent. */
	seed?: number;
	generation: Omit<GenerationOptions, 'seed' | 'styleReferenceImages' | 'characterReferenceImages' | 'characterReferenceMasks'>;
	styleReferenceProperties: string[];
	characterReferenceProperty?: string;
	characterReferenceMaskProperty?: string;
	waitForCompletion: boolean;
	downloadImages: boolean;
	outputBinaryProperty: string;
	timeoutMs: number;
	/** 0 = the provider's default. */
	concurrency: number;
}

const OPTION_LABELS: Record<OptionName, string> = {
	renderingSpeed: 'Rendering Speed',
	magicPrompt: 'Magic Prompt',
	styleType: 'Style Type',
	stylePreset: 'Style Preset',
	styleCodes: 'Style Codes',
	colorPalette: 'Color Palette',
	styleReferenceImages: 'Style Reference Image Fields',
	characterReferenceImages: 'Character Reference Image Field',
	characterReferenceMasks: 'Character Reference Mask Field',
	runware: 'Runware options',
};

const OPERATION_LABELS: Record<OperationName, string> = {
	edit: 'Edit',
	reframe: 'Reframe',
	replaceBackground: 'Replace Background',
};

const isHttpUrl = (value: string) => /^https?:\/\/\S+$/i.test(value);

function requireUrl(value: string, parameter: string, label: string): string {
	const url = value.trim();
	if (!isHttpUrl(url)) {
		throw new InputError(
			`${label} "${url}" is not an http(s) URL`,
			`Give a full URL starting with http:// or https://, or switch the source to Binary Property.`,
			parameter,
		);
	}
	return url;
}

function parseCommaList(value: string | undefined): string[] {
	return (value ?? '')
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean);
}

/** `#1E3A8A:0.6, #F59E0B` → palette members. */
export function parsePaletteMembers(text: string): ColorPalette {
	const entries = parseCommaList(text);
	if (entries.length > 8) {
		throw new InputError(`Custom Palette has ${entries.length} colors`, 'Give at most 8 colors.', 'customPalette');
	}
	return {
		members: entries.map((entry) => {
			const [hex, weightText] = entry.split(':').map((s) => s.trim());
			if (!COLOR_HEX_PATTERN.test(hex)) {
				throw new InputError(
					`Custom Palette color "${hex}" is not a hex color`,
					'Write each color as #RRGGBB or #RGB, optionally followed by :weight (0.05–1), e.g. "#1E3A8A:0.6, #F59E0B".',
					'customPalette',
				);
			}
			if (weightText === undefined) return { colorHex: hex };
			const weight = Number(weightText);
			if (!Number.isFinite(weight) || weight < 0.05 || weight > 1) {
				throw new InputError(
					`Custom Palette weight "${weightText}" for ${hex} is out of range`,
					'Weights go from 0.05 to 1.',
					'customPalette',
				);
			}
			return { colorHex: hex, colorWeight: weight };
		}),
	};
}

function readColorPalette(options: IDataObject): ColorPalette | undefined {
	const preset = String(options.colorPalette ?? '');
	const members = String(options.customPalette ?? '').trim();
	if (preset === 'CUSTOM' || (!preset && members)) {
		if (!members) {
			throw new InputError(
				'Color Palette is Custom Colors but Custom Palette is empty',
				'Add colors to Custom Palette, e.g. "#1E3A8A:0.6, #F59E0B", or pick a preset.',
				'customPalette',
			);
		}
		return parsePaletteMembers(members);
	}
	if (!preset) return undefined;
	const name = normalizePalettePreset(preset);
	if (!name) {
		throw new InputError(`Color Palette "${preset}" is not a preset`, 'Pick one of the listed presets.', 'colorPalette');
	}
	return { name };
}

function readRunwareOptions(options: IDataObject): RunwareOptions | undefined {
	const keys = ['outputFormat', 'outputQuality', 'ttl', 'includeCost', 'webhookURL', 'uploadEndpoint', 'checkContent'];
	if (!keys.some((k) => options[k] !== undefined)) return undefined;
	const ttl = options.ttl ? Number(options.ttl) : undefined;
	if (ttl !== undefined && ttl < 60) {
		throw new InputError(`Result URL Lifetime ${ttl} s is too short`, 'Runware keeps results for at least 60 seconds; use 60 or more, or 0 for its default.', 'ttl');
	}
	for (const key of ['webhookURL', 'uploadEndpoint'] as const) {
		if (options[key]) requireUrl(String(options[key]), key, key === 'webhookURL' ? 'Webhook URL' : 'Upload Endpoint');
	}
	return {
		outputFormat: options.outputFormat as RunwareOptions['outputFormat'],
		outputQuality: options.outputQuality as number | undefined,
		ttl,
		includeCost: options.includeCost as boolean | undefined,
		webhookURL: (options.webhookURL as string) || undefined,
		uploadEndpoint: (options.uploadEndpoint as string) || undefined,
		checkContent: options.checkContent as boolean | undefined,
	};
}

function readMaskSpec(ctx: IExecuteFunctions, i: number): MaskSpec {
	const source = ctx.getNodeParameter('maskSource', i, 'binary') as string;
	if (source === 'url') return { kind: 'url', url: requireUrl(ctx.getNodeParameter('maskUrl', i) as string, 'maskUrl', 'Mask URL') };
	if (source === 'region') {
		const raw = ctx.getNodeParameter('maskRegions', i, {}) as { regions?: IDataObject[] };
		const regions = (raw.regions ?? []).map((r) => ({
			x: Number(r.x ?? 0),
			y: Number(r.y ?? 0),
			width: Number(r.width ?? 0),
			height: Number(r.height ?? 0),
			unit: (r.unit === 'px' ? 'px' : 'percent') as MaskRegion['unit'],
		}));
		if (regions.length === 0) {
			throw new InputError('Mask Regions is empty', 'Add at least one region (the rectangle to repaint), or choose another Mask Source.', 'maskRegions');
		}
		return { kind: 'regions', regions };
	}
	return { kind: 'binary', property: ctx.getNodeParameter('maskBinaryProperty', i, 'mask') as string };
}

/** Which of the user's options a provider must support for this plan. */
function requestedOptions(plan: ItemPlan): OptionName[] {
	const g = plan.generation;
	const requested: OptionName[] = [];
	if (g.renderingSpeed) requested.push('renderingSpeed');
	if (g.magicPrompt) requested.push('magicPrompt');
	if (g.styleType) requested.push('styleType');
	if (g.stylePreset) requested.push('stylePreset');
	if (g.styleCodes?.length) requested.push('styleCodes');
	if (g.colorPalette) requested.push('colorPalette');
	if (plan.styleReferenceProperties.length) requested.push('styleReferenceImages');
	if (plan.characterReferenceProperty) requested.push('characterReferenceImages');
	if (plan.characterReferenceMaskProperty) requested.push('characterReferenceMasks');
	if (g.runware) requested.push('runware');
	return requested;
}

export function readItemPlan(ctx: IExecuteFunctions, operation: OperationName, i: number): ItemPlan {
	const providerName = ctx.getNodeParameter('provider', i) as ProviderName;
	const adapter = getProvider(providerName);
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;

	const imageSource = ctx.getNodeParameter('imageSource', i, 'binary') as string;
	const image: SourceSpec =
		imageSource === 'url'
			? { kind: 'url', url: requireUrl(ctx.getNodeParameter('imageUrl', i) as string, 'imageUrl', 'Image URL') }
			: { kind: 'binary', property: ctx.getNodeParameter('imageBinaryProperty', i, 'data') as string };

	let prompt: string | undefined;
	if (operation !== 'reframe') {
		prompt = String(ctx.getNodeParameter('prompt', i, '')).trim();
		if (!prompt) throw new InputError('Prompt is empty', 'Describe the result you want in Prompt.', 'prompt');
	}

	let resolution: ItemPlan['resolution'];
	if (operation === 'reframe') {
		const text = String(ctx.getNodeParameter('resolution', i, ''));
		const found = parseResolution(text);
		if (!found) {
			throw new InputError(
				`Resolution "${text}" is not an Ideogram 3.0 size`,
				'Pick one of the 69 sizes from the list (written WIDTHxHEIGHT, e.g. 1280x800).',
				'resolution',
			);
		}
		resolution = { width: found.width, height: found.height };
	}

	const seedValue = options.seed;
	const seed = seedValue === undefined || seedValue === '' || seedValue === 0 ? undefined : Number(seedValue);
	if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 2147483647)) {
		throw new InputError(`Seed ${String(seedValue)} is out of range`, 'Use a whole number from 0 to 2147483647, or leave it empty for a random seed.', 'seed');
	}
	if (seed !== undefined && providerName === 'runware') {
		throw new InputError(
			"Seed is not available on Runware: its Ideogram 3.0 models take no seed",
			'Remove Seed; the output reports the seed Runware used for each image.',
			'seed',
		);
	}
	const numImages = Number(options.numImages ?? 1);
	if (!Number.isInteger(numImages) || numImages < 1 || numImages > 8) {
		throw new InputError(`Number of Images ${String(options.numImages)} is out of range`, 'Use a whole number from 1 to 8.', 'numImages');
	}
	const styleCodes = parseCommaList(options.styleCodes as string);
	const badCode = styleCodes.find((c) => !STYLE_CODE_PATTERN.test(c));
	if (badCode) {
		throw new InputError(`Style code "${badCode}" is not 8 hex characters`, 'Style codes look like AAFF5733; separate several with commas.', 'styleCodes');
	}
	const stylePreset = (options.stylePreset as string) || undefined;
	if (stylePreset && !isStylePreset(stylePreset)) {
		throw new InputError(`Style Preset "${stylePreset}" is not an Ideogram 3.0 preset`, 'Pick one of the 62 presets from the list.', 'stylePreset');
	}
	const styleReferenceProperties = parseCommaList(options.styleReferenceImages as string);
	if (styleCodes.length && (options.styleType || styleReferenceProperties.length)) {
		throw new InputError(
			'Style Codes cannot be combined with Style Type or style reference images',
			'Remove Style Codes, or remove Style Type and Style Reference Image Fields.',
			'styleCodes',
		);
	}

	const timeoutSeconds = Number(options.timeout ?? DEFAULT_TIMEOUT_SECONDS);
	const plan: ItemPlan = {
		adapter,
		operation,
		image,
		mask: operation === 'edit' ? readMaskSpec(ctx, i) : undefined,
		maskEditColor: (ctx.getNodeParameter('maskEditColor', i, 'black') as MaskEditColor) ?? 'black',
		maskThreshold: Number(options.maskThreshold ?? 128),
		maskSizeMismatch: options.maskSizeMismatch === 'error' ? 'error' : 'resize',
		providerMaskColor:
			options.providerMaskColor === 'black' || options.providerMaskColor === 'white'
				? options.providerMaskColor
				: adapter.maskEditColor,
		allowDownscale: options.allowDownscale !== false,
		prompt,
		resolution,
		seed,
		generation: {
			numImages,
			renderingSpeed: options.renderingSpeed as GenerationOptions['renderingSpeed'],
			magicPrompt: options.magicPrompt as GenerationOptions['magicPrompt'],
			styleType: options.styleType as GenerationOptions['styleType'],
			stylePreset,
			styleCodes: styleCodes.length ? styleCodes : undefined,
			colorPalette: readColorPalette(options),
			runware: providerName === 'runware' ? readRunwareOptions(options) : undefined,
		},
		styleReferenceProperties,
		characterReferenceProperty: (options.characterReferenceImage as string)?.trim() || undefined,
		characterReferenceMaskProperty: (options.characterReferenceMask as string)?.trim() || undefined,
		waitForCompletion: adapter.queued ? (ctx.getNodeParameter('waitForCompletion', i, true) as boolean) : true,
		downloadImages: options.downloadImages !== false,
		outputBinaryProperty: (options.outputBinaryProperty as string) || 'data',
		timeoutMs: Math.max(1, timeoutSeconds) * 1000,
		concurrency: Number(options.concurrency ?? 0),
	};

	const supported = adapter.supportedOptions(operation);
	const unsupported = requestedOptions(plan).filter((o) => !supported.has(o));
	if (unsupported.length) {
		const names = unsupported.map((o) => OPTION_LABELS[o]).join(', ');
		throw new InputError(
			`${names} ${unsupported.length > 1 ? 'are' : 'is'} not available on ${adapter.displayName} for ${OPERATION_LABELS[operation]}`,
			'Remove the option, or choose a provider that has it (see the support matrix in the README).',
			unsupported[0],
		);
	}
	return plan;
}
