/**
 * RunComfy Model API (docs/providers/runcomfy.md): JSON submit to a model path, then a queue of
 * status → result, with cancel for queued jobs. The only file that knows RunComfy's field names.
 */
import { Base64Text, isRetryableStatus, type HttpRequest, type ProviderError, type RequestKind } from '../engine';
import { z } from 'zod';
import { IDEOGRAM_STYLE_TYPES, normalizePalettePreset, titleCase } from './enums';
import { runComfyResolutionLabel } from './resolutions';
import type {
	ColorPalette,
	GenerationOptions,
	JobRef,
	JobRequest,
	JobState,
	JobStatus,
	OperationName,
	Capability,
	ProviderAccepts,
	ProviderAdapter,
	ProviderContext,
	RenderingSpeed,
} from './types';
import { imageRef, isDataUri, joinUrl } from './requests';
import { type Body, isSuccess, parseWith, readBody, snippet, textOf } from './responses';
import { type Where, parameterHint, providerError, statusHint, unexpectedResponse } from './providerErrors';
import { isRecord } from '../unknownValues';

const DISPLAY_NAME = 'RunComfy';
const CREDENTIAL_NAME = 'RunComfy API';

const MODEL_PATHS: Record<OperationName, string> = {
	edit: '/v1/models/ideogram/ideogram-v3/edit',
	reframe: '/v1/models/ideogram/ideogram-v3/reframe',
	replaceBackground: '/v1/models/ideogram/ideogram-v3/replace-background',
};

/** RunComfy's schema says BALANCED where Ideogram says DEFAULT (RunComfy's model pages). */
const RENDERING_SPEEDS: Record<RenderingSpeed, string> = { TURBO: 'TURBO', DEFAULT: 'BALANCED', QUALITY: 'QUALITY' };

/** Wire names RunComfy may quote in a 400/422, and the option labels users know them by. */
const FIELD_LABELS: Record<string, string> = {
	image: 'Image',
	mask: 'Mask',
	prompt: 'Prompt',
	resolution: 'Resolution',
	seed: 'Seed',
	rendering_speed: 'Rendering Speed',
	magic_prompt: 'Magic Prompt',
	style_type: 'Style Type',
	style_preset: 'Style Preset',
	style_codes: 'Style Codes',
	color_palette: 'Color Palette',
	style: 'Style Type / Style Preset / Style Codes',
};

const DATA_URI_HINT =
	"RunComfy may not accept inline image data: give the image as a public URL (Image Source: URL) of a file the node sends unchanged: stored upright (a photo with an EXIF orientation is turned, then sent as data) and within RunComfy's size limit.";

// ---------------------------------------------------------------- request

function styleObject(o: GenerationOptions): Record<string, unknown> | undefined {
	const style: Record<string, unknown> = {};
	// RunComfy writes its default as {"style_type": "Auto"}: title case (docs/providers/runcomfy.md).
	if (o.styleType) style.style_type = titleCase(o.styleType);
	if (o.stylePreset) style.style_preset = o.stylePreset;
	if (o.styleCodes?.length) style.style_codes = [...o.styleCodes];
	return Object.keys(style).length > 0 ? style : undefined;
}

function paletteObject(palette: ColorPalette): Record<string, unknown> {
	if ('name' in palette) {
		// RunComfy's default is {"name": "Ember"}: title case.
		return { name: titleCase(normalizePalettePreset(palette.name) ?? palette.name) };
	}
	return {
		members: palette.members.map((m) => ({
			color_hex: m.colorHex,
			...(m.colorWeight !== undefined ? { color_weight: m.colorWeight } : {}),
		})),
	};
}

