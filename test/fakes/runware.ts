/**
 * Fake Runware REST API (docs/providers/runware.md): POST /v1 with a JSON array of tasks; Bearer header or
 * a leading `authentication` task. Serves `imageInference` for ideogram:4@3|4@4|4@5 and the
 * Precise Edit models ideogram:4.5@precise-edit and ideogram:4.6@precise-edit (sync or
 * async + `getResponse`), `imageUpload` and `mediaStorage`. Errors: `{errors:[{code,message,
 * parameter,taskType,taskUUID}]}`; a request whose tasks all failed answers with the first
 * error's HTTP status, a partly successful one with 200 and both `data` and `errors`.
 */
import crypto from 'node:crypto';
import {
	ApiError,
	FakeCore,
	Job,
	ProviderSpec,
	RecordedRequest,
	Reply,
	analyzeMask,
	imageSize,
	isObject,
	loadImageRef,
	randomSeed,
	show,
	sniffFormat,
} from './common';
import { HEX8, RESOLUTIONS_WXH, RUNWARE, STYLE_PRESETS, UUID_V4 } from './tables';

export interface RunwareMeta {
	outputType: string;
	includeCost: boolean;
	cost: number;
	seeds: number[];
	safetyCheck: boolean;
	webhookURL?: string;
	uploadEndpoint?: string;
}
type Core = FakeCore<RunwareMeta>;
type Task = Record<string, unknown>;
type Item = Record<string, unknown>;

class TaskError extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly parameter?: string | string[],
		readonly status = 400,
	) {
		super(message);
	}
}

const TOP_LEVEL = [
	'taskType', 'taskUUID', 'model', 'positivePrompt', 'outputType', 'outputFormat', 'outputQuality', 'numberResults',
	'deliveryMethod', 'webhookURL', 'uploadEndpoint', 'safety', 'ttl', 'includeCost', 'inputs', 'providerSettings',
	'width', 'height', 'seedImage', 'maskImage', 'settings',
];

/**
 * The Precise Edit models' pages: `inputs.referenceImages` (up to 4, 3 with a mask), an optional
 * mask (white = edit), `settings.quality`, and on 4.6 `settings.editRegion`; no providerSettings.
 * Prices per tier: 4.5 as its page lists them; 4.6 the fake's own, doubled above 4 MP (4K High $0.60).
 */
const PRECISE_EDIT: Record<string, { editRegion: boolean; maxSide?: number; maxPixels?: number; price: Record<string, number>; doubledAbove4MP?: boolean }> = {
	'ideogram:4.5@precise-edit': { editRegion: false, maxPixels: 4_194_304, price: { very_low: 0.008, low: 0.03, medium: 0.06, high: 0.2 } },
	'ideogram:4.6@precise-edit': { editRegion: true, maxSide: 8192, price: { very_low: 0.01, low: 0.04, medium: 0.08, high: 0.3 }, doubledAbove4MP: true },
};
const QUALITY = ['very_low', 'low', 'medium', 'high'];
/** An edit region box (the limits Ideogram documents for its context window). */
const BOX = { minSide: 256, maxPixels: 4_194_304, maxAspect: 6 };
/** Generic imageInference parameters that these Ideogram models do not take. */
const NOT_FOR_IDEOGRAM = [
	'seed', 'negativePrompt', 'steps', 'CFGScale', 'scheduler', 'strength', 'clipSkip', 'lora', 'controlNet',
	'referenceImages', 'vae', 'acceleratorOptions', 'advancedFeatures', 'refiner', 'embeddings', 'ipAdapters',
	'outpaint', 'promptWeighting', 'checkNSFW', 'maskMargin',
];
const SETTINGS_ALL = [
	'renderingSpeed', 'magicPrompt', 'styleType', 'stylePreset', 'styleCode', 'styleReferenceImages',
	'characterReferenceImages', 'characterReferenceImagesMask', 'colorPalette', 'remixStrength',
];
const SETTINGS_BY_OP = {
	edit: SETTINGS_ALL.slice(0, 8),
	reframe: ['renderingSpeed', 'magicPrompt', 'stylePreset', 'styleCode', 'styleReferenceImages'],
	replaceBackground: SETTINGS_ALL.slice(0, 6),
};
const OTHER_PROVIDERS = ['openai', 'google', 'bfl', 'bytedance', 'kling', 'minimax', 'runway', 'recraft', 'alibaba', 'pixverse', 'vidu'];
const FORMATS = { JPG: 'jpeg', PNG: 'png', WEBP: 'webp' } as const;
const HTTP_CODES: Record<number, string> = {
	400: 'invalidRequestBody',
	401: 'invalidApiKey',
	402: 'insufficientCredits',
	403: 'forbidden',
	404: 'notFound',
	422: 'sensitiveContentDetected',
	429: 'rateLimitExceeded',
	500: 'internalServerError',
	503: 'serviceUnavailable',
	504: 'timeoutProvider',
};

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const intIn = (min: number, max: number) => (v: unknown) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const inList = (list: readonly string[]) => (v: unknown) => list.includes(v as string);
const isBool = (v: unknown) => typeof v === 'boolean';
const isUri = (v: unknown) => typeof v === 'string' && /^https?:\/\/\S+$/i.test(v);
const strings = (min: number, max: number) => (v: unknown) =>
	Array.isArray(v) && v.length >= min && v.length <= max && v.every((x) => typeof x === 'string' && x.length > 0);

