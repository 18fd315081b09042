/**
 * Runware (docs/providers/runware.md): one endpoint, `POST /v1`, taking a JSON array of tasks. We submit
 * one `imageInference` task asynchronously and poll it with `getResponse`. The only file that
 * knows Runware's field names.
 */
import { isRetryableStatus, type HttpResponse, type ProviderError } from '../engine';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { IDEOGRAM_STYLE_TYPES, RUNWARE_STYLE_TYPES } from './enums';
import type {
	EditRegion,
	GeneratedImage,
	GenerationOptions,
	JobRef,
	JobRequest,
	JobState,
	OperationName,
	OptionChoice,
	Capability,
	PreciseEditAccepts,
	PreciseEditModel,
	ProviderAccepts,
	ProviderAdapter,
	ProviderContext,
} from './types';
import { imageRef, joinUrl } from './requests';
import { type Body, isSuccess, parseWith, readBody, snippet, textOf } from './responses';
import { type Where, providerError, statusHint, unexpectedResponse } from './providerErrors';
import { isRecord } from '../unknownValues';

const DISPLAY_NAME = 'Runware';
const CREDENTIAL_NAME = 'Runware API';
const ENDPOINT = '/v1';

/** Runware's AIR ids for the three Ideogram 3.0 editing models (docs/providers/runware.md). */
const RUNWARE_MODELS: Record<OperationName, string> = {
	edit: 'ideogram:4@3',
	reframe: 'ideogram:4@4',
	replaceBackground: 'ideogram:4@5',
};

/** Ideogram Edit with a Precise Edit model (docs/providers/runware.md, "Precise Edit"). */
const RUNWARE_PRECISE_EDIT_MODELS: Record<PreciseEditModel, string> = {
	'ideogram-4.5': 'ideogram:4.5@precise-edit',
	'ideogram-4.6': 'ideogram:4.6@precise-edit',
};

const preciseModel = (request: JobRequest): PreciseEditModel | undefined =>
	request.operation === 'edit' && request.model && request.model !== 'ideogram-3' ? request.model : undefined;

// ---------------------------------------------------------------- request

/** `settings.editRegion`: `auto`, `whole`, or a box in pixels of the source. */
function editRegionValue(region: EditRegion): unknown {
	if (region.kind !== 'box') return region.kind;
	return { x: region.left, y: region.top, width: region.width, height: region.height };
}

/** Precise Edit's `settings`: quality and the edit region; no providerSettings. */
function preciseSettings(o: GenerationOptions): Record<string, unknown> | undefined {
	const s: Record<string, unknown> = {};
	if (o.quality) s.quality = o.quality;
	if (o.editRegion) s.editRegion = editRegionValue(o.editRegion);
	return Object.keys(s).length > 0 ? s : undefined;
}

function ideogramSettings(o: GenerationOptions, operation: OperationName): Record<string, unknown> | undefined {
	const s: Record<string, unknown> = {};
	if (o.renderingSpeed) s.renderingSpeed = o.renderingSpeed; // DEFAULT is Runware's own word too
	if (o.magicPrompt) s.magicPrompt = o.magicPrompt;
	if (o.styleType) s.styleType = o.styleType;
	if (o.stylePreset) s.stylePreset = o.stylePreset;
	// Runware takes exactly one code (`styleCode`, a string); validate() refuses more.
	if (o.styleCodes?.length) s.styleCode = o.styleCodes[0];
	if (o.styleReferenceImages?.length) s.styleReferenceImages = o.styleReferenceImages.map(imageRef);
	if (operation === 'edit' && o.characterReferenceImages?.length) {
		s.characterReferenceImages = o.characterReferenceImages.map(imageRef);
		if (o.characterReferenceMasks?.length) s.characterReferenceImagesMask = o.characterReferenceMasks.map(imageRef);
	}
	return Object.keys(s).length > 0 ? s : undefined;
}

/**
 * The `imageInference` task for a request. No `seed`: Runware's Ideogram 3.0 pages list no seed
 * parameter (only "each result uses a different seed"), and Runware refuses unknown parameters
 * (`unknownParameter`), so the seed it reports per image is what the output carries.
 */