/** The JSON body of a RunComfy submit. One image per job: RunComfy has no num_images. */
function buildRunComfyInput(request: JobRequest): Record<string, unknown> {
	const o = request.options;
	const input: Record<string, unknown> = { image: imageRef(request.image) };
	if (request.operation === 'edit' && request.mask) input.mask = imageRef(request.mask);
	if (request.operation === 'reframe') {
		const { width, height } = request.resolution ?? { width: 0, height: 0 };
		input.resolution = runComfyResolutionLabel({ width, height });
	} else {
		input.prompt = request.prompt ?? '';
	}
	// Always sent: the schema would otherwise pick its own fixed default seed (99097570 on edit).
	input.seed = o.seed;
	input.rendering_speed = RENDERING_SPEEDS[o.renderingSpeed ?? 'DEFAULT'];
	if (request.operation !== 'reframe') {
		// Always sent: RunComfy's schema defaults magic_prompt to ON, while Ideogram and Runware
		// default to AUTO. Sending AUTO keeps "not set" meaning the same on every provider.
		input.magic_prompt = o.magicPrompt ?? 'AUTO';
	}
	const style = styleObject(o);
	if (style) input.style = style;
	// No palette chosen → nothing sent. RunComfy then applies its schema default {"name": "Ember"}
	// on edit and replace-background (reframe has no default). Its API documents no way to ask
	// for "no palette"; the README says so.
	if (o.colorPalette) input.color_palette = paletteObject(o.colorPalette);
	return input;
}

// ---------------------------------------------------------------- responses

const requestId = z.union([z.string().min(1), z.number()]).transform(String);
const submitSchema = z.object({ request_id: requestId }).passthrough();
const statusSchema = z.object({ status: z.string(), queue_position: z.number().nullish() }).passthrough();
const resultSchema = z
	.object({
		status: z.string().nullish(),
		output: z
			.object({ image: z.string().nullish(), images: z.array(z.string()).nullish() })
			.passthrough()
			.nullish(),
		error: z.unknown().optional(),
	})
	.passthrough();
const cancelSchema = z.object({ status: z.string().nullish(), outcome: z.string().nullish() }).passthrough();

const STATUSES: Record<string, JobStatus> = {
	in_queue: 'queued',
	queued: 'queued',
	pending: 'queued',
	in_progress: 'running',
	running: 'running',
	processing: 'running',
	completed: 'completed',
	succeeded: 'completed',
	success: 'completed',
	failed: 'failed',
	error: 'failed',
	cancelled: 'cancelled',
	canceled: 'cancelled',
};

/**
 * RunComfy documents in_queue/in_progress/completed/cancelled; its own clients also handle
 * succeeded/failed/canceled (docs/providers/runcomfy.md). A status nobody documents is read as `running`:
 * it is not terminal as far as we know, and the poll's timeout still bounds the wait, whereas
 * failing would abandon a job that may be about to complete (and is billed either way).
 */
function mapRunComfyStatus(raw: string): JobStatus {
	return STATUSES[raw.trim().toLowerCase()] ?? 'running';
}

// ---------------------------------------------------------------- errors

interface CallContext {
	where: Where;
	/** Submit only: whether an image went as a data URI (RunComfy documents URLs only). */
	sentDataUri?: boolean;
	/** What a 404 means at this endpoint. */
	notFoundHint: string;
}

/** RunComfy signals errors with a non-2xx status, or with `error_code` on any status, even 200. */
function errorFromBody(status: number, body: Body, call: CallContext): ProviderError | undefined {
	const json = isRecord(body.json) ? body.json : undefined;
	const errorCode = json?.error_code;
	const hasErrorCode = errorCode !== undefined && errorCode !== null;
	if (isSuccess(status) && !hasErrorCode) return undefined;

	const message =
		textOf(json?.error_message) ??
		textOf(json?.message) ??
		textOf(json?.error) ??
		textOf(json?.detail) ??
		(body.text.trim() ? snippet(body.text) : `HTTP ${status} without a message`);

	let hint: string | undefined;
	if (status === 404) hint = call.notFoundHint;
	else if (status === 400 || status === 422 || hasErrorCode) {
		const aboutImage = /image|mask|url|uri|base64|data:|fetch|download/i.test(message);
		hint =
			(call.sentDataUri && aboutImage ? DATA_URI_HINT : undefined) ??
			parameterHint(message, FIELD_LABELS) ??
			(status === 400 || status === 422
				? "RunComfy says the input does not match the model's schema; the message names the field."
				: undefined);
	}
	hint ??= statusHint(status, CREDENTIAL_NAME);

	return providerError({
		provider: DISPLAY_NAME,
		operation: call.where.operation,
		httpCode: status,
		// RunComfy's error_code often just repeats the HTTP status; keep it only when it says more.
		providerCode: hasErrorCode && String(errorCode) !== String(status) ? String(errorCode) : undefined,
		requestId: call.where.requestId,
		message,
		hint,
		retryable: !isSuccess(status) && isRetryableStatus(status, 'read'),
	});
}

