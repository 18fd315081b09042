/**
 * Fake RunComfy Model API (docs/providers/runcomfy.md): JSON submit to /v1/models/ideogram/ideogram-v3/*,
 * then /v1/requests/{id}/status|result|cancel. Validates like the seed schemas' JSON-schema
 * validator (422 with every violation); images are URLs (fetched) or data URIs.
 */
import {
	ApiError,
	FakeCore,
	Job,
	JobStatus,
	Operation,
	ProviderSpec,
	RecordedRequest,
	Reply,
	analyzeMask,
	imageSize,
	isObject,
	loadImageRef,
	paletteProblem,
	show,
} from './common';
import { HEX8, RUNCOMFY, RUNCOMFY_RESOLUTION_LABELS, STYLE_PRESETS, parseRunComfyLabel } from './tables';

const MODELS: Record<string, Operation> = {
	'ideogram/ideogram-v3/edit': 'edit',
	'ideogram/ideogram-v3/reframe': 'reframe',
	'ideogram/ideogram-v3/replace-background': 'replaceBackground',
};
const SUBMIT_PATH = /^\/v1\/models\/(.+)$/;
const REQUEST_PATH = /^\/v1\/requests\/([^/]+)\/(status|result|cancel)$/;
const WIRE_STATUS: Record<JobStatus, string> = {
	queued: 'in_queue',
	running: 'in_progress',
	completed: 'completed',
	failed: 'failed',
	cancelled: 'cancelled',
};

// ── a small JSON-schema-like validator, messages in the jsonschema library's style ──

type Check = (v: unknown) => string | undefined;
const str: Check = (v) => (typeof v === 'string' ? undefined : `${show(v)} is not of type 'string'`);
const int =
	(min: number, max: number): Check =>
	(v) =>
		!Number.isInteger(v)
			? `${show(v)} is not of type 'integer'`
			: (v as number) < min
				? `${v} is less than the minimum of ${min}`
				: (v as number) > max
					? `${v} is greater than the maximum of ${max}`
					: undefined;
const oneOf =
	(values: readonly string[]): Check =>
	(v) =>
		values.includes(v as string) ? undefined : `${show(v)} is not one of ${show(values)}`;

/** `style`: title-case style_type, optional style_preset / style_codes (docs/providers/runcomfy.md). */
const style: Check = (v) => {
	if (!isObject(v)) return `${show(v)} is not of type 'object'`;
	const extra = Object.keys(v).filter((k) => !['style_type', 'style_preset', 'style_codes'].includes(k));
	if (extra.length) return `Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} unexpected) in style`;
	if (v.style_type !== undefined && !RUNCOMFY.styleType.includes(v.style_type as never))
		return `${show(v.style_type)} is not one of ${show(RUNCOMFY.styleType)}`;
	if (v.style_preset !== undefined && !STYLE_PRESETS.includes(v.style_preset as string))
		return `${show(v.style_preset)} is not a valid style_preset`;
	if (v.style_codes !== undefined) {
		const codes = v.style_codes;
		if (!Array.isArray(codes) || !codes.length || codes.some((c) => typeof c !== 'string' || !HEX8.test(c)))
			return `style_codes must be a non-empty array of 8-character hex strings, got ${show(codes)}`;
		if (v.style_type !== undefined) return 'style_codes cannot be used together with style_type';
	}
	return undefined;
};

interface Schema {
	required: string[];
	properties: Record<string, Check>;
	defaults: Record<string, unknown>;
}
const COMMON = {
	seed: int(0, 2147483647),
	rendering_speed: oneOf(RUNCOMFY.renderingSpeed),
	color_palette: (v: unknown) => paletteProblem(v, RUNCOMFY.palettes),
	style,
};
const D = RUNCOMFY.defaults;
const SCHEMAS: Record<Operation, Schema> = {
	edit: {
		required: ['image', 'mask', 'prompt'],
		properties: { image: str, mask: str, prompt: str, magic_prompt: oneOf(RUNCOMFY.magicPrompt), ...COMMON },
		defaults: {
			seed: D.editSeed,
			rendering_speed: D.renderingSpeed,
			magic_prompt: D.magicPrompt,
			color_palette: D.colorPalette,
			style: D.style,
		},
	},
	reframe: {
		required: ['image', 'resolution'],
		properties: { image: str, resolution: oneOf(RUNCOMFY_RESOLUTION_LABELS), ...COMMON },
		defaults: { rendering_speed: D.renderingSpeed },
	},
	replaceBackground: {
		required: ['image', 'prompt'],
		properties: { image: str, prompt: str, magic_prompt: oneOf(RUNCOMFY.magicPrompt), ...COMMON },
		defaults: {
			seed: D.replaceBackgroundSeed,
			rendering_speed: D.renderingSpeed,
			magic_prompt: D.magicPrompt,
			color_palette: D.colorPalette,
			style: D.style,
		},
	},
};

function validate(schema: Schema, body: Record<string, unknown>): Array<{ loc: string[]; msg: string }> {
	const errors: Array<{ loc: string[]; msg: string }> = [];
	for (const k of schema.required) if (!(k in body)) errors.push({ loc: [k], msg: `'${k}' is a required property` });
	for (const [k, v] of Object.entries(body)) {
		const check = schema.properties[k];
		const msg = check ? check(v) : `Additional properties are not allowed ('${k}' was unexpected)`;
		if (msg) errors.push({ loc: [k], msg });
	}
	return errors;
}

async function loadInput(field: string, value: string, core: FakeCore<null>): Promise<Buffer> {
	try {
		return await loadImageRef(value, { url: true, dataUri: core.options.acceptDataUris });
	} catch (e) {
		throw new ApiError(400, `Invalid ${field}: ${(e as Error).message}`, { detail: { field } });
	}
}

