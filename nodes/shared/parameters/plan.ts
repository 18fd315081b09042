/**
 * One item's parameters, parsed into a typed plan and checked against what the provider takes,
 * all without I/O: a bad value is refused before any item is sent (and before anything is paid).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../inputError';
import { boxInImage, type MaskEditColor, type MaskRegion } from '../image';
import type {
	EditModel,
	EditRegion,
	GenerationOptions,
	ImageLimits,
	MaskColor,
	OperationName,
	OptionChoice,
	PreciseEditAccepts,
	ProviderAdapter,
	Quality,
	RunwareOptions,
} from '../providers/types';
import { IMAGE_BINARY_PROPERTY, IMAGE_SOURCE, IMAGE_URL, PROMPT, WAIT_FOR_COMPLETION } from './common';
import { MASK_BINARY_PROPERTY, MASK_EDIT_COLOR, MASK_REGIONS, MASK_SOURCE, MASK_URL } from './mask';
import { DEFAULT_EDIT_MODEL, MODEL, modelLabel, modelRefusal, preciseEditOf } from './model';
import { OPERATION_PROVIDER } from './node';
import {
	colorPaletteOf,
	DEFAULT_MAX_IMAGES_PER_EXECUTION,
	DEFAULT_TIMEOUT_SECONDS,
	OPERATION_OPTIONS,
	parseOperationOptions,
	type OperationOptionValues,
} from './options';
import { readParameter } from './parse';
import { ADDITIONAL_RESOLUTIONS, RESOLUTION, reframeSizes, type Size } from './sizes';

export type SourceSpec = { kind: 'binary'; property: string } | { kind: 'url'; url: string };
type MaskSpec = SourceSpec | { kind: 'regions'; regions: MaskRegion[] };
/** The Precise Edit's region as the user chose it; a box is made pixels of the image once it is loaded. */
type EditRegionSpec = { kind: 'auto' } | { kind: 'whole' } | { kind: 'box'; box: MaskRegion };
/** Edit with a mask: where the mask comes from, how the user's mask reads, and what the provider is sent. */
interface MaskPlan {
	source: MaskSpec;
	/** The colour that marks the area to repaint in the user's mask (Mask Edit Color). */
	userEditColor: MaskEditColor;
	threshold: number;
	sizeMismatch: 'resize' | 'error';
	/** The colour the provider is sent for the area to repaint: its convention, or the user's override. */
	providerEditColor: MaskColor;
}

export interface ItemPlan {
	adapter: ProviderAdapter;
	operation: OperationName;
	/** Edit: the model (3.0 on the other operations). */
	model: EditModel;
	/** What the provider takes for a Precise Edit model; undefined for 3.0. */
	precise?: PreciseEditAccepts;
	/** The largest image the provider takes for this operation and model without a downscale. */
	imageLimits: ImageLimits;
	image: SourceSpec;
	/** Edit only; absent with Mask Source None (Precise Edit only) and on the other operations. */
	mask?: MaskPlan;
	allowDownscale: boolean;
	prompt?: string;
	/** Reframe: Resolution, then the additional sizes; empty for the other operations. */
	sizes: Size[];
	/** Seed given by the user; a random one is drawn per item when absent. */
	seed?: number;
	generation: Omit<GenerationOptions, 'seed' | 'styleReferenceImages' | 'characterReferenceImages' | 'characterReferenceMasks'>;
	styleReferenceProperties: string[];
	/** Precise Edit: binary fields of the images that guide the edit. */
	referenceProperties: string[];
	editRegion?: EditRegionSpec;
	characterReferenceProperty?: string;
	characterReferenceMaskProperty?: string;
	waitForCompletion: boolean;
	downloadImages: boolean;
	outputBinaryProperty: string;
	timeoutMs: number;
	/** 0 = the provider's default. */
	concurrency: number;
	/** 0 = no limit. */
	maxImagesPerExecution: number;
	/** Price Quote Only: the provider prices the requests, nothing is generated. */
	dryRun?: boolean;
}

