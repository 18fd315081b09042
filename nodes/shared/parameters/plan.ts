/**
 * One item's parameters, parsed into a typed plan and checked against what the provider takes,
 * all without I/O: a bad value is refused before any item is sent (and before anything is paid).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../inputError';
import type { MaskEditColor, MaskRegion } from '../mask';
import type { GenerationOptions, MaskColor, OperationName, ProviderAdapter, RunwareOptions } from '../providers/types';
import { IMAGE_BINARY_PROPERTY, IMAGE_SOURCE, IMAGE_URL, PROMPT, WAIT_FOR_COMPLETION } from './common';
import { MASK_BINARY_PROPERTY, MASK_EDIT_COLOR, MASK_REGIONS, MASK_SOURCE, MASK_URL } from './mask';
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
	/** Reframe: Resolution, then the additional sizes; empty for the other operations. */
	sizes: Size[];
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

function readMaskSource(ctx: IExecuteFunctions, i: number): MaskSpec {
	const source = readParameter(ctx, i, MASK_SOURCE);
	if (source === 'url') return { kind: 'url', url: readParameter(ctx, i, MASK_URL) };
	if (source === 'region') return { kind: 'regions', regions: readParameter(ctx, i, MASK_REGIONS) };
	return { kind: 'binary', property: readParameter(ctx, i, MASK_BINARY_PROPERTY) };
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

/** What the provider takes beyond which options (`ProviderAccepts`), and the combinations Ideogram 3.0 refuses. */
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
	if (codes && (g.styleType || styleReferences)) {
		throw new InputError(
			`${label('styleCodes')} cannot be combined with ${g.styleType ? label('styleType') : label('styleReferenceImages')}`,
			`Ideogram 3.0 refuses style codes together with a style type or style reference images: remove Style Codes, or remove ${g.styleType ? 'Style Type' : 'Style Reference Image Fields'}.`,
			'styleCodes',
		);
	}
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
	const promptLength = plan.prompt?.length ?? 0;
	const combination = accepts.refusesCombination?.({
		operation: plan.operation,
		promptLength,
		styleType: g.styleType,
		stylePreset: g.stylePreset,
		styleCodes: codes,
		styleReferenceImages: styleReferences,
		characterReference: plan.characterReferenceProperty !== undefined,
	});
	if (combination) throw new InputError(combination, 'Change the options (see the support matrix in the README); nothing was sent.', 'options');
	if (accepts.maxPromptLength !== undefined && promptLength > accepts.maxPromptLength) {
		throw new InputError(`Prompt has ${promptLength} characters; ${displayName} takes up to ${accepts.maxPromptLength}`, 'Shorten the prompt.', 'prompt');
	}
}

export function readItemPlan(ctx: IExecuteFunctions, operation: OperationName, i: number): ItemPlan {
	const adapter = readParameter(ctx, i, OPERATION_PROVIDER);
	const o = parseOperationOptions(ctx.getNodeParameter('options', i, {}), operation, adapter);
	const sizes =
		operation === 'reframe' ? reframeSizes(readParameter(ctx, i, RESOLUTION), readParameter(ctx, i, ADDITIONAL_RESOLUTIONS)) : [];
	const plan: ItemPlan = {
		adapter,
		operation,
		image: readImageSource(ctx, i),
		mask: operation === 'edit' ? readMaskSource(ctx, i) : undefined,
		maskEditColor: operation === 'edit' ? readParameter(ctx, i, MASK_EDIT_COLOR) : 'black',
		maskThreshold: o.maskThreshold ?? 128,
		maskSizeMismatch: o.maskSizeMismatch ?? 'resize',
		providerMaskColor: o.providerMaskColor === 'black' || o.providerMaskColor === 'white' ? o.providerMaskColor : adapter.maskEditColor,
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
		},
		styleReferenceProperties: o.styleReferenceImages ?? [],
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
