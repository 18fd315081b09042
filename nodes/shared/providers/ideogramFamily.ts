/**
 * The official Ideogram v1 API's wire form (docs/providers/ideogram.md): synchronous multipart POSTs to
 * `…/ideogram-v3/{edit|reframe|replace-background}` answered by `{created, data:[…]}`. CometAPI
 * serves a copy of it under another prefix (docs/providers/cometapi.md), so both adapters are made here from a small
 * config: path prefix, limits, and how to read the provider's error envelope. This is the only
 * file that knows Ideogram's field names.
 */
import { isRetryableStatus, MultipartBody, type MultipartPart } from '../engine';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

import { IDEOGRAM_STYLE_TYPES, normalizePalettePreset } from './enums';
import { resolutionValue } from './resolutions';
import type {
	ColorPalette,
	GeneratedImage,
	ImageInput,
	JobRequest,
	OperationName,
	Capability,
	ProviderAccepts,
	ProviderAdapter,
	ProviderLimits,
} from './types';
import { joinUrl, withBytes } from './requests';
import { type Body, isSuccess, parseWith, readBody, snippet, textOf } from './responses';
import { type Where, parameterHint, providerError, statusHint, unexpectedResponse } from './providerErrors';
import { isRecord } from '../unknownValues';

export const IDEOGRAM_OPERATION_PATHS: Record<OperationName, string> = {
	edit: 'edit',
	reframe: 'reframe',
	replaceBackground: 'replace-background',
};

/** The v1 call blocks until the images exist; QUALITY with 8 images can take minutes. */
const SYNC_TIMEOUT_MS = 5 * 60_000;

/** Ideogram's wire names and the option labels users know them by (for 400 hints). */
export const IDEOGRAM_FIELD_LABELS: Record<string, string> = {
	image: 'Image',
	mask: 'Mask',
	prompt: 'Prompt',
	resolution: 'Resolution',
	magic_prompt: 'Magic Prompt',
	num_images: 'Number of Images',
	seed: 'Seed',
	rendering_speed: 'Rendering Speed',
	style_type: 'Style Type',
	style_preset: 'Style Preset',
	color_palette: 'Color Palette',
	style_codes: 'Style Codes',
	style_reference_images: 'Style Reference Images',
	character_reference_images: 'Character Reference Images',
	character_reference_images_mask: 'Character Reference Masks',
	quality: 'Quality',
	reference_images: 'Reference Image Fields',
	context_window: 'Edit Region',
};

// ---------------------------------------------------------------- request