/** Reads an optional field; a present but bad value → `invalid<Name>`. */
function field<T>(obj: Task, key: string, ok: (v: unknown) => boolean, expected: string, def: T, prefix = ''): T {
	const v = obj[key];
	if (v === undefined) return def;
	if (!ok(v)) throw new TaskError(`invalid${cap(key)}`, `Invalid value for ${prefix}${key}: ${show(v)}. Expected ${expected}.`, prefix + key);
	return v as T;
}

/** `auto`, `whole`, or a box inside the image: `{x, y, width, height}` or `"y_min,x_min,y_max,x_max"` (the form is undocumented: both accepted). */
function checkEditRegion(value: unknown, image: { width: number; height: number }): void {
	const P = 'settings.editRegion';
	if (value === 'auto' || value === 'whole') return;
	let box: { x: number; y: number; width: number; height: number } | undefined;
	if (typeof value === 'string' && /^\d+,\d+,\d+,\d+$/.test(value)) {
		const [yMin, xMin, yMax, xMax] = value.split(',').map(Number);
		box = { x: xMin, y: yMin, width: xMax - xMin, height: yMax - yMin };
	} else if (isObject(value) && Object.keys(value).sort().join() === 'height,width,x,y' && Object.values(value).every((v) => Number.isInteger(v) && (v as number) >= 0))
		box = value as { x: number; y: number; width: number; height: number };
	if (!box) throw new TaskError('invalidEditRegion', `Invalid value for ${P}: ${show(value)}. Expected auto, whole or a box.`, P);
	const { x, y, width, height } = box;
	if (width <= 0 || height <= 0 || x + width > image.width || y + height > image.height)
		throw new TaskError('invalidEditRegion', `${P} ${show(value)} lies outside the ${image.width}x${image.height} source`, P);
	if (Math.min(width, height) < BOX.minSide || width * height > BOX.maxPixels || Math.max(width, height) / Math.min(width, height) > BOX.maxAspect)
		throw new TaskError('invalidEditRegion', `${P} must be at least ${BOX.minSide} px a side, at most ${BOX.maxPixels} px, between 1:6 and 6:1`, P);
}

function checkUuid(t: Task): string {
	if (typeof t.taskUUID !== 'string' || !UUID_V4.test(t.taskUUID))
		throw new TaskError('invalidTaskUUID', `taskUUID must be a UUID v4 string, got ${show(t.taskUUID)}`, 'taskUUID');
	return t.taskUUID;
}

