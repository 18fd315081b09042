/**
 * The official Ideogram v1 API's wire form (docs/providers/ideogram.md): synchronous multipart POSTs to
 * `…/ideogram-v3/{edit|reframe|replace-background}` answered by `{created, data:[…]}`, and the
 * parts of it Ideogram's v2 API kept. CometAPI serves a copy of v1 under another prefix
 * (docs/providers/cometapi.md): its adapter is made here from a small config (path prefix,
 * limits, how to read its error envelope). ideogram.ts, the v2 adapter, reuses the multipart
 * parts, image reading and error reading from here and adds v2's own fields.
 */
import { isRetryableStatus, MultipartForm, type HttpResponse, type MultipartPart, type RetryRule } from '../engine';
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
	ProviderName,
} from './types';
import { joinUrl, withBytes } from './requests';
import { type Body, isSuccess, parseWith, readBody, snippet, textOf } from './responses';
import { type Where, parameterHint, providerError, statusHint, unexpectedResponse } from './providerErrors';
import { isRecord } from '../unknownValues';

const IDEOGRAM_OPERATION_PATHS: Record<OperationName, string> = {
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

/**
 * The JSON of `color_palette`, sent as a part of type application/json (the OpenAPI `encoding` of
 * the field on v1 and v2; docs/providers/ideogram.md); v2 spells the preset in lower case (`spell`).
 */
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
export function ideogramFormStart(request: JobRequest): { parts: MultipartPart[]; text: (name: string, value: string) => void; json: (name: string, value: string) => void } {
	const parts: MultipartPart[] = [imagePart('image', withBytes(request.image))];
	const text = (name: string, value: string) => void parts.push({ name, value });
	const json = (name: string, value: string) => void parts.push({ name, json: value });
	if (request.operation === 'edit' && request.mask) parts.push(imagePart('mask', request.mask));
	if (request.operation === 'reframe') {
		if (request.resolution) text('resolution', resolutionValue(request.resolution));
	} else {
		text('prompt', request.prompt ?? '');
	}
	return { parts, text, json };
}

/**
 * The multipart body for a request: the images are referenced, not copied, and streamed while
 * sent (engine/multipart.ts). Fields per operation (docs/providers/ideogram.md): reframe has no
 * prompt/magic_prompt/style_type; only edit has style_type and character references. Lists
 * repeat their field once per value.
 */
function buildIdeogramForm(request: JobRequest): MultipartForm {
	const o = request.options;
	const op = request.operation;
	const { parts, text, json } = ideogramFormStart(request);
	if (op !== 'reframe' && o.magicPrompt) text('magic_prompt', o.magicPrompt);
	text('num_images', String(o.numImages));
	text('seed', String(o.seed));
	if (o.renderingSpeed) text('rendering_speed', o.renderingSpeed);
	if (op === 'edit' && o.styleType) text('style_type', o.styleType);
	if (o.stylePreset) text('style_preset', o.stylePreset);
	if (o.colorPalette) json('color_palette', ideogramPaletteJson(o.colorPalette));
	for (const code of o.styleCodes ?? []) text('style_codes', code);
	for (const image of o.styleReferenceImages ?? []) parts.push(imagePart('style_reference_images', image));
	if (op === 'edit') {
		for (const image of o.characterReferenceImages ?? []) parts.push(imagePart('character_reference_images', image));
		for (const image of o.characterReferenceMasks ?? []) parts.push(imagePart('character_reference_images_mask', image));
	}
	return new MultipartForm(parts);
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
	/** The provider's id of the request, when its answer names one. */
	requestId?: string;
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

/**
 * What each `reject_reason` of a 402 or 429 (`GenerationErrorResponse`) means and what to do
 * about it (docs/providers/ideogram.md, "Refusals"). A refused request did not run and is not
 * billed. Only `inflight_limit` clears by itself: it is waited out (see `ideogramRetryRule`);
 * the others are answered at once, whatever their status.
 */
const REJECT_REASONS: Record<string, { what: string; hint: string }> = {
	insufficient_funds: {
		what: 'the Ideogram balance is used up',
		hint: 'Add credits or turn on auto recharge in Wallet & Billing in Ideogram\'s settings, then run again. Until then every request is refused.',
	},
	subscription_required: {
		what: 'this request needs an Ideogram API subscription the account does not have',
		hint: 'Subscribe the organisation to an Ideogram API plan (or ask partnership@ideogram.ai). Adding credits alone does not help.',
	},
	daily_limit: {
		what: "the daily limit of the account's Ideogram plan is reached",
		hint: 'Run again after the limit resets the next day, or ask Ideogram to raise it. Retrying now does not help.',
	},
	priority_credit_required: {
		what: 'this request needs priority credits the Ideogram account does not have',
		hint: 'Add priority credits in Wallet & Billing in Ideogram\'s settings (or ask partnership@ideogram.ai), then run again. Retrying now does not help.',
	},
	feature_limit: {
		what: "the account's Ideogram plan does not allow this feature (or its allowance of it is used up)",
		hint: 'Leave out the option that needs it, or ask partnership@ideogram.ai to enable it for the organisation. Retrying does not help.',
	},
};

const INFLIGHT_LIMIT = 'inflight_limit';

/** The reject reason of a body: Ideogram's `reject_reason`, or CometAPI's envelope `error.code` when it relays one. */
function rejectReasonOf(json: unknown): string | undefined {
	if (!isRecord(json)) return undefined;
	const own = textOf(json.reject_reason);
	if (own) return own;
	return isRecord(json.error) ? textOf(json.error.code) : undefined;
}

/**
 * The engine's retry rule for Ideogram's answers: `inflight_limit` (too many images in progress
 * for the organisation, on a 429 or a 402) is waited for and sent again until the node's
 * Timeout, past the usual number of attempts, honouring Retry-After; any other reject reason is
 * final, even on a 429.
 */
export const ideogramRetryRule: RetryRule = (response: HttpResponse) => {
	if (response.status !== 402 && response.status !== 429) return undefined;
	const reason = rejectReasonOf(readBody(response).json);
	if (reason === INFLIGHT_LIMIT) return 'wait';
	return reason && Object.hasOwn(REJECT_REASONS, reason) ? 'stop' : undefined;
};

function inflightHint(json: Record<string, unknown> | undefined): string {
	const max = typeof json?.max_inflight_requests === 'number' ? json.max_inflight_requests : undefined;
	const queue = textOf(json?.task_completion_speed);
	const limit = `${max ?? 10} images${max === undefined ? ' by default' : ''}${queue ? ` on its ${queue} queue` : ''}`;
	return (
		`Ideogram counts the images in progress per organisation (${limit}); each item in flight takes Number of Images places, and every ` +
		'workflow using the same organisation shares them. The node waited and retried until its Timeout. Keep Concurrency × Number of Images within ' +
		'the limit (Concurrency 0 does so for the default of 10), raise Timeout to wait longer, or ask partnership@ideogram.ai for a higher limit.'
	);
}

/**
 * The error for a documented reject reason, whichever status carries it; undefined for any other.
 * `json` is the body holding `max_inflight_requests` and `task_completion_speed`, when there is one.
 */
export function describeRejectReason(reason: string | undefined, text: string, json?: Record<string, unknown>): ErrorDescription | undefined {
	if (reason === INFLIGHT_LIMIT) {
		const message = `Ideogram refused the request: too many images are in progress for the organisation (${text})`;
		return { message, providerCode: reason, hint: inflightHint(json), retryable: true };
	}
	const known = reason && Object.hasOwn(REJECT_REASONS, reason) ? REJECT_REASONS[reason] : undefined;
	if (!known) return undefined;
	return { message: `Ideogram refused the request: ${known.what} (${text})`, providerCode: reason, hint: known.hint, retryable: false };
}

/** Ideogram's bodies: RFC-7807 `{detail}`, `{error}`, and `{reject_reason}` on 402/429 (docs/providers/ideogram.md). */
export function describeIdeogramError(status: number, body: Body, credentialName: string): ErrorDescription {
	const json = isRecord(body.json) ? body.json : undefined;
	const text =
		textOf(json?.error) ??
		detailText(json?.detail) ??
		textOf(json?.title) ??
		textOf(json?.message) ??
		(body.text.trim() ? snippet(body.text) : `HTTP ${status} without a message`);
	const rejectReason = textOf(json?.reject_reason);
	const refusal = describeRejectReason(rejectReason, text, json);
	if (refusal) return refusal;
	let hint: string | undefined;
	if (status === 400) hint = parameterHint(text, IDEOGRAM_FIELD_LABELS) ?? 'Ideogram refused a parameter; the message says which.';
	else if (status === 402 && rejectReason)
		hint = `Ideogram refused the request for the account or its plan (reject reason ${rejectReason}): check Wallet & Billing in Ideogram's settings. Retrying does not help.`;
	hint ??= statusHint(status, credentialName);
	return { message: text, providerCode: rejectReason, hint, retryable: status !== 402 && isRetryableStatus(status, 'read') };
}

// ---------------------------------------------------------------- adapter

/** A provider serving a copy of Ideogram's v1 API (today CometAPI; Ideogram's own API is v2, in ideogram.ts). */
interface IdeogramV1CopyConfig {
	name: ProviderName;
	displayName: string;
	credentialType: ProviderAdapter['credentialType'];
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
	/**
	 * Reads a 2xx answer that holds no images in the documented shape (a relay's own envelope),
	 * before it is reported as unexpected; undefined leaves it to that report.
	 */
	describeOtherAnswer?(status: number, body: Body): ErrorDescription | undefined;
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
	// The spec: "maximum total size 10MB across all style references".
	maxStyleReferenceBytes: 10 * 1024 * 1024,
};

export function createIdeogramV1CopyAdapter(config: IdeogramV1CopyConfig): ProviderAdapter {
	const { displayName } = config;

	return {
		name: config.name,
		displayName,
		credentialType: config.credentialType,
		queued: false,
		// Ideogram repaints the black area of the mask (docs/providers/ideogram.md); a copy passes the mask through.
		maskConvention: 'black',
		limits: config.limits,
		fetchesImageUrls: false, // multipart uploads: the file's bytes
		defaultConcurrency: config.defaultConcurrency,
		accepts: ACCEPTS,
		// An empty submission: refused before any work is done.
		credentialCheck: { method: 'POST', path: `${config.pathPrefix}/${IDEOGRAM_OPERATION_PATHS.edit}` },

		async submit(ctx, request) {
			const path = `${config.pathPrefix}/${IDEOGRAM_OPERATION_PATHS[request.operation]}`;
			const where: Where = { provider: displayName, operation: request.operation, endpoint: `POST ${path}` };
			const response = await ctx.http.send(
				{
					method: 'POST',
					url: joinUrl(ctx.baseUrl, path),
					body: buildIdeogramForm(request),
					timeoutMs: SYNC_TIMEOUT_MS,
					retryRule: ideogramRetryRule,
				},
				'submit',
			);
			const body = readBody(response);
			const json = isRecord(body.json) ? body.json : undefined;
			// A 2xx whose body is an error envelope and no images is an error too.
			const errorIn2xx = isSuccess(response.status) && json !== undefined && !('data' in json) && 'error' in json;
			const d = !isSuccess(response.status) || errorIn2xx
				? config.describeError(response.status, body)
				: Array.isArray(json?.data) ? undefined : config.describeOtherAnswer?.(response.status, body);
			if (d) {
				throw providerError({
					provider: displayName,
					operation: request.operation,
					httpCode: response.status,
					providerCode: d.providerCode,
					requestId: d.requestId,
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