function fileName(image: ImageInput, field: string): string {
	// Plain characters only: servers differ in how they read escaped quotes in a file name.
	const clean = image.fileName.replace(/["\r\n\\]/g, '_').trim();
	if (clean) return clean;
	const extension = image.mimeType.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png';
	return `${field}.${extension}`;
}

/** One image as a file part (shared with the v2 adapter, ideogram.ts). */
export function imagePart(field: string, image: ImageInput): MultipartPart {
	return { name: field, data: image.data, fileName: fileName(image, field), contentType: image.mimeType };
}

/** `color_palette` is one text part holding JSON (the spec's encoding; curl `-F 'color_palette={"name":"EMBER"}'`); v2 spells the preset in lower case (`spell`). */
export function ideogramPaletteJson(palette: ColorPalette, spell = (preset: string) => preset): string {
	if ('name' in palette) return JSON.stringify({ name: spell(normalizePalettePreset(palette.name) ?? palette.name.toUpperCase()) });
	return JSON.stringify({
		members: palette.members.map((m) => ({
			color_hex: m.colorHex,
			...(m.colorWeight !== undefined ? { color_weight: m.colorWeight } : {}),
		})),
	});
}

/** The parts both API versions start with: the image, an edit's mask, and a reframe's resolution or else the prompt. */
export function ideogramFormStart(request: JobRequest): { parts: MultipartPart[]; text: (name: string, value: string) => void } {
	const parts: MultipartPart[] = [imagePart('image', withBytes(request.image))];
	const text = (name: string, value: string) => void parts.push({ name, value });
	if (request.operation === 'edit' && request.mask) parts.push(imagePart('mask', request.mask));
	if (request.operation === 'reframe') {
		if (request.resolution) text('resolution', resolutionValue(request.resolution));
	} else {
		text('prompt', request.prompt ?? '');
	}
	return { parts, text };
}

/**
 * The multipart body for a request: the images are referenced, not copied, and streamed while
 * sent (engine/multipart.ts). Fields per operation (docs/providers/ideogram.md): reframe has no
 * prompt/magic_prompt/style_type; only edit has style_type and character references. Lists
 * repeat their field once per value.
 */
export function buildIdeogramForm(request: JobRequest): { body: MultipartBody; contentType: string } {
	const o = request.options;
	const op = request.operation;
	const { parts, text } = ideogramFormStart(request);
	if (op !== 'reframe' && o.magicPrompt) text('magic_prompt', o.magicPrompt);
	text('num_images', String(o.numImages));
	text('seed', String(o.seed));
	if (o.renderingSpeed) text('rendering_speed', o.renderingSpeed);
	if (op === 'edit' && o.styleType) text('style_type', o.styleType);
	if (o.stylePreset) text('style_preset', o.stylePreset);
	// A plain text part, as curl -F sends it; the server reads the JSON from the text.
	if (o.colorPalette) text('color_palette', ideogramPaletteJson(o.colorPalette));
	for (const code of o.styleCodes ?? []) text('style_codes', code);
	for (const image of o.styleReferenceImages ?? []) parts.push(imagePart('style_reference_images', image));
	if (op === 'edit') {
		for (const image of o.characterReferenceImages ?? []) parts.push(imagePart('character_reference_images', image));
		for (const image of o.characterReferenceMasks ?? []) parts.push(imagePart('character_reference_images_mask', image));
	}
	const body = new MultipartBody(parts);
	return { body, contentType: body.contentType };
}

// ---------------------------------------------------------------- response

/** One image of an answer (v1 `data[]`; v2 generations use the same fields). */
export const ideogramImageSchema = z
	.object({
		url: z.string().nullish(), // null when the safety check withheld the image
		prompt: z.string().nullish(),
		resolution: z.string().nullish(),
		is_image_safe: z.boolean().nullish(),
		seed: z.number().nullish(),
		style_type: z.string().nullish(),
	})
	.passthrough();

const responseSchema = z
	.object({
		// Read leniently and unused: ISO-8601 on Ideogram, "2000-01-23 04:56:07+00:00" (a space) on CometAPI.
		created: z.union([z.string(), z.number()]).nullish(),
		data: z.array(ideogramImageSchema),
	})
	.passthrough();

export function ideogramImage(item: z.output<typeof ideogramImageSchema>): GeneratedImage {
	const image: GeneratedImage = {};
	if (item.url) image.url = item.url;
	if (typeof item.seed === 'number') image.seed = item.seed;
	if (item.resolution) image.resolution = item.resolution;
	if (item.prompt) image.prompt = item.prompt;
	if (typeof item.is_image_safe === 'boolean') image.isImageSafe = item.is_image_safe;
	if (item.style_type) image.styleType = item.style_type;
	return image;
}

// ---------------------------------------------------------------- errors

export interface ErrorDescription {
	message: string;
	providerCode?: string;
	hint?: string;
	retryable?: boolean;
	mayHaveRun?: boolean;
}

function detailText(detail: unknown): string | undefined {
	// FastAPI-style validation lists: [{"loc": ["body", "seed"], "msg": "…"}].
	if (Array.isArray(detail)) {
		const parts = detail
			.map((d) => (isRecord(d) ? [Array.isArray(d.loc) ? d.loc.join('.') : undefined, textOf(d.msg)].filter(Boolean).join(': ') : textOf(d)))
			.filter(Boolean);
		if (parts.length > 0) return parts.join('; ');
	}
	return textOf(detail);
}

/** Ideogram's bodies: RFC-7807 `{detail}`, `{error}`, and `{reject_reason}` on 402/429 (docs/providers/ideogram.md). */
export function describeIdeogramError(status: number, body: Body, credentialName: string): ErrorDescription {
	const json = isRecord(body.json) ? body.json : undefined;
	const message =
		textOf(json?.error) ??
		detailText(json?.detail) ??
		textOf(json?.title) ??
		textOf(json?.message) ??
		(body.text.trim() ? snippet(body.text) : `HTTP ${status} without a message`);
	const rejectReason = textOf(json?.reject_reason);
	let hint: string | undefined;
	if (status === 400) {
		hint = parameterHint(message, IDEOGRAM_FIELD_LABELS) ?? 'Ideogram refused a parameter; the message says which.';
	} else if (status === 402) {
		hint =
			rejectReason === 'daily_limit'
				? 'The daily limit of your Ideogram plan is reached: retry tomorrow or raise the limit.'
				: 'Your Ideogram balance is used up: top it up in the API settings. Retrying does not help.';
	} else if (status === 429) {
		const max = typeof json?.max_inflight_requests === 'number' ? json.max_inflight_requests : undefined;
		hint = `Ideogram limits the images in progress per organisation${max ? ` (yours: ${max})` : ''}, counting each of Number of Images: lower Concurrency or Number of Images, or retry later.`;
	}
	hint ??= statusHint(status, credentialName);
	return { message, providerCode: rejectReason, hint, retryable: status !== 402 && isRetryableStatus(status, 'read') };
}

// ---------------------------------------------------------------- adapter

export interface IdeogramFamilyConfig {
	name: 'ideogram' | 'cometApi';
	displayName: string;
	credentialType: 'ideogramApi' | 'cometApi';
	/** The credential's display name, for "check the API key in the … credential". */
	credentialName: string;
	/** The path before `edit`, `reframe`, `replace-background`. */
	pathPrefix: string;
	/** Prefix of the request ids we make for tracing (these providers return none). */
	requestIdPrefix: string;
	limits: ProviderLimits;
	defaultConcurrency: number;
	/** Reads this provider's error body. */
	describeError(status: number, body: Body): ErrorDescription;
}

const SHARED_OPTIONS: Capability[] = ['seed', 'renderingSpeed', 'stylePreset', 'styleCodes', 'colorPalette', 'styleReferenceImages'];
const ACCEPTS: ProviderAccepts = {
	options: {
		edit: [...SHARED_OPTIONS, 'magicPrompt', 'styleType', 'characterReferenceImages', 'characterReferenceMasks'],
		reframe: SHARED_OPTIONS,
		replaceBackground: [...SHARED_OPTIONS, 'magicPrompt'],
	},
	styleTypes: IDEOGRAM_STYLE_TYPES,
	maxStyleCodes: Infinity,
	maxStyleReferenceImages: 10,
	// "currently only supports 1 character reference image"
	maxCharacterReferenceImages: 1,
	// The spec: "maximum total size 10MB across all style references".
	maxStyleReferenceBytes: 10 * 1024 * 1024,
};

export function createIdeogramFamilyAdapter(config: IdeogramFamilyConfig): ProviderAdapter {
	const { displayName } = config;

	return {
		name: config.name,
		displayName,
		credentialType: config.credentialType,
		queued: false,
		// Ideogram repaints the black area of the mask (docs/providers/ideogram.md); CometAPI passes it through.
		maskEditColor: 'black',
		limits: config.limits,
		fetchesImageUrls: false, // multipart uploads: the file's bytes
		defaultConcurrency: config.defaultConcurrency,
		accepts: ACCEPTS,

		async submit(ctx, request) {
			const path = `${config.pathPrefix}/${IDEOGRAM_OPERATION_PATHS[request.operation]}`;
			const where: Where = { provider: displayName, operation: request.operation, endpoint: `POST ${path}` };
			const form = buildIdeogramForm(request);
			const response = await ctx.http.send(
				{
					method: 'POST',
					url: joinUrl(ctx.baseUrl, path),
					headers: { 'content-type': form.contentType },
					body: form.body,
					timeoutMs: SYNC_TIMEOUT_MS,
				},
				'submit',
			);
			const body = readBody(response);
			const json = isRecord(body.json) ? body.json : undefined;
			// A 2xx whose body is an error envelope and no images is an error too.
			const errorIn2xx = isSuccess(response.status) && json !== undefined && !('data' in json) && 'error' in json;
			if (!isSuccess(response.status) || errorIn2xx) {
				const d = config.describeError(response.status, body);
				throw providerError({
					provider: displayName,
					operation: request.operation,
					httpCode: response.status,
					providerCode: d.providerCode,
					message: d.message,
					hint: d.hint,
					retryable: d.retryable,
					mayHaveRun: d.mayHaveRun,
				});
			}
			const parsed = parseWith(responseSchema, body, where, response.status);
			if (parsed.data.length === 0) throw unexpectedResponse(where, response.status, 'field `data` is empty (no images)');
			return {
				requestId: `${config.requestIdPrefix}-${randomUUID()}`,
				status: 'completed',
				images: parsed.data.map(ideogramImage),
			};
		},
	};
}