async function call(
	ctx: ProviderContext,
	request: HttpRequest,
	kind: RequestKind,
	context: CallContext,
): Promise<{ status: number; body: Body }> {
	const response = await ctx.http.send(request, kind);
	const body = readBody(response);
	const error = errorFromBody(response.status, body, context);
	if (error) throw error;
	return { status: response.status, body };
}

// ---------------------------------------------------------------- adapter

const ALL_OPTIONS: Capability[] = ['seed', 'renderingSpeed', 'magicPrompt', 'styleType', 'stylePreset', 'styleCodes', 'colorPalette'];
const ACCEPTS: ProviderAccepts = {
	options: {
		edit: ALL_OPTIONS,
		// Reframe has no prompt, so no magic prompt; its schema still has the `style` object.
		reframe: ALL_OPTIONS.filter((o) => o !== 'magicPrompt'),
		replaceBackground: ALL_OPTIONS,
	},
	styleTypes: IDEOGRAM_STYLE_TYPES,
	maxStyleCodes: Infinity,
	maxStyleReferenceImages: 0,
};

function requestPath(id: string, action: 'status' | 'result' | 'cancel'): string {
	return `/v1/requests/${encodeURIComponent(id)}/${action}`;
}

function notFoundRequest(): string {
	return 'RunComfy does not know this request id: check it, and that the credential belongs to the account that submitted the job.';
}

/** One call to a job's status, result or cancel endpoint (none creates work, so all are retried as reads). */
async function callJobEndpoint(ctx: ProviderContext, job: JobRef, action: 'status' | 'result' | 'cancel') {
	const method = action === 'cancel' ? 'POST' : 'GET';
	const where: Where = {
		provider: DISPLAY_NAME,
		operation: job.operation,
		endpoint: `${method} /v1/requests/{id}/${action}`,
		requestId: job.requestId,
	};
	const url = joinUrl(ctx.baseUrl, requestPath(job.requestId, action));
	const { status, body } = await call(ctx, { method, url }, 'read', { where, notFoundHint: notFoundRequest() });
	return { where, status, body };
}

async function fetchResult(ctx: ProviderContext, job: JobRef) {
	const { where, status, body } = await callJobEndpoint(ctx, job, 'result');
	return { where, status, result: parseWith(resultSchema, body, where, status) };
}

/** A failed job's `error`: a string, or an object in RunComfy's error shape (shape undocumented, docs/providers/runcomfy.md). */
function failure(error: unknown, fallback: string): { message: string; code?: string; hint?: string } {
	const record = isRecord(error) ? error : undefined;
	const message =
		(record
			? (textOf(record.error_message) ?? textOf(record.message) ?? textOf(record.detail) ?? textOf(record))
			: textOf(error)) ?? fallback;
	const rawCode = record?.error_code ?? record?.code;
	const code = rawCode !== undefined && rawCode !== null ? String(rawCode) : undefined;
	const hint = /safety|nsfw|moderation|prohibited/i.test(message)
		? 'The safety check refused the prompt or the image: change the prompt or the image.'
		: undefined;
	return { message, ...(code !== undefined ? { code } : {}), ...(hint ? { hint } : {}) };
}

async function completedState(ctx: ProviderContext, job: JobRef): Promise<JobState> {
	const { where, status, result } = await fetchResult(ctx, job);
	// The result endpoint answers with the current state while a job is not finished.
	const state = result.status ? mapRunComfyStatus(result.status) : 'completed';
	if (state === 'failed') {
		return { requestId: job.requestId, status: 'failed', error: failure(result.error, 'RunComfy reported the job as failed.') };
	}
	if (state !== 'completed') return { requestId: job.requestId, status: state };
	const urls = [result.output?.image, ...(result.output?.images ?? [])].filter(
		(u, i, all): u is string => typeof u === 'string' && u.length > 0 && all.indexOf(u) === i,
	);
	if (urls.length === 0) {
		throw unexpectedResponse(where, status, 'field `output.image` is missing (neither `output.image` nor `output.images` holds a URL)');
	}
	return { requestId: job.requestId, status: 'completed', images: urls.map((url) => ({ url })) };
}