function buildRunwareTask(request: JobRequest, taskUUID: string): Record<string, unknown> {
	const o = request.options;
	const rw = o.runware ?? {};
	const precise = preciseModel(request);
	const model = precise ? RUNWARE_PRECISE_EDIT_MODELS[precise] : RUNWARE_MODELS[request.operation];
	const task: Record<string, unknown> = { taskType: 'imageInference', taskUUID, model };
	if (request.operation === 'reframe') {
		// The current reframe page wants width + height (one of the 69 sizes) and no prompt (docs/providers/runware.md).
		task.width = request.resolution?.width;
		task.height = request.resolution?.height;
	} else {
		task.positivePrompt = request.prompt ?? '';
	}
	const ideogram = precise ? undefined : ideogramSettings(o, request.operation);
	if (ideogram) task.providerSettings = { ideogram };
	const settings = precise ? preciseSettings(o) : undefined;
	if (settings) task.settings = settings;
	task.inputs = {
		seedImage: imageRef(request.image),
		...(request.operation === 'edit' && request.mask ? { maskImage: imageRef(request.mask) } : {}),
		...(precise && o.referenceImages?.length ? { referenceImages: o.referenceImages.map(imageRef) } : {}),
	};
	task.numberResults = o.numImages;
	// Always async: a sync call holds the connection for the whole generation, cannot be
	// cancelled, and after a dropped connection cannot be picked up again. An async task is
	// accepted at once and polled by its taskUUID, so a lost answer costs nothing.
	task.deliveryMethod = 'async';
	task.outputType = 'URL';
	task.includeCost = rw.includeCost ?? true;
	if (rw.outputFormat) task.outputFormat = rw.outputFormat;
	if (rw.outputQuality !== undefined) task.outputQuality = rw.outputQuality;
	if (rw.ttl !== undefined) task.ttl = rw.ttl;
	if (rw.webhookURL) task.webhookURL = rw.webhookURL;
	if (rw.uploadEndpoint) task.uploadEndpoint = rw.uploadEndpoint;
	if (rw.checkContent !== undefined) task.safety = { checkContent: rw.checkContent };
	return task;
}

// ---------------------------------------------------------------- errors

interface RunwareError {
	code?: string;
	message?: string;
	parameter?: string;
	taskUUID?: string;
}

/** Every error shape Runware uses (docs/providers/runware.md), read leniently: an error must never hide behind a parse error. */
function runwareErrors(json: unknown): RunwareError[] {
	if (!isRecord(json)) return [];
	const out: RunwareError[] = [];
	if (Array.isArray(json.errors)) {
		for (const e of json.errors) {
			if (!isRecord(e)) continue;
			out.push({
				code: textOf(e.code),
				message: textOf(e.message),
				parameter: Array.isArray(e.parameter) ? e.parameter.map(String).join(', ') : textOf(e.parameter),
				taskUUID: textOf(e.taskUUID),
			});
		}
	}
	if (isRecord(json.error)) {
		out.push({ code: textOf(json.error.code), message: textOf(json.error.message), taskUUID: textOf(json.taskUUID) });
	} else if (json.error === true) {
		// The legacy WebSocket-era shape: {"error": true, "errorId": 19, "errorMessage": "Invalid api key"}.
		out.push({ code: textOf(json.errorId), message: textOf(json.errorMessage) });
	}
	return out;
}

/** Option labels for Runware parameter names (the last segment of `parameter`). */
const PARAMETER_LABELS: Record<string, string> = {
	positivePrompt: 'Prompt',
	width: 'Resolution',
	height: 'Resolution',
	seedImage: 'Image',
	maskImage: 'Mask',
	numberResults: 'Number of Images',
	renderingSpeed: 'Rendering Speed',
	magicPrompt: 'Magic Prompt',
	styleType: 'Style Type',
	stylePreset: 'Style Preset',
	styleCode: 'Style Codes',
	styleReferenceImages: 'Style Reference Images',
	characterReferenceImages: 'Character Reference Images',
	characterReferenceImagesMask: 'Character Reference Masks',
	outputFormat: 'Output Format',
	outputQuality: 'Output Quality',
	ttl: 'URL Lifetime (TTL)',
	webhookURL: 'Webhook URL',
	uploadEndpoint: 'Upload Endpoint',
	includeCost: 'Include Cost',
	safety: 'Check Content',
	checkContent: 'Check Content',
	quality: 'Quality',
	referenceImages: 'Reference Image Fields',
	editRegion: 'Edit Region',
};

