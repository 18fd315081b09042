/**
 * The official Ideogram API, current version v2 (docs/providers/ideogram.md), `Api-Key` header
 * (added by the credential). Every call is submitted asynchronously and the generation is polled
 * at `GET /v2/generations/{id}`, so Ideogram is a queued provider here. CometAPI still copies the
 * v1 routes; that wire form stays in ideogramFamily.ts, whose multipart parts and error reading this file reuses.
 *
 * Where Ideogram's pages leave a point open, this adapter accepts every documented variant:
 * - a submit answer with `data` (the synchronous shape, should `async` be ignored) is taken as a
 *   completed generation, one with only `generation_id` as a submitted one;
 * - result items with `object_type` `image.generation`, `image.without-prompt-or-seed` or none
 *   ("entries without an `object_type` are images") are images; other kinds are skipped;
 * - a 2xx body with `error` and `status_code` (the streaming-failure shape) is an error;
 * - a status we do not know is read as still running: the timeout bounds the wait.
 */
import { z } from 'zod';
import { MultipartForm, type HttpRequest, type ProviderError, type RequestKind } from '../engine';
import { IDEOGRAM_STYLE_TYPES } from './enums';
import { describeIdeogramError, ideogramFormStart, ideogramImage, ideogramImageSchema, ideogramPaletteJson, ideogramRetryRule, imagePart } from './ideogramFamily';
import type {
	Capability,
	EditRegion,
	GeneratedImage,
	JobRef,
	JobRequest,
	JobState,
	OptionChoice,
	PreciseEditAccepts,
	PreciseEditModel,
	PriceQuote,
	ProviderAccepts,
	ProviderAdapter,
	ProviderContext,
	StyleType,
} from './types';
import { joinUrl } from './requests';
import { isSuccess, parseWith, readBody } from './responses';
import { type Where, providerError, unexpectedResponse } from './providerErrors';
import { isRecord } from '../unknownValues';

const DISPLAY_NAME = 'Ideogram';
const CREDENTIAL_NAME = 'Ideogram API';
const MB = 1024 * 1024;

const ROUTES = {
	edit: '/v2/image/inpaint/ideogram-3',
	// A character reference goes to the character variant of inpaint; the plain route has no such field.
	editCharacter: '/v2/image/inpaint/ideogram-3-character',
	reframe: '/v2/image/reframe/ideogram-3',
	replaceBackground: '/v2/image/replace-background/ideogram-3',
} as const;
const GENERATION_PATH = '/v2/generations/{generation_id}';
const generationPath = (id: string) => GENERATION_PATH.replace('{generation_id}', encodeURIComponent(id));
/** Ideogram Edit with a Precise Edit model (docs/providers/ideogram.md, "Precise Edit"). */
const PRECISE_EDIT_ROUTES: Record<PreciseEditModel, string> = {
	'ideogram-4.5': '/v2/image/precise-edit/ideogram-4-5',
	'ideogram-4.6': '/v2/image/precise-edit/ideogram-4-6',
};

/** An upload (25 MB per image on the v2 pages) can take a while on a slow line. */
const SUBMIT_TIMEOUT_MS = 120_000;

/** The character variant takes only these style types. */
const CHARACTER_STYLE_TYPES: readonly StyleType[] = ['AUTO', 'REALISTIC', 'FICTION'];

const preciseModel = (request: JobRequest): PreciseEditModel | undefined =>
	request.operation === 'edit' && request.model && request.model !== 'ideogram-3' ? request.model : undefined;

function route(request: JobRequest): string {
	const precise = preciseModel(request);
	if (precise) return PRECISE_EDIT_ROUTES[precise];
	if (request.operation === 'edit' && (request.options.characterReferenceImages?.length ?? 0) > 0) return ROUTES.editCharacter;
	return ROUTES[request.operation];
}

// ---------------------------------------------------------------- request

/** v2 spells its enums in lower case (`turbo`, `auto`, `80s_illustration`, `ember`). */
const lower = (value: string) => value.toLowerCase();

/**
 * The multipart body of a v2 request, with only the fields each page lists: inpaint has no colour
 * palette; reframe no prompt, magic prompt or style type; replace-background only prompt, image,
 * number of images and rendering speed (it has no `async` field: it always answers with a
 * generation id, and no seed).
 */