async function failedState(ctx: ProviderContext, job: JobRef): Promise<JobState> {
	try {
		const { result } = await fetchResult(ctx, job);
		return { requestId: job.requestId, status: 'failed', error: failure(result.error, 'RunComfy reported the job as failed.') };
	} catch (error) {
		// The job failed either way; a result we cannot read only costs us the reason.
		const message = error instanceof Error ? error.message : String(error);
		return { requestId: job.requestId, status: 'failed', error: { message: `RunComfy reported the job as failed (${message})` } };
	}
}

export const runComfyAdapter: ProviderAdapter = {
	name: 'runComfy',
	displayName: DISPLAY_NAME,
	credentialType: 'runComfyApi',
	queued: true,
	// Undocumented (docs/providers/runcomfy.md). RunComfy runs ComfyUI, whose masks mark the area to
	// repaint in white; the Edit node offers a flip option if a user finds otherwise.
	maskConvention: 'white',
	limits: {
		maxImageBytes: 50 * 1024 * 1024, // RunComfy's "recommended limit: images ≤ 50 MB (~4K)"
		maxImagesPerJob: 1, // no num_images: the pipeline submits one job per image, each with its own seed
	},
	fetchesImageUrls: true, // its `image` field takes a public URL
	// A queued provider holds the jobs itself; 20 submits at once only fill its queue.
	defaultConcurrency: 20,

	accepts: ACCEPTS,
	credentialCheck: { method: 'GET', path: requestPath('credential-check', 'status') },

	async submit(ctx, request) {
		const input = buildRunComfyInput(request);
		const path = MODEL_PATHS[request.operation];
		const where: Where = { provider: DISPLAY_NAME, operation: request.operation, endpoint: `POST ${path}` };
		const sentDataUri = [input.image, input.mask].some((ref) => (typeof ref === 'string' || ref instanceof Base64Text) && isDataUri(ref));
		const { status, body } = await call(ctx, { method: 'POST', url: joinUrl(ctx.baseUrl, path), body: input }, 'submit', {
			where,
			sentDataUri,
			notFoundHint: `RunComfy does not know the model at ${path}: check the base URL in the ${CREDENTIAL_NAME} credential.`,
		});
		const parsed = parseWith(submitSchema, body, where, status);
		return { requestId: parsed.request_id, status: 'submitted' };
	},

	async getState(ctx, job) {
		const { where, status, body } = await callJobEndpoint(ctx, job, 'status');
		const parsed = parseWith(statusSchema, body, where, status);
		const state = mapRunComfyStatus(parsed.status);
		switch (state) {
			case 'completed':
				return completedState(ctx, job);
			case 'failed':
				return failedState(ctx, job);
			case 'queued':
				return {
					requestId: job.requestId,
					status: 'queued',
					...(typeof parsed.queue_position === 'number' ? { queuePosition: parsed.queue_position } : {}),
				};
			default:
				return { requestId: job.requestId, status: state };
		}
	},

	async cancel(ctx, job) {
		const { where, status, body } = await callJobEndpoint(ctx, job, 'cancel');
		const parsed = parseWith(cancelSchema, body, where, status);
		const outcome = parsed.outcome?.trim().toLowerCase();
		const state = parsed.status ? mapRunComfyStatus(parsed.status) : undefined;
		if (outcome === 'cancelled' || outcome === 'canceled' || state === 'cancelled') {
			return { status: 'cancelled', cancelled: true };
		}
		const current = state ?? 'running';
		const reason =
			current === 'completed' || current === 'failed'
				? 'RunComfy only cancels queued jobs; this one has already finished'
				: current === 'queued'
					? `RunComfy did not cancel the job (outcome: ${parsed.outcome ?? 'none'})`
					: 'RunComfy only cancels queued jobs; this one is already running';
		return { status: current, cancelled: false, reason };
	},
};