/**
 * The classes Runware's own SDKs sort its error codes into (`deriveCode` in runware-typescript
 * `src/errors.ts`, the same in runware-python; docs/providers/runware.md, "Errors"). Runware
 * says its codes vary between models and providers, so the class, not the code, decides.
 */
type RunwareErrorClass =
	| 'validation'
	| 'auth'
	| 'quota'
	| 'rateLimit'
	| 'safety'
	| 'provider'
	| 'timeout'
	| 'notFound'
	| 'serverError'
	| 'unknown';

const SAFETY_CODES = new Set([
	'contentPolicyViolation',
	'providerContentPolicyViolation',
	'sensitiveContentDetected',
	'unsafeContentDetected',
	'nsfwContentDetected',
	'promptBlocked',
	'imageBlocked',
	'moderationFailed',
]);
const AUTH_CODES = new Set([
	'unauthorized',
	'forbidden',
	'permissionDenied',
	'insufficientPermissions',
	'authenticationFailed',
	'authFailed',
	'authTimeout',
	'invalidAuthentication',
	'invalidCredentials',
	'missingAuthentication',
	'tokenExpired',
	'tokenInvalid',
	'tokenMissing',
	'tokenRevoked',
	'accountSuspended',
	'accountDisabled',
	'organizationSuspended',
	'organizationDisabled',
	'workspaceSuspended',
	'workspaceDisabled',
]);
const SERVER_ERROR_CODES = new Set([
	'internalServerError',
	'serviceUnavailable',
	'serverUnavailable',
	'standardError',
	'unknownError',
	'undefinedError',
	'defaultError',
	'unrecognizedResponse',
]);
const PROVIDER_CODES = new Set([
	'inferenceError',
	'processingFailed',
	'taskFailed',
	'downloadFailed',
	'uploadFailed',
	'noAvailableServer',
	'modelUnavailable',
	'modelDisabled',
	'modelNotReady',
	'mediaStorageFileCouldNotBeMoved',
]);
const VALIDATION_CODES = new Set([
	'unknownParameter',
	'incompatibleParameters',
	'mismatchProviderSettingsProvider',
	'unknownProviderSettingsProvider',
	'transparentModelMismatch',
	'validationFailed',
]);
const VALIDATION_PREFIXES = ['invalid', 'missing', 'conflict', 'duplicate', 'unsupported', 'value', 'array', 'max'];

/** A Runware error code's class, tested in the SDK's order (an `invalidApiKey` is auth before it is validation). */
function runwareErrorClass(code: string | undefined): RunwareErrorClass {
	const c = code ?? '';
	if (/Credits|Quota|Balance/.test(c) || c === 'quotaExceeded' || c === 'paymentRequired') return 'quota';
	if (c.includes('RateLimit') || c === 'rateLimitExceeded') return 'rateLimit';
	if (SAFETY_CODES.has(c)) return 'safety';
	if (AUTH_CODES.has(c) || c.includes('ApiKey')) return 'auth';
	// The SDK looks for `Timeout` inside a code; Runware's errors page names `timeoutProvider`, which starts with it.
	if (c.includes('Timeout') || c.startsWith('timeout')) return 'timeout';
	if (c === 'taskFailedOrNotFound' || c === 'unknownModel' || c.endsWith('NotFound') || c.endsWith('Expired')) return 'notFound';
	if (SERVER_ERROR_CODES.has(c)) return 'serverError';
	if (PROVIDER_CODES.has(c) || c.startsWith('provider')) return 'provider';
	if (VALIDATION_CODES.has(c) || VALIDATION_PREFIXES.some((prefix) => c.startsWith(prefix))) return 'validation';
	return 'unknown';
}