function readImageSource(ctx: IExecuteFunctions, i: number): SourceSpec {
	return readParameter(ctx, i, IMAGE_SOURCE) === 'url'
		? { kind: 'url', url: readParameter(ctx, i, IMAGE_URL) }
		: { kind: 'binary', property: readParameter(ctx, i, IMAGE_BINARY_PROPERTY) };
}

function readMaskSource(ctx: IExecuteFunctions, i: number, adapter: ProviderAdapter, model: EditModel): MaskSpec | undefined {
	const source = readParameter(ctx, i, MASK_SOURCE);
	if (source === 'none') {
		if (preciseEditOf(adapter, model)) return undefined;
		throw new InputError(
			`Mask Source "none" is not available with ${modelLabel(model)} on ${adapter.displayName}`,
			'Ideogram 3.0 repaints a masked area: choose Binary Property, URL or Regions, or a Precise Edit model (Ideogram or Runware), which may run without a mask.',
			'maskSource',
		);
	}
	if (source === 'url') return { kind: 'url', url: readParameter(ctx, i, MASK_URL) };
	if (source === 'region') return { kind: 'regions', regions: readParameter(ctx, i, MASK_REGIONS) };
	return { kind: 'binary', property: readParameter(ctx, i, MASK_BINARY_PROPERTY) };
}

function readMaskPlan(ctx: IExecuteFunctions, i: number, adapter: ProviderAdapter, model: EditModel, o: OperationOptionValues): MaskPlan | undefined {
	const source = readMaskSource(ctx, i, adapter, model);
	// Read with Mask Source None too, so a bad value is refused whatever the source.
	const userEditColor = readParameter(ctx, i, MASK_EDIT_COLOR);
	if (!source) return undefined;
	return {
		source,
		userEditColor,
		threshold: o.maskThreshold ?? 128,
		sizeMismatch: o.maskSizeMismatch ?? 'resize',
		providerEditColor: o.providerMaskColor === 'black' || o.providerMaskColor === 'white' ? o.providerMaskColor : adapter.maskConvention,
	};
}

function runwareOptionsOf(o: OperationOptionValues): RunwareOptions | undefined {
	const runware: RunwareOptions = {
		outputFormat: o.outputFormat,
		outputQuality: o.outputQuality,
		ttl: o.ttl || undefined,
		includeCost: o.includeCost,
		webhookURL: o.webhookURL,
		uploadEndpoint: o.uploadEndpoint,
		checkContent: o.checkContent,
	};
	return Object.values(runware).some((v) => v !== undefined) ? runware : undefined;
}

const label = (name: keyof typeof OPERATION_OPTIONS) => OPERATION_OPTIONS[name].property.displayName;

/** The combinations Ideogram 3.0 refuses whoever serves it: style codes go alone. */
function refusesWithIdeogram3(c: OptionChoice): string | undefined {
	if (!c.styleCodes || !(c.styleType || c.styleReferenceImages)) return undefined;
	const other = c.styleType ? label('styleType') : label('styleReferenceImages');
	return `${label('styleCodes')} cannot be combined with ${other}: Ideogram 3.0 refuses style codes together with a style type or style reference images. Remove ${label('styleCodes')} or ${other}.`;
}