export function runwareSpec(): ProviderSpec<RunwareMeta> {
	/** Image/media UUID (uploaded or generated) → stored result path. */
	const refs = new Map<string, string>();

	async function loadRef(core: Core, value: unknown, param: string): Promise<Buffer> {
		const code = `invalid${cap(param.split('.').pop()!)}`;
		if (typeof value !== 'string' || !value) throw new TaskError(code, `${param} must be a non-empty string`, param);
		if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
			const img = core.imageAt(refs.get(value) ?? '');
			if (!img) throw new TaskError(code, `${param}: no image with UUID ${value}`, param);
			return img.bytes();
		}
		const buf = await loadImageRef(value, { url: true, dataUri: true, base64: true }).catch((e: Error) => {
			throw new TaskError(code, `${param}: ${e.message}`, param);
		});
		if (!sniffFormat(buf)) throw new TaskError(code, `${param}: unsupported or corrupt image (PNG, JPG or WEBP expected)`, param);
		return buf;
	}

	async function item(job: Job<RunwareMeta>, i: number): Promise<Item> {
		const img = job.images[i];
		const m = job.meta;
		const out: Item = { taskType: 'imageInference', taskUUID: job.id, imageUUID: img.id };
		if (m.outputType === 'URL') out.imageURL = img.url;
		else {
			const b64 = (await img.bytes()).toString('base64');
			if (m.outputType === 'dataURI') out.imageDataURI = `data:${img.mime};base64,${b64}`;
			else out.imageBase64Data = b64;
		}
		out.seed = m.seeds[i];
		if (m.includeCost) out.cost = m.cost;
		if (m.safetyCheck || job.unsafe) out.NSFWContent = job.unsafe;
		return out;
	}

	async function imageInference(t: Task, core: Core): Promise<Item[]> {
		const taskUUID = checkUuid(t);
		if (t.model === undefined) throw new TaskError('missingModel', 'model is required', 'model');
		const model = String(t.model);
		const precise = Object.hasOwn(PRECISE_EDIT, model) ? PRECISE_EDIT[model] : undefined;
		const operation = precise ? 'edit' : Object.hasOwn(RUNWARE.models, model) ? RUNWARE.models[model] : undefined;
		if (!operation) throw new TaskError('unknownModel', `Unknown model '${model}'`, 'model');
		for (const key of Object.keys(t))
			if (!TOP_LEVEL.includes(key))
				throw NOT_FOR_IDEOGRAM.includes(key)
					? new TaskError('unsupportedParameter', `Parameter '${key}' is not supported by ${model}`, key)
					: new TaskError('unknownParameter', `Unknown parameter '${key}'`, key);
		const conflict = () => {
			if (core.job(taskUUID))
				throw new TaskError('conflictTaskUUID', `A task with taskUUID ${taskUUID} already exists; use a new UUID v4`, 'taskUUID');
		};
		conflict();
		if (precise && t.providerSettings !== undefined)
			throw new TaskError('unsupportedParameter', `providerSettings is not supported by ${model}: use settings`, 'providerSettings');
		if (!precise && t.settings !== undefined) throw new TaskError('unsupportedParameter', `settings is not supported by ${model}`, 'settings');

		// prompt and dimensions. Reframe: Runware's current model page wants width + height (one of
		// the 69 sizes) and shows no prompt; its older Ideogram reference wants a prompt (1–2000
		// characters) and sets the size itself. Both are accepted here (docs/providers/runware.md).
		if (operation !== 'reframe' && t.positivePrompt === undefined)
			throw new TaskError('missingPositivePrompt', 'positivePrompt is required', 'positivePrompt');
		field(t, 'positivePrompt', (v) => typeof v === 'string' && v.length >= 1 && v.length <= 2000, 'a string of 1 to 2000 characters', '');
		let dims: { width: number; height: number } | undefined;
		if (operation === 'reframe' && (t.width !== undefined || t.height !== undefined)) {
			for (const k of ['width', 'height'])
				if (t[k] === undefined)
					throw new TaskError(`missing${cap(k)}`, `${model} requires width and height, used together`, ['width', 'height']);
			const width = field(t, 'width', Number.isInteger, 'an integer', 0);
			const height = field(t, 'height', Number.isInteger, 'an integer', 0);
			if (!RESOLUTIONS_WXH.includes(`${width}x${height}`))
				throw new TaskError('unsupportedDimensions', `${width}x${height} is not a supported Ideogram 3.0 size`, ['width', 'height']);
			dims = { width, height };
		} else
			for (const k of ['width', 'height'])
				if (t[k] !== undefined)
					throw new TaskError('unsupportedParameter', `${k} is not supported by ${model}: the output size follows the seed image`, k);

		// platform options
		const numberResults = field(t, 'numberResults', intIn(1, 20), 'an integer from 1 to 20', 1);
		const outputType = field<string>(t, 'outputType', inList(RUNWARE.outputType), RUNWARE.outputType.join(', '), 'URL');
		const outputFormat = field<string>(t, 'outputFormat', inList(RUNWARE.outputFormat), RUNWARE.outputFormat.join(', '), 'JPG');
		const outputQuality = field(t, 'outputQuality', intIn(20, 99), 'an integer from 20 to 99', 95);
		const deliveryMethod = field<string>(t, 'deliveryMethod', inList(RUNWARE.deliveryMethod), 'sync or async', 'sync');
		const ttl = field<number | undefined>(t, 'ttl', intIn(60, Number.MAX_SAFE_INTEGER), 'an integer >= 60', undefined);
		const includeCost = field(t, 'includeCost', isBool, 'a boolean', false);
		const webhookURL = field<string | undefined>(t, 'webhookURL', isUri, 'an http(s) URL', undefined);
		const uploadEndpoint = field<string | undefined>(t, 'uploadEndpoint', isUri, 'an http(s) URL', undefined);
		const safety = field<Task>(t, 'safety', isObject, 'an object', {});
		for (const k of Object.keys(safety))
			if (k !== 'checkContent' && k !== 'mode') throw new TaskError('unknownParameter', `Unknown parameter 'safety.${k}'`, `safety.${k}`);
		const checkContent = field(safety, 'checkContent', isBool, 'a boolean', false, 'safety.');
		const mode = field<string>(safety, 'mode', inList(RUNWARE.safetyMode), 'none or fast', 'none', 'safety.');

		// inputs (current `inputs.*`, or the older top-level seedImage/maskImage)
		const inputs = field<Task>(t, 'inputs', isObject, 'an object', {});
		for (const k of Object.keys(inputs))
			if (k !== 'seedImage' && k !== 'maskImage' && !(precise && k === 'referenceImages'))
				throw new TaskError('unknownParameter', `Unknown parameter 'inputs.${k}'`, `inputs.${k}`);
		const seedRef = inputs.seedImage ?? t.seedImage;
		const maskRef = inputs.maskImage ?? t.maskImage;
		if (seedRef === undefined) throw new TaskError('missingSeedImage', 'inputs.seedImage is required', 'inputs.seedImage');
		const maxReferences = maskRef === undefined ? 4 : 3;
		const references = field<string[]>(inputs, 'referenceImages', strings(1, maxReferences), `an array of 1 to ${maxReferences} images${maskRef === undefined ? '' : ' with a mask'}`, [], 'inputs.');
		const settings = field<Task>(t, 'settings', isObject, 'an object', {});
		for (const k of Object.keys(settings))
			if (k !== 'quality' && !(k === 'editRegion' && precise?.editRegion))
				throw new TaskError(k === 'editRegion' ? 'unsupportedParameter' : 'unknownParameter', `Parameter 'settings.${k}' is not supported by ${model}`, `settings.${k}`);
		const quality = field<string>(settings, 'quality', inList(QUALITY), QUALITY.join(', '), 'medium', 'settings.');
		if (operation === 'edit' && !precise && maskRef === undefined)
			throw new TaskError('missingMaskImage', 'inputs.maskImage is required', 'inputs.maskImage');
		if (operation !== 'edit' && maskRef !== undefined)
			throw new TaskError('unsupportedParameter', `maskImage is not supported by ${model}`, 'inputs.maskImage');

		// providerSettings.ideogram
		const ps = field<Task>(t, 'providerSettings', isObject, 'an object', {});
		for (const k of Object.keys(ps))
			if (k !== 'ideogram')
				throw OTHER_PROVIDERS.includes(k)
					? new TaskError('mismatchProviderSettingsProvider', `providerSettings.${k} does not match the model's provider (ideogram)`, `providerSettings.${k}`)
					: new TaskError('unknownProviderSettingsProvider', `Unknown provider '${k}' in providerSettings`, `providerSettings.${k}`);
		const P = 'providerSettings.ideogram.';
		const ideo = field<Task>(ps, 'ideogram', isObject, 'an object', {}, 'providerSettings.');
		for (const k of Object.keys(ideo)) {
			if (!SETTINGS_ALL.includes(k)) throw new TaskError('unknownParameter', `Unknown parameter '${P}${k}'`, P + k);
			if (!SETTINGS_BY_OP[operation].includes(k))
				throw new TaskError('unsupportedParameter', `${P}${k} is not supported by ${model}`, P + k);
		}
		const renderingSpeed = field<string>(ideo, 'renderingSpeed', inList(RUNWARE.renderingSpeed), RUNWARE.renderingSpeed.join(', '), 'DEFAULT', P);
		field(ideo, 'magicPrompt', inList(RUNWARE.magicPrompt), RUNWARE.magicPrompt.join(', '), 'AUTO', P);
		// All seven style types on both Ideogram 3.0 models that take one: the Edit model page lists
		// RENDER_3D and ANIME, Runware's Ideogram reference keeps them for 1.0/2.0 (docs/providers/runware.md).
		field(ideo, 'styleType', inList(RUNWARE.styleType), RUNWARE.styleType.join(', '), 'AUTO', P);
		field(ideo, 'stylePreset', inList(STYLE_PRESETS), 'one of the 62 style presets', undefined, P);
		field(ideo, 'styleCode', (v) => typeof v === 'string' && HEX8.test(v), 'exactly 8 hexadecimal characters', undefined, P);
		const styleRefs = field<string[]>(ideo, 'styleReferenceImages', strings(1, 4), 'an array of 1 to 4 images', [], P);
		const charRefs = field<string[]>(ideo, 'characterReferenceImages', strings(1, 1), 'an array of exactly 1 image', [], P);
		const charMasks = field<string[]>(ideo, 'characterReferenceImagesMask', strings(1, 1), 'an array of exactly 1 image', [], P);
		if (ideo.styleCode !== undefined && (ideo.styleType !== undefined || ideo.styleReferenceImages !== undefined))
			throw new TaskError('incompatibleParameters', 'styleCode cannot be used together with styleType or styleReferenceImages', [
				P + 'styleCode',
				P + (ideo.styleType !== undefined ? 'styleType' : 'styleReferenceImages'),
			]);
		if (charMasks.length !== (ideo.characterReferenceImagesMask === undefined ? 0 : charRefs.length))
			throw new TaskError('invalidCharacterReferenceImagesMask', 'characterReferenceImagesMask must match the number of characterReferenceImages', P + 'characterReferenceImagesMask');

		// media
		const seed = await loadRef(core, seedRef, 'inputs.seedImage');
		const size = await imageSize(seed).catch((e: Error) => {
			throw new TaskError('invalidSeedImage', `inputs.seedImage: ${e.message}`, 'inputs.seedImage');
		});
		if (precise?.maxSide && Math.max(size.width, size.height) > precise.maxSide)
			throw new TaskError('invalidSeedImage', `inputs.seedImage is ${size.width}x${size.height}; ${model} takes up to ${precise.maxSide} pixels a side`, 'inputs.seedImage');
		if (precise?.maxPixels && size.width * size.height > precise.maxPixels)
			throw new TaskError('invalidSeedImage', `inputs.seedImage has ${size.width * size.height} pixels; ${model} takes up to ${precise.maxPixels}`, 'inputs.seedImage');
		if (settings.editRegion !== undefined) checkEditRegion(settings.editRegion, size);
		const mask = operation === 'edit' && maskRef !== undefined ? await loadRef(core, maskRef, 'inputs.maskImage') : undefined;
		const edit =
			mask
				? await analyzeMask(size, mask, core.options.maskConvention).catch((e: Error) => {
						throw e instanceof TaskError ? e : new TaskError('invalidMaskImage', `inputs.maskImage: ${e.message}`, 'inputs.maskImage');
					})
				: undefined;
		for (const [list, name] of [[styleRefs, 'styleReferenceImages'], [charRefs, 'characterReferenceImages'], [charMasks, 'characterReferenceImagesMask']] as const)
			for (const ref of list) await loadRef(core, ref, P + name);
		for (const ref of references) await loadRef(core, ref, 'inputs.referenceImages');

		// accept
		conflict();
		const out = dims ?? size;
		const seeds = new Set<number>();
		while (seeds.size < numberResults) seeds.add(randomSeed());
		const defaults: Array<[Task, string]> = [[t, 'numberResults'], [t, 'outputType'], [t, 'outputFormat'], [t, 'deliveryMethod'], [ideo, 'renderingSpeed'], [ideo, 'magicPrompt']];
		const job = core.createJob({
			id: taskUUID,
			operation,
			params: t,
			defaulted: defaults.filter(([o, k]) => o[k] === undefined).map(([, k]) => k),
			outputs: Array.from({ length: numberResults }, () => ({
				id: crypto.randomUUID(),
				width: out.width,
				height: out.height,
				format: FORMATS[outputFormat as keyof typeof FORMATS],
				quality: outputQuality,
				ttlMs: outputType === 'URL' && ttl ? ttl * 1000 : undefined,
				source: seed,
				mask: mask && { bytes: mask, editColor: core.options.maskConvention },
			})),
			image: size,
			edit,
			meta: {
				outputType,
				includeCost,
				cost: precise ? (precise.doubledAbove4MP && out.width * out.height > 4_194_304 ? 2 : 1) * precise.price[quality] : RUNWARE.costPerImage[renderingSpeed],
				seeds: [...seeds],
				safetyCheck: checkContent || mode === 'fast',
				webhookURL,
				uploadEndpoint,
			},
		});
		if (deliveryMethod === 'async') return [{ taskType: 'imageInference', taskUUID }];
		await job.done;
		if (job.status !== 'completed')
			throw new TaskError(job.status === 'failed' ? 'inferenceError' : 'taskCancelled', 'The provider failed to generate the image', undefined);
		return Promise.all(job.images.map((_, i) => item(job, i)));
	}

	async function getResponse(t: Task, core: Core): Promise<Item[]> {
		const taskUUID = checkUuid(t);
		const job = core.job(taskUUID);
		if (!job) throw new TaskError('taskFailedOrNotFound', `No task found for taskUUID ${taskUUID}`, 'taskUUID');
		const base = { taskType: 'imageInference', taskUUID };
		if (job.status === 'completed')
			return Promise.all(job.images.map(async (_, i) => ({ ...(await item(job, i)), status: 'success' })));
		if (job.status === 'failed' || job.status === 'cancelled') {
			const error =
				job.status === 'failed'
					? { code: 'inferenceError', message: 'The provider failed to generate the image' }
					: { code: 'taskCancelled', message: 'The task was cancelled' };
			return job.outputs.map(() => ({ ...base, status: 'error', error }));
		}
		const progress = Math.min(99, Math.max(0, Math.floor(((Date.now() - job.createdAt) / Math.max(1, job.endsAt - job.createdAt)) * 100)));
		return job.outputs.map(() => ({ ...base, status: 'processing', progress }));
	}

	async function upload(t: Task, core: Core, media: boolean): Promise<Item[]> {
		const taskUUID = checkUuid(t);
		const taskType = media ? 'mediaStorage' : 'imageUpload';
		if (media) {
			const op = field(t, 'operation', inList(['upload', 'delete']), 'upload or delete', undefined as string | undefined);
			if (op === undefined) throw new TaskError('missingOperation', 'operation is required', 'operation');
			if (op === 'delete') {
				if (!refs.delete(String(t.media))) throw new TaskError('invalidMedia', `No media with UUID ${show(t.media)}`, 'media');
				return [{ taskType, taskUUID, operation: 'delete', mediaUUID: t.media }];
			}
		}
		const key = media ? 'media' : 'image';
		if (t[key] === undefined) throw new TaskError(`missing${cap(key)}`, `${key} is required`, key);
		const bytes = await loadRef(core, t[key], key);
		const stored = core.storeBytes(crypto.randomUUID(), bytes, sniffFormat(bytes)!);
		refs.set(stored.id, stored.path);
		return media
			? [{ taskType, taskUUID, operation: 'upload', mediaUUID: stored.id, mediaURL: stored.url }]
			: [{ taskType, taskUUID, imageUUID: stored.id, imageURL: stored.url }];
	}

	async function runTask(task: unknown, core: Core): Promise<{ data: Item[]; errors: Array<Item & { status: number }> }> {
		const t: Task = isObject(task) ? task : {};
		try {
			switch (t.taskType) {
				case 'authentication':
					return { data: [{ taskType: 'authentication', connectionSessionUUID: crypto.randomUUID() }], errors: [] };
				case 'imageInference':
					return { data: await imageInference(t, core), errors: [] };
				case 'getResponse':
					return { data: await getResponse(t, core), errors: [] };
				case 'imageUpload':
				case 'mediaStorage':
					return { data: await upload(t, core, t.taskType === 'mediaStorage'), errors: [] };
				case undefined:
					throw new TaskError('missingTaskType', 'Each task needs a taskType', 'taskType');
				default:
					throw new TaskError('invalidTaskType', `Unsupported taskType ${show(t.taskType)}`, 'taskType');
			}
		} catch (e) {
			if (!(e instanceof TaskError)) throw e;
			const err = { code: e.code, message: e.message, parameter: e.parameter, taskType: t.taskType, taskUUID: t.taskUUID };
			return { data: [], errors: [{ ...err, status: e.status }] };
		}
	}

	async function handle(req: RecordedRequest, core: Core): Promise<Reply> {
		const tasks = req.json;
		if (!Array.isArray(tasks) || tasks.length === 0)
			throw new ApiError(400, 'The request body must be a non-empty JSON array of task objects', { code: 'invalidRequestBody' });
		const results = await Promise.all(tasks.map((t) => runTask(t, core)));
		const data = results.flatMap((r) => r.data);
		const errors = results.flatMap((r) => r.errors);
		if (!errors.length) return { status: 200, json: { data } };
		const useful = data.some((d) => d.taskType !== 'authentication');
		const list = errors.map(({ status: _status, ...e }) => e);
		return { status: useful ? 200 : errors[0].status, json: useful ? { data, errors: list } : { errors: list } };
	}

	return {
		provider: 'runware',
		maskConvention: 'white',
		downloadPrefix: '/image/',
		resultPath: (id, ext) => `/image/${id}.${ext}`,
		classify(req) {
			if (req.method !== 'POST' || (req.path !== '/v1' && req.path !== '/v1/')) return undefined;
			const types = (Array.isArray(req.json) ? req.json : [])
				.map((t: unknown) => (isObject(t) ? t.taskType : undefined))
				.filter((t) => t !== 'authentication');
			return types.length && types.every((t) => t === 'getResponse') ? 'getResponse' : 'submit';
		},
		checkAuth(req, apiKey) {
			const header = req.headers.authorization;
			const first: unknown = Array.isArray(req.json) ? req.json[0] : undefined;
			const task = isObject(first) && first.taskType === 'authentication' ? first : undefined;
			if (header !== undefined ? header === `Bearer ${apiKey}` : task?.apiKey === apiKey) return;
			if (header === undefined && !task)
				throw new ApiError(401, 'Missing API key. Send it as a Bearer token or in an authentication task.', {
					code: 'missingApiKey',
					parameter: 'apiKey',
				});
			throw new ApiError(401, 'Invalid API key. Get one at https://my.runware.ai/signup', {
				code: 'invalidApiKey',
				parameter: 'apiKey',
				taskType: 'authentication',
			});
		},
		handle,
		error: (status, message, extra = {}) => ({
			status,
			json: {
				errors: [
					{
						code: extra.code ?? HTTP_CODES[status] ?? 'unknownError',
						message,
						parameter: extra.parameter,
						taskType: extra.taskType,
						taskUUID: extra.taskUUID,
						documentation: 'https://runware.ai/docs/platform/errors',
					},
				],
			},
		}),
		http200Error: () => ({
			status: 200,
			json: { errors: [{ code: 'internalServerError', message: 'An unexpected error occurred, please retry' }] },
		}),
		expired: () => ({ status: 404, raw: 'Not Found: this image has expired (its ttl has elapsed)' }),
		onComplete(job) {
			for (const img of job.images) refs.set(img.id, img.path);
			const { webhookURL, uploadEndpoint } = job.meta;
			if (!webhookURL && !uploadEndpoint) return;
			job.images.forEach(async (img, i) => {
				try {
					if (uploadEndpoint)
						await fetch(uploadEndpoint, { method: 'PUT', body: await img.bytes(), headers: { 'content-type': img.mime } });
					if (webhookURL)
						await fetch(webhookURL, {
							method: 'POST',
							headers: { 'content-type': 'application/json' },
							body: JSON.stringify(await item(job, i)),
						});
				} catch {
					// best effort, like the real service after its retries
				}
			});
		},
		reset: () => refs.clear(),
	};
}