interface ClassRule {
	/** What the user can do; undefined: the hint comes from the parameter named, or the HTTP status. */
	hint?: string;
	/**
	 * Sending the same task again may succeed (the SDK's `retryable`). Only the submit does it, and
	 * under the same taskUUID: a task Runware already accepted is answered `conflictTaskUUID` and
	 * polled, never started twice. A task that ended failed is not submitted again (that would be a
	 * new task, paid again); the user runs the workflow again.
	 */
	resend: boolean;
	/** While polling: the error is about the request itself (thrown), not about the generation (the job ends failed). */
	aboutRequest: boolean;
	/** While polling: reading the state again later may succeed. */
	readAgain: boolean;
}

const CLASS_RULES: Record<RunwareErrorClass, ClassRule> = {
	auth: { hint: `Check the API key in the ${CREDENTIAL_NAME} credential.`, resend: false, aboutRequest: true, readAgain: false },
	quota: {
		hint: 'Your Runware balance is used up: top it up at my.runware.ai, then run the workflow again.',
		resend: false,
		aboutRequest: true,
		readAgain: false,
	},
	rateLimit: {
		hint: 'Runware is busy (rate limit or a full model queue): lower Concurrency (in Options; Runware recommends 2–4) or run again later.',
		resend: true,
		aboutRequest: true,
		readAgain: true,
	},
	safety: {
		hint: 'A safety check refused the prompt or an image: change them. The same request would be refused again, so it was not sent again.',
		resend: false,
		aboutRequest: false,
		readAgain: false,
	},
	provider: {
		hint: 'The model provider behind Runware failed on this task, most often a passing fault: run it again later. No second task was started on its own, so nothing was paid twice.',
		resend: true,
		aboutRequest: false,
		readAgain: false,
	},
	timeout: {
		hint: 'The generation timed out at Runware or its model provider: run it again later, or choose a faster Rendering Speed.',
		resend: true,
		aboutRequest: false,
		readAgain: false,
	},
	notFound: {
		hint: 'Runware has no such task or file (it failed, expired or was never accepted): check the request id or the image the message names; Runware keeps results only for a while.',
		resend: false,
		aboutRequest: true,
		readAgain: false,
	},
	serverError: { hint: 'Runware had a temporary problem: run it again later.', resend: true, aboutRequest: true, readAgain: true },
	validation: { resend: false, aboutRequest: false, readAgain: false },
	// A code the SDK does not know either: the HTTP status decides, as for any answer.
	unknown: { resend: false, aboutRequest: false, readAgain: false },
};

function hintFor(error: RunwareError, httpCode: number): string | undefined {
	const cls = runwareErrorClass(error.code);
	const rule = CLASS_RULES[cls];
	if (rule.hint) return rule.hint;
	const name = error.parameter?.split(/[.,\s]/).filter(Boolean).pop();
	const label = name ? PARAMETER_LABELS[name] : undefined;
	if (label) return `Check the option “${label}” (Runware parameter \`${error.parameter}\`).`;
	if (error.parameter) return `Check the Runware parameter \`${error.parameter}\`.`;
	if (cls === 'validation') return 'Runware refused the request as invalid: check the options and inputs the message names.';
	return (
		statusHint(httpCode, CREDENTIAL_NAME) ??
		`Runware answered with a code the package does not know${error.code ? ` (${error.code})` : ''}: see its message, and https://runware.ai/docs/platform/errors.`
	);
}

/**
 * Whether an answer is worth sending again, from its error envelope: true for a class that may
 * pass, false for one that will not, undefined (the status decides) without a known code.
 */
function resendRule(response: HttpResponse, resend: (c: RunwareErrorClass) => boolean): 'retry' | 'stop' | undefined {
	const [first] = runwareErrors(readBody(response).json);
	if (!first) return undefined;
	if (first.code === 'conflictTaskUUID') return 'stop';
	const cls = runwareErrorClass(first.code);
	if (cls === 'unknown') return undefined;
	return resend(cls) ? 'retry' : 'stop';
}

function errorMessage(errors: RunwareError[], httpCode: number): string {
	const [first, ...rest] = errors;
	let message = first.message ?? first.code ?? `HTTP ${httpCode} without a message`;
	if (rest.length > 0) message += ` (and ${rest.length} more: ${rest.map((e) => e.code ?? e.message).join(', ')})`;
	return message;
}