/** What the provider takes beyond which options (`ProviderAccepts`), and the combinations refused (Ideogram 3.0's, then the provider's). */
function checkWithProvider(plan: ItemPlan): void {
	const { adapter, generation: g } = plan;
	const { accepts, displayName } = adapter;
	const remove = (what: string) => `${what}, or choose a provider that takes it (see the support matrix in the README).`;
	if (g.styleType && !accepts.styleTypes.includes(g.styleType)) {
		throw new InputError(`Style Type "${g.styleType}" is not available on ${displayName}`, remove(`Use one of ${accepts.styleTypes.join(', ')}`), 'styleType');
	}
	const codes = g.styleCodes?.length ?? 0;
	if (codes > accepts.maxStyleCodes) {
		throw new InputError(`Style Codes has ${codes} codes; ${displayName} takes ${accepts.maxStyleCodes}`, remove(`Keep ${accepts.maxStyleCodes}`), 'styleCodes');
	}
	const styleReferences = plan.styleReferenceProperties.length;
	if (styleReferences > accepts.maxStyleReferenceImages) {
		throw new InputError(
			`${label('styleReferenceImages')} names ${styleReferences} images; ${displayName} takes up to ${accepts.maxStyleReferenceImages}`,
			remove(`Name at most ${accepts.maxStyleReferenceImages}`),
			'styleReferenceImages',
		);
	}
	if (plan.characterReferenceMaskProperty && !plan.characterReferenceProperty) {
		throw new InputError(
			`${label('characterReferenceMask')} is set without ${label('characterReferenceImage')}`,
			'A character mask goes with its character reference image: set Character Reference Image Field, or remove the mask field.',
			'characterReferenceMask',
		);
	}
	if (plan.precise) checkPreciseEdit(plan, plan.precise);
	const promptLength = plan.prompt?.length ?? 0;
	const choice: OptionChoice = {
		operation: plan.operation,
		promptLength,
		styleType: g.styleType,
		stylePreset: g.stylePreset,
		styleCodes: codes,
		styleReferenceImages: styleReferences,
		characterReference: plan.characterReferenceProperty !== undefined,
	};
	// Ideogram 3.0's own rules hold on every provider; then the provider's.
	const rules = [plan.precise ? undefined : refusesWithIdeogram3, accepts.refusesCombination];
	const combination = rules.map((rule) => rule?.(choice)).find((reason) => reason !== undefined);
	if (combination) throw new InputError(combination, 'Change the options (see the support matrix in the README); nothing was sent.', 'options');
	if (accepts.maxPromptLength !== undefined && promptLength > accepts.maxPromptLength) {
		throw new InputError(`Prompt has ${promptLength} characters; ${displayName} takes up to ${accepts.maxPromptLength}`, 'Shorten the prompt.', 'prompt');
	}
}

/** What a Precise Edit model takes beyond which options: its tiers, how many references, and the edit region. */
function checkPreciseEdit(plan: ItemPlan, precise: PreciseEditAccepts): void {
	const where = `${modelLabel(plan.model)} on ${plan.adapter.displayName}`;
	const references = plan.referenceProperties.length;
	const max = plan.mask ? precise.maxReferenceImagesWithMask : precise.maxReferenceImages;
	if (references > max) {
		throw new InputError(
			`${label('referenceImageFields')} names ${references} images; ${where} takes up to ${max}${plan.mask ? ' with a mask' : ''}`,
			`Name at most ${max}${plan.mask ? `, or set Mask Source to None to use up to ${precise.maxReferenceImages}` : ''}.`,
			'referenceImageFields',
		);
	}
	const region = plan.editRegion;
	if (region?.kind === 'auto' && !plan.mask && precise.autoRegionNeedsMask) {
		throw new InputError(`${label('editRegion')} "auto" needs a mask with ${where}`, 'Give a mask (Mask Source), or choose Whole Image or Box.', 'editRegion');
	}
}

/** The quality tier, one of those the model has on the provider. */
function qualityOf(tier: string | undefined, adapter: ProviderAdapter, model: EditModel, precise: PreciseEditAccepts | undefined): Quality | undefined {
	if (tier === undefined) return undefined;
	const found = precise?.qualities.find((q) => q === tier);
	if (found) return found;
	throw new InputError(
		`Quality "${tier}" is not available with ${modelLabel(model)} on ${adapter.displayName}`,
		`Use one of ${precise?.qualities.join(', ') ?? 'the tiers of a Precise Edit model'}.`,
		'quality',
	);
}

/** Edit Region and its box, which go together. */
function editRegionOf(o: OperationOptionValues): EditRegionSpec | undefined {
	const kind = o.editRegion ?? (o.editRegionBox ? 'box' : undefined);
	if (kind === 'box') {
		if (!o.editRegionBox) throw new InputError(`${label('editRegion')} is Box but ${label('editRegionBox')} is empty`, 'Set the box (its left, top, width and height), or choose Whole Image or Auto.', 'editRegionBox');
		return { kind, box: o.editRegionBox };
	}
	if (o.editRegionBox) {
		throw new InputError(`${label('editRegionBox')} is set but ${label('editRegion')} is "${kind}"`, 'Set Edit Region to Box to use the box, or remove Edit Region Box.', 'editRegionBox');
	}
	return kind ? { kind } : undefined;
}