function buildIdeogramV2Form(request: JobRequest): MultipartForm {
	if (preciseModel(request)) return buildPreciseEditForm(request);
	const o = request.options;
	const op = request.operation;
	const character = route(request) === ROUTES.editCharacter;
	const { parts, text, json } = ideogramFormStart(request);
	text('num_images', String(o.numImages));
	if (o.renderingSpeed) text('rendering_speed', lower(o.renderingSpeed));
	if (op !== 'replaceBackground') {
		text('seed', String(o.seed));
		text('async', 'true');
		if (o.stylePreset && !character) text('style_preset', lower(o.stylePreset));
		for (const code of o.styleCodes ?? []) text('style_codes', code);
		for (const image of o.styleReferenceImages ?? []) parts.push(imagePart('style_reference_images', image));
	}
	if (op === 'edit') {
		if (o.magicPrompt) text('magic_prompt', lower(o.magicPrompt));
		if (o.styleType) text('style_type', lower(o.styleType));
		const [characterImage] = o.characterReferenceImages ?? [];
		if (characterImage) parts.push(imagePart('character_reference_images', characterImage));
		const [characterMask] = o.characterReferenceMasks ?? [];
		if (characterImage && characterMask) parts.push(imagePart('character_reference_mask', characterMask));
	}
	if (op === 'reframe' && o.colorPalette) json('color_palette', ideogramPaletteJson(o.colorPalette, lower));
	return new MultipartForm(parts);
}

/** The context window: a box is `y_min,x_min,y_max,x_max` in pixels; the whole image is no field. */
function contextWindow(region: EditRegion | undefined): string | undefined {
	if (!region || region.kind === 'whole') return undefined;
	if (region.kind === 'auto') return 'auto';
	return [region.top, region.left, region.top + region.height, region.left + region.width].join(',');
}

/** Precise Edit's fields: image, prompt, the optional mask and reference images, quality, context window, seed, count, magic prompt. */
function buildPreciseEditForm(request: JobRequest): MultipartForm {
	const o = request.options;
	const { parts, text } = ideogramFormStart(request);
	text('num_images', String(o.numImages));
	text('seed', String(o.seed));
	text('async', 'true');
	if (o.magicPrompt) text('magic_prompt', lower(o.magicPrompt));
	if (o.quality) text('quality', o.quality);
	const region = contextWindow(o.editRegion);
	if (region) text('context_window', region);
	for (const image of o.referenceImages ?? []) parts.push(imagePart('reference_images', image));
	return new MultipartForm(parts);
}

// ---------------------------------------------------------------- responses

const submitSchema = z
	.object({
		generation_id: z.string().min(1),
		data: z.array(z.unknown()).nullish(),
		seed: z.number().nullish(),
	})
	.passthrough();

const imageItemSchema = ideogramImageSchema.extend({ object_type: z.string().nullish() });

const generationSchema = z
	.object({
		generation_id: z.string().nullish(),
		status: z.string(),
		failure_reason: z.string().nullish(),
		data: z.array(z.unknown()).nullish(),
		usage_cost_usd_micros: z.number().nonnegative().nullish(),
	})
	.passthrough();

const quoteSchema = z
	.object({
		object: z.literal('price_quote').optional(),
		billing_identifier: z.string(),
		qualifier: z.string(),
		quantity: z.number(),
		usd_micros: z.number().nonnegative(),
		upper_bound_usd_micros: z.number().nonnegative().nullish(),
	})
	.passthrough();

const IMAGE_OBJECT_TYPES = new Set(['image.generation', 'image.without-prompt-or-seed']);

/** The image entries of `data`, read one by one: other kinds of results (videos…) are left out. */
function images(data: readonly unknown[], costMicros: number | null | undefined): GeneratedImage[] {
	const items = data
		.map((item) => imageItemSchema.safeParse(item))
		.flatMap((r) => (r.success && (!r.data.object_type || IMAGE_OBJECT_TYPES.has(r.data.object_type)) ? [r.data] : []));
	// Ideogram reports what the whole generation cost; each image carries its share.
	const perImage = typeof costMicros === 'number' && items.length ? costMicros / 1e6 / items.length : undefined;
	return items.map((item) => (perImage === undefined ? ideogramImage(item) : { ...ideogramImage(item), cost: perImage }));
}

/** `failure_reason` in words the user can act on. */
function failure(reason: string | null | undefined): NonNullable<JobState['error']> {
	const code = reason ?? undefined;
	const message = `Ideogram reported the generation as failed${code ? `: ${code}` : ''}`;
	const hint = code && /content|policy|safety/i.test(code)
		? 'The safety check refused the prompt or an image: change them and run again. A failed generation is not billed.'
		: 'Run it again; if it keeps failing, change the inputs. A failed generation is not billed.';
	return { message, ...(code ? { code } : {}), hint };
}