function toProviderError(errors: RunwareError[], httpCode: number, where: Where): ProviderError {
	const first = errors[0];
	const cls = runwareErrorClass(first.code);
	const rule = CLASS_RULES[cls];
	return providerError({
		provider: DISPLAY_NAME,
		operation: where.operation,
		httpCode,
		providerCode: first.code,
		requestId: where.requestId,
		message: errorMessage(errors, httpCode),
		hint: hintFor(first, httpCode),
		retryable: rule.resend || rule.readAgain || (cls === 'unknown' && !isSuccess(httpCode) && isRetryableStatus(httpCode, 'read')),
	});
}

/** A non-2xx answer without Runware's error envelope (a proxy's HTML page, an empty 502 …). */
function bareHttpError(httpCode: number, body: Body, where: Where): ProviderError {
	return providerError({
		provider: DISPLAY_NAME,
		operation: where.operation,
		httpCode,
		requestId: where.requestId,
		message: body.text.trim() ? snippet(body.text) : `HTTP ${httpCode} without a message`,
		hint: statusHint(httpCode, CREDENTIAL_NAME),
		retryable: isRetryableStatus(httpCode, 'read'),
	});
}

// ---------------------------------------------------------------- responses

const ackSchema = z.object({ data: z.array(z.object({ taskUUID: z.string() }).passthrough()).min(1) }).passthrough();

const itemSchema = z
	.object({
		taskType: z.string().nullish(),
		taskUUID: z.string().nullish(),
		status: z.string().nullish(),
		progress: z.number().nullish(),
		imageUUID: z.string().nullish(),
		imageURL: z.string().nullish(),
		imageDataURI: z.string().nullish(),
		imageBase64Data: z.string().nullish(),
		seed: z.number().nullish(),
		cost: z.number().nullish(),
		NSFWContent: z.boolean().nullish(),
		error: z
			.object({ code: z.string().nullish(), message: z.string().nullish() })
			.passthrough()
			.nullish(),
	})
	.passthrough();
type Item = z.output<typeof itemSchema>;

const pollSchema = z.object({ data: z.array(itemSchema) }).passthrough();

function isSuccessItem(item: Item): boolean {
	if (item.status) return item.status.toLowerCase() === 'success';
	// Sync-style items carry no status: a result field means the generation is done.
	return Boolean(item.imageURL || item.imageUUID || item.imageDataURI || item.imageBase64Data);
}

function inlineBytes(item: Item): Buffer | undefined {
	if (item.imageDataURI) {
		const comma = item.imageDataURI.indexOf(',');
		if (comma >= 0) return Buffer.from(item.imageDataURI.slice(comma + 1), 'base64');
	}
	if (item.imageBase64Data) return Buffer.from(item.imageBase64Data, 'base64');
	return undefined;
}

/** One generated image from a Runware result item (sync result or getResponse success item). */
function runwareImage(item: Item): GeneratedImage {
	const image: GeneratedImage = {};
	if (item.imageURL) image.url = item.imageURL;
	const inline = inlineBytes(item);
	if (inline) image.inline = inline;
	if (typeof item.seed === 'number') image.seed = item.seed;
	if (typeof item.cost === 'number') image.cost = item.cost;
	// NSFWContent is only present when the safety check ran.
	if (typeof item.NSFWContent === 'boolean') image.isImageSafe = !item.NSFWContent;
	return image;
}

// ---------------------------------------------------------------- adapter