export function readItemPlan(ctx: IExecuteFunctions, operation: OperationName, i: number): ItemPlan {
	const adapter = readParameter(ctx, i, OPERATION_PROVIDER);
	const model = operation === 'edit' ? readParameter(ctx, i, MODEL) : DEFAULT_EDIT_MODEL;
	const refused = modelRefusal(adapter, model);
	if (refused) throw new InputError(refused.message, refused.hint, 'model');
	const precise = preciseEditOf(adapter, model);
	const o = parseOperationOptions(ctx.getNodeParameter('options', i, {}), operation, adapter, model);
	const sizes =
		operation === 'reframe' ? reframeSizes(readParameter(ctx, i, RESOLUTION), readParameter(ctx, i, ADDITIONAL_RESOLUTIONS)) : [];
	const plan: ItemPlan = {
		adapter,
		operation,
		model,
		precise,
		imageLimits: precise?.limits ?? adapter.limits,
		image: readImageSource(ctx, i),
		mask: operation === 'edit' ? readMaskPlan(ctx, i, adapter, model, o) : undefined,
		allowDownscale: o.allowDownscale ?? true,
		prompt: operation === 'reframe' ? undefined : readParameter(ctx, i, PROMPT),
		sizes,
		// 0 is the panel's "random".
		seed: o.seed || undefined,
		generation: {
			numImages: o.numImages ?? 1,
			renderingSpeed: o.renderingSpeed,
			magicPrompt: o.magicPrompt,
			styleType: o.styleType,
			stylePreset: o.stylePreset,
			styleCodes: o.styleCodes?.length ? o.styleCodes : undefined,
			colorPalette: colorPaletteOf(o),
			runware: runwareOptionsOf(o),
			quality: qualityOf(o.quality, adapter, model, precise),
		},
		styleReferenceProperties: o.styleReferenceImages ?? [],
		referenceProperties: o.referenceImageFields ?? [],
		editRegion: editRegionOf(o),
		characterReferenceProperty: o.characterReferenceImage,
		characterReferenceMaskProperty: o.characterReferenceMask,
		waitForCompletion: adapter.queued ? (readParameter(ctx, i, WAIT_FOR_COMPLETION) ?? true) : true,
		downloadImages: o.downloadImages ?? true,
		outputBinaryProperty: o.outputBinaryProperty ?? 'data',
		timeoutMs: (o.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
		concurrency: o.concurrency ?? 0,
		maxImagesPerExecution: o.maxImagesPerExecution ?? DEFAULT_MAX_IMAGES_PER_EXECUTION,
		dryRun: o.dryRun ?? false,
	};
	checkWithProvider(plan);
	return plan;
}

/**
 * The Precise Edit's region for the image as sent: a box made whole pixels of it (scaled with it)
 * and checked against the model's limits, still before any request.
 */
export function resolveEditRegion(plan: ItemPlan, image: { width: number; height: number }, scaledTo?: { width: number; height: number }): EditRegion | undefined {
	const region = plan.editRegion;
	if (!region || !plan.precise) return undefined;
	if (region.kind !== 'box') return region;
	const box = boxInImage(region.box, image.width, image.height, scaledTo, 'editRegionBox');
	const { minSide, maxPixels, maxAspect } = plan.precise.regionBox;
	const problem =
		Math.min(box.width, box.height) < minSide
			? `a side under ${minSide} px`
			: box.width * box.height > maxPixels
				? `more than ${maxPixels} px`
				: Math.max(box.width, box.height) / Math.min(box.width, box.height) > maxAspect
					? `an aspect beyond 1:${maxAspect}`
					: undefined;
	if (problem) {
		throw new InputError(
			`${label('editRegionBox')} is ${box.width}×${box.height} px at (${box.left}, ${box.top}) in the ${scaledTo ? 'scaled ' : ''}image: ${problem} for ${modelLabel(plan.model)} on ${plan.adapter.displayName}`,
			`Make the box at least ${minSide} px on each side, at most ${maxPixels} px in all, and no longer than ${maxAspect} times its width or height.`,
			'editRegionBox',
		);
	}
	return { kind: 'box', ...box };
}