// ---------------------------------------------------------------- calls

async function call(ctx: ProviderContext, request: HttpRequest, kind: RequestKind, where: Where, notFoundHint?: string) {
	const response = await ctx.http.send(request, kind);
	const body = readBody(response);
	const json = isRecord(body.json) ? body.json : undefined;
	// A 2xx can still carry `error` and `status_code` when a failure came after streaming began.
	const embedded = isSuccess(response.status) && json && 'error' in json && !('generation_id' in json) && !('data' in json);
	if (!isSuccess(response.status) || embedded) {
		const status = embedded && typeof json.status_code === 'number' ? json.status_code : response.status;
		const d = describeIdeogramError(status, body, CREDENTIAL_NAME);
		const error: ProviderError = providerError({
			provider: DISPLAY_NAME,
			operation: where.operation,
			httpCode: status,
			providerCode: d.providerCode,
			requestId: where.requestId,
			message: d.message,
			hint: status === 404 && notFoundHint ? notFoundHint : d.hint,
			retryable: d.retryable,
		});
		throw error;
	}
	return { status: response.status, body };
}

function submitRequest(ctx: ProviderContext, request: JobRequest, dryRun: boolean): { http: HttpRequest; where: Where } {
	const path = route(request);
	return {
		where: { provider: DISPLAY_NAME, operation: request.operation, endpoint: `POST ${path}${dryRun ? '?dry_run=true' : ''}` },
		http: {
			method: 'POST',
			url: joinUrl(ctx.baseUrl, dryRun ? `${path}?dry_run=true` : path),
			body: buildIdeogramV2Form(request),
			timeoutMs: SUBMIT_TIMEOUT_MS,
			// A refusal for images in flight is waited out until the Timeout; other refusals are final.
			retryRule: ideogramRetryRule,
		},
	};
}

// ---------------------------------------------------------------- adapter

const STYLE_OPTIONS: Capability[] = ['stylePreset', 'styleCodes', 'styleReferenceImages'];
/** The fields of each v2 page (see buildIdeogramV2Form). */
const ACCEPTS: ProviderAccepts = {
	options: {
		edit: ['seed', 'renderingSpeed', 'magicPrompt', 'styleType', ...STYLE_OPTIONS, 'characterReferenceImages', 'characterReferenceMasks', 'dryRun'],
		reframe: ['seed', 'renderingSpeed', 'colorPalette', ...STYLE_OPTIONS, 'dryRun'],
		replaceBackground: ['renderingSpeed', 'dryRun'],
	},
	styleTypes: IDEOGRAM_STYLE_TYPES,
	maxStyleCodes: Infinity,
	maxStyleReferenceImages: 10,
	maxPromptLength: 10_000,
	refusesCombination,
	preciseEdit: {
		'ideogram-4.5': preciseEdit({ maxImageBytes: 50 * MB, maxImagePixels: 4_194_304 }),
		'ideogram-4.6': preciseEdit({ maxImageBytes: 50 * MB, maxImageSide: 8192 }),
	},
};

/** The Precise Edit pages' fields and limits; the two models differ in the image they take. */
function preciseEdit(limits: PreciseEditAccepts['limits']): PreciseEditAccepts {
	return {
		options: ['seed', 'magicPrompt', 'quality', 'referenceImages', 'editRegion', 'dryRun'],
		qualities: ['very_low', 'low', 'medium', 'high'],
		maxReferenceImages: 4,
		maxReferenceImagesWithMask: 3,
		limits,
		regionBox: { minSide: 256, maxPixels: 4_194_304, maxAspect: 6 },
		autoRegionNeedsMask: true,
	};
}

/** The combinations the v2 pages rule out that the option lists do not express. */
function refusesCombination(c: OptionChoice): string | undefined {
	if (c.operation === 'replaceBackground' && c.promptLength > 4000) return `${DISPLAY_NAME} Replace Background takes a prompt of up to 4000 characters.`;
	const controls = [c.stylePreset, c.styleCodes, c.styleReferenceImages].filter(Boolean).length;
	if (c.operation === 'reframe' && controls > 1)
		return `${DISPLAY_NAME} Reframe takes one style control: Style Preset, Style Codes or style reference images.`;
	if (c.operation !== 'edit') return undefined;
	if (!c.characterReference) {
		if (c.stylePreset && controls > 1) return `${DISPLAY_NAME} does not combine Style Preset with style codes or style reference images.`;
		return undefined;
	}
	if (c.stylePreset) return `${DISPLAY_NAME} takes no Style Preset together with a character reference.`;
	if (c.styleType && !CHARACTER_STYLE_TYPES.includes(c.styleType))
		return `With a character reference, ${DISPLAY_NAME} takes the style types ${CHARACTER_STYLE_TYPES.join(', ')}.`;
	if (c.styleType && c.styleType !== 'AUTO' && controls > 0)
		return `With a character reference, ${DISPLAY_NAME} needs Style Type Auto for style codes or style reference images.`;
	return undefined;
}