// No seed: Runware's Ideogram 3.0 models take none (each result reports its own).
const COMMON_OPTIONS: Capability[] = ['renderingSpeed', 'magicPrompt', 'stylePreset', 'styleCodes', 'styleReferenceImages', 'runware'];
const ACCEPTS: ProviderAccepts = {
	options: {
		edit: [...COMMON_OPTIONS, 'styleType', 'characterReferenceImages', 'characterReferenceMasks'],
		// Runware's reframe example sends magicPrompt; no style type on reframe, as on Ideogram.
		reframe: COMMON_OPTIONS,
		replaceBackground: [...COMMON_OPTIONS, 'styleType'],
		// No colorPalette: Runware offers it for Ideogram 2.0 only.
	},
	styleTypes: RUNWARE_STYLE_TYPES,
	maxStyleCodes: 1, // `styleCode` is one string
	maxStyleReferenceImages: 4,
	maxPromptLength: 2000,
	refusesCombination,
	preciseEdit: {
		'ideogram-4.5': preciseEdit(['quality', 'referenceImages', 'runware'], { maxImageBytes: 50 * 1024 * 1024, maxImagePixels: 4_194_304 }),
		// Only 4.6's page documents settings.editRegion.
		'ideogram-4.6': preciseEdit(['quality', 'referenceImages', 'editRegion', 'runware'], { maxImageBytes: 50 * 1024 * 1024, maxImageSide: 8192 }),
	},
};

/**
 * What the newest of Runware's pages rules out that the lists above cannot say: the two extra
 * style types are listed on the Ideogram 3.0 Edit model page only; for Replace Background every
 * page that names the values keeps them to Ideogram 1.0/2.0 (docs/providers/runware.md, "Sources checked").
 */
function refusesCombination(c: OptionChoice): string | undefined {
	if (c.operation === 'replaceBackground' && c.styleType && !IDEOGRAM_STYLE_TYPES.includes(c.styleType)) {
		return `Style Type "${c.styleType}" is available on ${DISPLAY_NAME} for Edit only: for Replace Background choose ${IDEOGRAM_STYLE_TYPES.join(', ')}.`;
	}
	return undefined;
}

/** The Precise Edit models' pages: no seed and no providerSettings, a quality tier, up to four references (three with a mask). */
function preciseEdit(options: Capability[], limits: PreciseEditAccepts['limits']): PreciseEditAccepts {
	return {
		options,
		qualities: ['very_low', 'low', 'medium', 'high'],
		maxReferenceImages: 4,
		maxReferenceImagesWithMask: 3,
		limits,
		regionBox: { minSide: 256, maxPixels: 4_194_304, maxAspect: 6 },
		autoRegionNeedsMask: false,
	};
}

function progressOf(items: Item[], expected: number): number | undefined {
	const reported = items.filter((i) => typeof i.progress === 'number');
	if (reported.length === 0) return undefined;
	const done = items.filter(isSuccessItem).length;
	const partial = reported.filter((i) => !isSuccessItem(i)).reduce((sum, i) => sum + (i.progress ?? 0), 0);
	return Math.max(0, Math.min(100, Math.round((done * 100 + partial) / Math.max(expected, 1))));
}

/** Why a generation failed, for a `failed` JobState: the provider's words, its code, and what to do. */
function failure(error: RunwareError, message: string, httpCode: number): NonNullable<JobState['error']> {
	return { message, code: error.code, hint: hintFor(error, httpCode) };
}