async function submit(req: RecordedRequest, core: FakeCore<null>): Promise<Reply> {
	const modelId = SUBMIT_PATH.exec(req.path)![1];
	const operation = Object.hasOwn(MODELS, modelId) ? MODELS[modelId] : undefined;
	if (!operation) throw new ApiError(404, `Model not found: ${modelId}`);
	const body = req.json;
	if (!isObject(body))
		throw new ApiError(422, 'Input validation failed: the request body must be a JSON object', {
			detail: [{ loc: [], msg: `${show(body)} is not of type 'object'` }],
		});
	const schema = SCHEMAS[operation];
	const errors = validate(schema, body);
	if (errors.length)
		throw new ApiError(422, `Input validation failed: ${errors.map((e) => `${e.loc.join('.')}: ${e.msg}`).join('; ')}`, {
			detail: errors,
		});

	const image = await loadInput('image', body.image as string, core);
	const size = await imageSize(image).catch((e: Error) => {
		throw new ApiError(400, `Invalid image: ${e.message}`, { detail: { field: 'image' } });
	});
	const mask = operation === 'edit' ? await loadInput('mask', body.mask as string, core) : undefined;
	const edit =
		mask
			? await analyzeMask(size, mask, core.options.maskConvention).catch(
					(e: Error) => {
						throw new ApiError(400, `Invalid mask: ${e.message}. The mask must be partial, full or missing masks are invalid.`, {
							detail: { field: 'mask' },
						});
					},
				)
			: undefined;
	const out = operation === 'reframe' ? parseRunComfyLabel(body.resolution as string)! : size;
	const defaulted = Object.keys(schema.defaults).filter((k) => !(k in body));
	const job = core.createJob({
		operation,
		params: { ...schema.defaults, ...body },
		defaulted,
		outputs: [{ width: out.width, height: out.height, format: 'png', source: image, mask: mask && { bytes: mask, editColor: core.options.maskConvention } }],
		image: size,
		edit,
		meta: null,
	});
	if (job.unsafe) job.failed = true; // RunComfy has no "withheld image" form: a safety hit fails the job
	return { status: 200, json: { request_id: job.id, ...links(job, core) } };
}

function links(job: Job<null>, core: FakeCore<null>) {
	const base = `${core.url}/v1/requests/${job.id}`;
	return { status_url: `${base}/status`, result_url: `${base}/result`, cancel_url: `${base}/cancel` };
}

function state(job: Job<null>, core: FakeCore<null>): Record<string, unknown> {
	const status = WIRE_STATUS[job.status];
	const body: Record<string, unknown> = { request_id: job.id, status };
	if (job.status === 'queued')
		body.queue_position = core.allJobs().filter((j) => j.status === 'queued' && j.createdAt <= job.createdAt).length;
	return body;
}

function result(job: Job<null>, core: FakeCore<null>): Record<string, unknown> {
	if (job.status === 'queued' || job.status === 'running') return state(job, core);
	const times = {
		created_at: new Date(job.createdAt).toISOString(),
		finished_at: new Date(job.completedAt ?? Date.now()).toISOString(),
	};
	const base = { request_id: job.id, status: WIRE_STATUS[job.status] };
	if (job.status === 'completed') {
		const urls = job.images.map((i) => i.url);
		return { ...base, output: core.options.outputKey === 'images' ? { images: urls } : { image: urls[0] }, ...times };
	}
	if (job.status === 'failed')
		return {
			...base,
			error: job.unsafe
				? { error_code: 422, error_message: 'Prompt or input image failed the safety check' }
				: { error_code: 500, error_message: 'Inference failed: the model could not generate the image' },
			...times,
		};
	return { ...base, ...times };
}

export function runComfySpec(): ProviderSpec<null> {
	return {
		provider: 'runComfy',
		maskConvention: 'white',
		downloadPrefix: '/storage/',
		resultPath: (id, ext) => `/storage/${id}/out.${ext}`,
		classify(req) {
			if (req.method === 'POST' && SUBMIT_PATH.test(req.path)) return 'submit';
			const m = REQUEST_PATH.exec(req.path);
			if (!m) return undefined;
			if (m[2] === 'cancel') return req.method === 'POST' ? 'cancel' : undefined;
			return req.method === 'GET' ? (m[2] as 'status' | 'result') : undefined;
		},
		checkAuth(req, apiKey) {
			if (req.headers.authorization !== `Bearer ${apiKey}`)
				throw new ApiError(401, 'Unauthorized: invalid or missing API token');
		},
		async handle(req, core) {
			if (req.kind === 'submit') return submit(req, core);
			const id = REQUEST_PATH.exec(req.path)![1];
			const job = core.job(id);
			if (!job) throw new ApiError(404, `Request not found: ${id}`);
			if (req.kind === 'status') return { status: 200, json: { ...state(job, core), ...links(job, core) } };
			if (req.kind === 'result') return { status: 200, json: result(job, core) };
			const cancelled = core.cancel(job) || job.status === 'cancelled';
			return {
				status: 200,
				json: { request_id: job.id, status: WIRE_STATUS[job.status], outcome: cancelled ? 'cancelled' : 'not_cancellable' },
			};
		},
		error: (status, message, extra = {}) => ({
			status,
			json: { error_code: status, error_message: message, detail: extra.detail ?? null },
		}),
		http200Error: () => ({
			status: 200,
			json: { error_code: 500, error_message: 'Internal server error, please retry later', detail: null },
		}),
		expired: () => ({
			status: 403,
			raw: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
			headers: { 'content-type': 'application/xml' },
		}),
	};
}