/** Reference files over the per-file limit (known only once loaded): refused before the call, so never sent. */
function refusal(request: JobRequest): string | undefined {
	const o = request.options;
	const files = [...(o.styleReferenceImages ?? []), ...(o.characterReferenceImages ?? []), ...(o.characterReferenceMasks ?? [])];
	return files.some((f) => f.data.length > 25 * MB) ? `${DISPLAY_NAME} accepts reference images of up to 25 MB each.` : undefined;
}

function refuseUnsendable(request: JobRequest): void {
	const problem = refusal(request);
	if (problem) throw providerError({ provider: DISPLAY_NAME, operation: request.operation, message: problem, hint: 'Change the options and run again; nothing was sent.' });
}

function generationWhere(job: JobRef): Where {
	return { provider: DISPLAY_NAME, operation: job.operation, endpoint: `GET ${GENERATION_PATH}`, requestId: job.requestId };
}

async function getState(ctx: ProviderContext, job: JobRef): Promise<JobState> {
	const where = generationWhere(job);
	const url = joinUrl(ctx.baseUrl, generationPath(job.requestId));
	// A read: a poll 429 is retried after its Retry-After by the engine's client.
	const { status, body } = await call(
		ctx,
		{ method: 'GET', url },
		'read',
		where,
		'Ideogram does not know this generation id: check it, and that the credential belongs to the organisation that submitted it.',
	);
	const parsed = parseWith(generationSchema, body, where, status);
	const state = parsed.status.trim().toLowerCase();
	if (state === 'failed') return { requestId: job.requestId, status: 'failed', error: failure(parsed.failure_reason) };
	if (state !== 'completed') return { requestId: job.requestId, status: 'running' };
	const found = images(parsed.data ?? [], parsed.usage_cost_usd_micros);
	if (found.length === 0) throw unexpectedResponse(where, status, 'field `data` holds no image');
	return { requestId: job.requestId, status: 'completed', images: found };
}

export const ideogramAdapter: ProviderAdapter = {
	name: 'ideogram',
	displayName: DISPLAY_NAME,
	credentialType: 'ideogramApi',
	queued: true,
	// v2 documents no cancel for generations (docs/providers/ideogram.md).
	noCancelReason: "Ideogram's API has no cancel for generations; a running one finishes and is billed",
	// Black marks the region to repaint (the v2 inpaint page).
	maskConvention: 'black',
	limits: {
		maxImageBytes: 25 * MB, // per image on the v2 pages
		maxImagesPerJob: 8, // num_images 1–8
		maxImagesInFlight: 10, // the default per-organisation limit, counted in images
	},
	fetchesImageUrls: false, // multipart uploads: the file's bytes
	// Items in flight. Ideogram's limit counts images (num_images each), so the pipeline also
	// respects limits.maxImagesInFlight; 10 items of one image each fill it exactly.
	defaultConcurrency: 10,
	accepts: ACCEPTS,
	credentialCheck: { method: 'GET', path: generationPath('credential-check') },

	async submit(ctx, request) {
		refuseUnsendable(request);
		const { http, where } = submitRequest(ctx, request, false);
		const { status, body } = await call(ctx, http, 'submit', where);
		const parsed = parseWith(submitSchema, body, where, status);
		if (parsed.data?.length) {
			const found = images(parsed.data, undefined);
			if (found.length) return { requestId: parsed.generation_id, status: 'completed', images: found };
		}
		return { requestId: parsed.generation_id, status: 'submitted' };
	},

	getState,

	async quote(ctx, request): Promise<PriceQuote> {
		refuseUnsendable(request);
		const { http, where } = submitRequest(ctx, request, true);
		// Nothing is run or billed by a dry run, so it is retried like a read.
		const { status, body } = await call(ctx, http, 'read', where);
		const q = parseWith(quoteSchema, body, where, status);
		return {
			costUsd: q.usd_micros / 1e6,
			...(typeof q.upper_bound_usd_micros === 'number' ? { costUpperBoundUsd: q.upper_bound_usd_micros / 1e6 } : {}),
			qualifier: q.qualifier,
			billingIdentifier: q.billing_identifier,
			quantity: q.quantity,
		};
	},

};