async function getState(ctx: ProviderContext, job: JobRef): Promise<JobState> {
	const where: Where = {
		provider: DISPLAY_NAME,
		operation: job.operation,
		endpoint: 'POST /v1 (getResponse)',
		requestId: job.requestId,
	};
	const response = await ctx.http.send(
		{
			method: 'POST',
			url: joinUrl(ctx.baseUrl, ENDPOINT),
			body: [{ taskType: 'getResponse', taskUUID: job.requestId }],
			retryRule: (answer) => resendRule(answer, (cls) => CLASS_RULES[cls].readAgain),
		},
		'read',
	);
	const body = readBody(response);
	const errors = runwareErrors(body.json);
	if (errors.length > 0) {
		// Runware's SDK counts `taskCancelled` as "not found"; for a task it is its end.
		if (errors[0].code === 'taskCancelled') return { requestId: job.requestId, status: 'cancelled' };
		// Errors about the request (key, balance, load, unknown task) are thrown; errors about
		// the generation itself (safety, provider failure, model timeout, invalid input found late) end the job.
		const rule = CLASS_RULES[runwareErrorClass(errors[0].code)];
		if (rule.aboutRequest || isRetryableStatus(response.status, 'read')) throw toProviderError(errors, response.status, where);
		return { requestId: job.requestId, status: 'failed', error: failure(errors[0], errorMessage(errors, response.status), response.status) };
	}
	if (!isSuccess(response.status)) throw bareHttpError(response.status, body, where);

	const parsed = parseWith(pollSchema, body, where, response.status);
	const items = parsed.data.filter((i) => !i.taskUUID || i.taskUUID === job.requestId);
	const failedItem = items.find((i) => i.status?.toLowerCase() === 'error');
	if (failedItem) {
		const error: RunwareError = { code: failedItem.error?.code ?? undefined, message: failedItem.error?.message ?? undefined };
		if (error.code === 'taskCancelled') return { requestId: job.requestId, status: 'cancelled' };
		const message = error.message ?? error.code ?? 'Runware reported the generation as failed.';
		return { requestId: job.requestId, status: 'failed', error: failure(error, message, response.status) };
	}
	const expected = job.numImages ?? 1;
	const done = items.filter(isSuccessItem);
	if (done.length >= expected) {
		return { requestId: job.requestId, status: 'completed', images: done.map(runwareImage) };
	}
	const progress = progressOf(items, expected);
	return { requestId: job.requestId, status: 'running', ...(progress !== undefined ? { progress } : {}) };
}

export const runwareAdapter: ProviderAdapter = {
	name: 'runware',
	displayName: DISPLAY_NAME,
	credentialType: 'runwareApi',
	queued: true,
	// Unconfirmed for ideogram:4@3 (docs/providers/runware.md): Runware's guides for its other masked
	// models (Ideogram 4.5/4.6 Precise Edit, GPT-Image) say white marks the area to change.
	maskConvention: 'white',
	limits: {
		maxImageBytes: 50 * 1024 * 1024, // no documented limit; the same bound as RunComfy's
		maxImagesPerJob: 20, // numberResults 1–20
	},
	fetchesImageUrls: true, // `seedImage` takes a public URL
	// Runware has no hard rate limit but recommends 2–4 concurrent requests in steady state.
	defaultConcurrency: 4,

	accepts: ACCEPTS,

	async submit(ctx, request) {
		const taskUUID = randomUUID();
		const where: Where = { provider: DISPLAY_NAME, operation: request.operation, endpoint: 'POST /v1 (imageInference)' };
		// submitIdempotent: the engine may re-send this exact body, and the taskUUID makes a
		// second copy impossible (Runware answers conflictTaskUUID instead). So an error of a class
		// that may pass (rate limit, server, timeout, provider) is sent again too, whatever its status.
		const response = await ctx.http.send(
			{
				method: 'POST',
				url: joinUrl(ctx.baseUrl, ENDPOINT),
				body: [buildRunwareTask(request, taskUUID)],
				retryRule: (answer) => resendRule(answer, (cls) => CLASS_RULES[cls].resend),
			},
			'submitIdempotent',
		);
		const body = readBody(response);
		const errors = runwareErrors(body.json);
		if (errors.some((e) => e.code === 'conflictTaskUUID')) {
			// An earlier attempt of this very request was accepted, and only its answer was lost:
			// the task exists, so carry on by polling it.
			return { requestId: taskUUID, status: 'submitted' };
		}
		// A failure that may come after the task was queued: give its id so Poll Result can look for it.
		const mayExist = response.status >= 500 || ['serverError', 'timeout', 'provider'].includes(runwareErrorClass(errors[0]?.code));
		const errorWhere = mayExist ? { ...where, requestId: taskUUID } : where;
		if (errors.length > 0) throw toProviderError(errors, response.status, errorWhere);
		if (!isSuccess(response.status)) throw bareHttpError(response.status, body, errorWhere);
		const ack = parseWith(ackSchema, body, where, response.status);
		if (!ack.data.some((item) => item.taskUUID === taskUUID)) {
			throw unexpectedResponse({ ...where, requestId: taskUUID }, response.status, 'no item in `data` carries the submitted taskUUID');
		}
		return { requestId: taskUUID, status: 'submitted' };
	},

	getState,
	// No cancel: Runware documents no way to cancel a task; the pipeline answers cancelled:false.
};
