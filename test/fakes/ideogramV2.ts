/**
 * Fake official Ideogram API, current version (v2; docs/providers/ideogram.md): multipart POST
 * /v2/image/{inpaint|reframe|replace-background}/ideogram-3 (and /inpaint/ideogram-3-character),
 * and Precise Edit at /v2/image/precise-edit/ideogram-4-5 and …/ideogram-4-6,
 * header `Api-Key`, answered synchronously or, with `async=true` (Replace Background always), with a
 * `generation_id` polled at GET /v2/generations/{id}. `?dry_run=true` prices the request and
 * creates nothing. Written from Ideogram's v2 pages; shares nothing with the adapter.
 */
import http from 'node:http';
import {
	ApiError,
	FakeCore,
	Job,
	Operation,
	ProviderSpec,
	RecordedRequest,
	Reply,
	analyzeMask,
	imageSize,
	randomSeed,
	sniffFormat,
} from './common';
import { readMultipart, readPalette } from './ideogram';
import { HEX8, RESOLUTIONS_WXH, STYLE_PRESETS, parseWxH } from './tables';

const MB = 1024 * 1024;

/** v2 enums are lower case (v1: upper case). */
const V2 = {
	renderingSpeed: ['turbo', 'default', 'quality'],
	magicPrompt: ['auto', 'on', 'off'],
	styleType: ['auto', 'general', 'realistic', 'design', 'custom', 'fiction', 'stylized'],
	characterStyleType: ['auto', 'realistic', 'fiction'],
	stylePresets: STYLE_PRESETS.map((p) => p.toLowerCase()),
	palettes: ['ember', 'fresh', 'jungle', 'magic', 'melon', 'mosaic', 'pastel', 'ultramarine'],
	boolean: ['true', 'false'],
	quality: ['very_low', 'low', 'medium', 'high'],
} as const;

type Route = 'inpaint' | 'inpaintCharacter' | 'reframe' | 'replaceBackground' | 'preciseEdit45' | 'preciseEdit46';

interface RouteSpec {
	operation: Operation;
	required: string[];
	text: string[];
	files: string[];
	/** Replace Background has no `async` field: it always answers with a generation id. */
	alwaysAsync?: boolean;
	billing: string;
	/** Largest file per image (Precise Edit: 50 MB; the others: the fake's option). */
	maxFileBytes?: number;
}

const INPAINT_TEXT = ['prompt', 'magic_prompt', 'num_images', 'seed', 'rendering_speed', 'style_codes', 'async', 'private', 'enable_copyright_detection', 'webhook_url'];

/** Multipart parts per route, from each v2 page. Anything else is refused. */
const ROUTES: Record<string, Route> = {
	'/v2/image/inpaint/ideogram-3': 'inpaint',
	'/v2/image/inpaint/ideogram-3-character': 'inpaintCharacter',
	'/v2/image/reframe/ideogram-3': 'reframe',
	'/v2/image/replace-background/ideogram-3': 'replaceBackground',
	'/v2/image/precise-edit/ideogram-4-5': 'preciseEdit45',
	'/v2/image/precise-edit/ideogram-4-6': 'preciseEdit46',
};
/** Precise Edit's page: an optional mask and reference images, a quality tier and a context window; no rendering speed or style fields. */
const PRECISE_EDIT: Omit<RouteSpec, 'billing'> = {
	operation: 'edit',
	required: ['image', 'prompt'],
	text: ['prompt', 'quality', 'context_window', 'seed', 'num_images', 'magic_prompt', 'async', 'webhook_url'],
	files: ['image', 'mask', 'reference_images'],
	maxFileBytes: 50 * MB,
};
const isPreciseEdit = (route: Route) => route === 'preciseEdit45' || route === 'preciseEdit46';
const SPECS: Record<Route, RouteSpec> = {
	inpaint: {
		operation: 'edit',
		required: ['prompt', 'image', 'mask'],
		text: [...INPAINT_TEXT, 'style_type', 'style_preset'],
		files: ['image', 'mask', 'style_reference_images'],
		billing: 'ideogram_v3_inpaint',
	},
	inpaintCharacter: {
		operation: 'edit',
		required: ['prompt', 'image', 'mask', 'character_reference_images'],
		text: [...INPAINT_TEXT, 'style_type'],
		files: ['image', 'mask', 'style_reference_images', 'character_reference_images', 'character_reference_mask'],
		billing: 'ideogram_v3_inpaint_character',
	},
	reframe: {
		operation: 'reframe',
		required: ['image', 'resolution'],
		text: ['resolution', 'num_images', 'seed', 'rendering_speed', 'color_palette', 'style_preset', 'style_codes', 'async'],
		files: ['image', 'style_reference_images'],
		billing: 'ideogram_v3_reframe',
	},
	replaceBackground: {
		operation: 'replaceBackground',
		required: ['prompt', 'image'],
		text: ['prompt', 'num_images', 'rendering_speed', 'private', 'webhook_url'],
		files: ['image'],
		alwaysAsync: true,
		billing: 'ideogram_v3_replace_background',
	},
	preciseEdit45: { ...PRECISE_EDIT, billing: 'ideogram_4_5_precise_edit' },
	preciseEdit46: { ...PRECISE_EDIT, billing: 'ideogram_4_6_precise_edit' },
};
const GENERATION_PATH = /^\/v2\/generations\/([^/]+)$/;

/** The fake's own price list, USD micros per image. */
const PRICE_MICROS: Record<string, number> = { turbo: 30_000, default: 60_000, quality: 90_000 };
/** Precise Edit per quality tier: 4.5 as Ideogram's pricing page lists it; 4.6 the fake's own, doubled above 4 MP. */
const PRECISE_PRICE_MICROS: Record<'preciseEdit45' | 'preciseEdit46', Record<string, number>> = {
	preciseEdit45: { very_low: 8_000, low: 30_000, medium: 60_000, high: 220_000 },
	preciseEdit46: { very_low: 10_000, low: 40_000, medium: 80_000, high: 300_000 },
};
/** The context window's box: 256 px a side at least, 1:6 to 6:1, 4,194,304 px at most. */
const BOX = { minSide: 256, maxPixels: 4_194_304, maxAspect: 6 };
/** Precise Edit takes images up to 8K a side. */
const PRECISE_MAX_SIDE = 8192;
/** Poll limit per organisation: 1,000 requests per 10 s. */
const POLL_WINDOW_MS = 10_000;
const POLL_LIMIT = 1_000;

export interface IdeogramV2Meta {
	seeds: number[];
	prompt: string;
	costMicros: number;
}

const bad = (message: string): never => {
	throw new ApiError(400, message);
};

function readForm(req: RecordedRequest, route: Route, maxImageBytes: number) {
	const spec = SPECS[route];
	const { form, text, integer, oneOf } = readMultipart(req, spec, ['image', 'mask', 'character_reference_mask']);
	const prompt = text('prompt');
	if (prompt !== undefined) {
		const max = route === 'replaceBackground' ? 4000 : 10000;
		if (!/\S/.test(prompt)) bad(`'${prompt}' does not match '\\S' - 'prompt'`);
		if (prompt.length > max) bad(`'prompt' is longer than ${max} characters`);
	}
	const webhook = text('webhook_url');
	if (webhook !== undefined) {
		// Public HTTPS only: loopback and private hosts are refused.
		let host = '';
		try {
			const u = new URL(webhook);
			if (u.protocol !== 'https:') bad(`webhook_url must be https - 'webhook_url'`);
			host = u.hostname;
		} catch {
			bad(`'${webhook}' is not a 'uri' - 'webhook_url'`);
		}
		if (/^(localhost|127\.|10\.|192\.168\.|169\.254\.|\[?::1\]?$)/.test(host)) bad(`webhook_url host ${host} is not allowed - 'webhook_url'`);
	}
	const params: Record<string, unknown> = {
		prompt,
		magic_prompt: oneOf('magic_prompt', V2.magicPrompt),
		num_images: integer('num_images', 1, 8),
		seed: integer('seed', 0, 2147483647),
		rendering_speed: oneOf('rendering_speed', V2.renderingSpeed),
		style_type: oneOf('style_type', route === 'inpaintCharacter' ? V2.characterStyleType : V2.styleType),
		style_preset: oneOf('style_preset', V2.stylePresets),
		resolution: oneOf('resolution', RESOLUTIONS_WXH),
		async: oneOf('async', V2.boolean),
		private: oneOf('private', V2.boolean),
		enable_copyright_detection: oneOf('enable_copyright_detection', V2.boolean),
		webhook_url: webhook,
		quality: oneOf('quality', V2.quality),
		context_window: text('context_window'),
	};
	if (form.fields.style_codes) {
		const codes = form.fields.style_codes;
		for (const c of codes) if (!HEX8.test(c)) bad(`'${c}' does not match '^[0-9a-fA-F]{8}$' - 'style_codes'`);
		params.style_codes = codes;
	}
	const palette = readPalette(form, V2.palettes);
	if (palette !== undefined) params.color_palette = palette;

	const styleRefs = form.files.style_reference_images?.length ?? 0;
	if (styleRefs > 10) bad('style_reference_images accepts at most 10 images');
	const styleControls = [params.style_preset !== undefined, params.style_codes !== undefined, styleRefs > 0].filter(Boolean).length;
	if (route === 'reframe' && styleControls > 1) bad('Supply only one of style_preset, style_codes, or style_reference_images');
	if (route === 'inpaint' && params.style_preset !== undefined && styleControls > 1)
		bad('style_preset cannot be combined with style codes or style references');
	if (route === 'inpaintCharacter') {
		if (params.style_codes !== undefined && styleRefs > 0) bad('style_codes cannot be combined with style_reference_images');
		if ((params.style_codes !== undefined || styleRefs > 0) && (params.style_type ?? 'auto') !== 'auto')
			bad("style codes or style references require style_type 'auto'");
		if ((form.files.character_reference_images?.length ?? 0) > 1) bad('character_reference_images accepts 1 image');
	}

	const references = form.files.reference_images?.length ?? 0;
	const maxReferences = form.files.mask ? 3 : 4;
	if (references > maxReferences) bad(`reference_images accepts at most ${maxReferences} images${form.files.mask ? ' together with a mask' : ''}`);
	const maxBytes = spec.maxFileBytes ?? maxImageBytes;
	for (const [name, files] of Object.entries(form.files))
		for (const f of files) {
			if (f.data.length > maxBytes)
				throw new ApiError(413, `'${name}' is too large: ${f.data.length} bytes, the maximum is ${maxBytes} bytes`);
			if (!sniffFormat(f.data)) bad(`'${name}' has an unsupported format; only JPEG, PNG and WEBP images are supported`);
		}
	for (const name of ['style_reference_images', 'character_reference_images', 'character_reference_mask', 'reference_images'])
		if (form.files[name]) params[name] = form.files[name].map((f) => `<${f.filename ?? 'file'}: ${f.data.length} bytes>`);
	return {
		params: Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)),
		image: form.files.image[0].data,
		mask: form.files.mask?.[0]?.data,
	};
}

/** `y_min,x_min,y_max,x_max` inside the image, or `auto` with a mask; anything else is refused. */
function checkContextWindow(value: string, image: { width: number; height: number }, hasMask: boolean): void {
	if (value === 'auto') {
		if (!hasMask) bad("context_window 'auto' requires a mask - 'context_window'");
		return;
	}
	const parts = value.split(',').map((v) => v.trim());
	if (parts.length !== 4 || !parts.every((v) => /^\d+$/.test(v))) bad(`'${value}' is not 'auto' or 'y_min,x_min,y_max,x_max' - 'context_window'`);
	const [yMin, xMin, yMax, xMax] = parts.map(Number);
	const [h, w] = [yMax - yMin, xMax - xMin];
	if (h <= 0 || w <= 0) bad(`context_window needs y_max > y_min and x_max > x_min - 'context_window'`);
	if (yMax > image.height || xMax > image.width) bad(`context_window ${value} lies outside the ${image.width}x${image.height} image - 'context_window'`);
	if (Math.min(w, h) < BOX.minSide) bad(`context_window must be at least ${BOX.minSide} pixels on each side - 'context_window'`);
	if (w * h > BOX.maxPixels) bad(`context_window must be at most ${BOX.maxPixels} pixels - 'context_window'`);
	if (Math.max(w, h) / Math.min(w, h) > BOX.maxAspect) bad(`context_window aspect ratio must be between 1:6 and 6:1 - 'context_window'`);
}

/** What one image costs on the route, in USD micros. */
function priceMicros(route: Route, params: Record<string, unknown>, out: { width: number; height: number }): number {
	if (route === 'preciseEdit45' || route === 'preciseEdit46') {
		const tier = PRECISE_PRICE_MICROS[route][(params.quality as string | undefined) ?? 'medium'];
		return route === 'preciseEdit46' && out.width * out.height > 4_194_304 ? tier * 2 : tier;
	}
	return PRICE_MICROS[(params.rendering_speed as string | undefined) ?? 'default'] ?? PRICE_MICROS.default;
}

function quote(spec: RouteSpec, n: number, perImageMicros: number): Reply {
	const usdMicros = perImageMicros * n;
	return {
		status: 200,
		json: {
			object: 'price_quote',
			billing_identifier: spec.billing,
			quantity: n,
			usd_micros: usdMicros,
			credit_millis: usdMicros / 20,
			qualifier: 'exact',
		},
	};
}

function imageData(job: Job<IdeogramV2Meta>) {
	return job.outputs.map((o, i) => ({
		object_type: 'image.generation',
		url: job.unsafe ? null : job.images[i].url,
		prompt: job.meta.prompt,
		resolution: `${o.width}x${o.height}`,
		seed: job.meta.seeds[i],
		is_image_safe: !job.unsafe,
	}));
}

async function submit(req: RecordedRequest, core: FakeCore<IdeogramV2Meta>): Promise<Reply> {
	const route = ROUTES[req.path];
	const spec = SPECS[route];
	const dryRun = req.query.dry_run;
	if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') bad(`'${dryRun}' is not of type 'boolean' - 'dry_run'`);
	const { params, image, mask } = readForm(req, route, core.options.maxImageBytes);
	const size = await imageSize(image).catch((e: Error) => bad(`image: ${e.message}`));
	if (route === 'replaceBackground' && Math.max(size.width, size.height) > 3 * Math.min(size.width, size.height))
		bad('The longer side of the image must be at most 3 times the shorter side');
	const edit = mask
		? await analyzeMask(size, mask, core.options.maskConvention).catch((e: Error) => bad(`Invalid mask: ${e.message}`))
		: undefined;
	if (isPreciseEdit(route)) {
		if (Math.max(size.width, size.height) > PRECISE_MAX_SIDE) bad(`The image must be at most ${PRECISE_MAX_SIDE} pixels on each side`);
		if (params.context_window !== undefined) checkContextWindow(params.context_window as string, size, mask !== undefined);
	}
	const n = (params.num_images as number | undefined) ?? 1;
	const out = spec.operation === 'reframe' ? parseWxH(params.resolution as string)! : size;
	const perImage = priceMicros(route, params, out);
	// Validated and priced, nothing run, stored or billed.
	if (dryRun === 'true') return quote(spec, n, perImage);
	if (core.inflightImages() + n > core.options.maxInflightImages)
		throw new ApiError(429, 'Too many images in flight for your organisation, please retry later', {
			reject_reason: 'inflight_limit',
			max_inflight_requests: core.options.maxInflightImages,
			task_completion_speed: 'fast',
		});
	const seed = (params.seed as number | undefined) ?? randomSeed();
	const prompt = (params.prompt as string | undefined) ?? '';
	const job = core.createJob({
		operation: spec.operation,
		params: { route: req.path, ...params },
		outputs: Array.from({ length: n }, () => ({ width: out.width, height: out.height, format: 'png' as const, source: image, mask: mask && { bytes: mask, editColor: core.options.maskConvention } })),
		image: size,
		edit,
		meta: {
			seeds: Array.from({ length: n }, (_, i) => (seed + i) % 2147483648),
			prompt: (params.magic_prompt ?? 'auto') === 'on' ? `Enhanced: ${prompt}` : prompt,
			costMicros: perImage * n,
		},
	});
	const ack: Record<string, unknown> = { generation_id: job.id };
	if (route !== 'replaceBackground') ack.seed = seed;
	if (spec.operation === 'edit') Object.assign(ack, { width: out.width, height: out.height });
	if (spec.alwaysAsync || params.async === 'true') return { status: 200, json: ack };
	await job.done;
	if (job.status === 'failed') throw new ApiError(500, 'Image generation failed, please try again');
	if (job.status !== 'completed') throw new ApiError(503, 'The request was cancelled before it completed');
	return { status: 200, json: { ...ack, data: imageData(job).map(({ object_type: _, ...item }) => item) } };
}

function generation(job: Job<IdeogramV2Meta>): Record<string, unknown> {
	const base = { generation_id: job.id, created: new Date(job.createdAt).toISOString() };
	if (job.status === 'queued' || job.status === 'running') return { ...base, status: 'pending' };
	if (job.status === 'completed')
		return { ...base, status: 'completed', response_type: 'url', data: imageData(job), usage_cost_usd_micros: job.meta.costMicros };
	return { ...base, status: 'failed', failure_reason: job.unsafe ? 'content_policy_violation' : 'generation_error' };
}

/** Headers an older route sends once Ideogram deprecates it (docs: "Deprecations"). */
const DEPRECATION_HEADERS = {
	deprecation: '@1777420800',
	link: '<https://api.ideogram.ai/v2/image/inpaint/ideogram-3>; rel="successor-version"',
};

export function ideogramV2Spec(): ProviderSpec<IdeogramV2Meta> {
	let polls: number[] = [];
	const withNotice = (reply: Reply, core: FakeCore<IdeogramV2Meta>): Reply => {
		if (!core.options.deprecationNotice || reply.status >= 300 || typeof reply.json !== 'object') return reply;
		return {
			...reply,
			headers: { ...reply.headers, ...DEPRECATION_HEADERS },
			json: { ...(reply.json as object), notice: 'This endpoint is deprecated; use POST /v2/image/inpaint/ideogram-3.' },
		};
	};
	return {
		provider: 'ideogram',
		maskConvention: 'black',
		defaults: { maxImageBytes: 25 * MB },
		downloadPrefix: '/api/images/ephemeral/',
		resultPath: (id, ext) => `/api/images/ephemeral/${id}.${ext}`,
		signedUrls: true,
		withholdUnsafe: true,
		classify: (req) => {
			if (req.method === 'POST' && Object.hasOwn(ROUTES, req.path)) return 'submit';
			if (req.method === 'GET' && GENERATION_PATH.test(req.path)) return 'status';
			return undefined;
		},
		checkAuth(req, apiKey) {
			const key = req.headers['api-key'];
			if (key !== apiKey) throw new ApiError(401, key ? 'Invalid API key' : 'Missing Api-Key header');
		},
		async handle(req, core) {
			if (req.kind === 'submit') return withNotice(await submit(req, core), core);
			const now = Date.now();
			polls = polls.filter((t) => t > now - POLL_WINDOW_MS);
			if (polls.length >= POLL_LIMIT) {
				const wait = Math.max(1, Math.ceil((polls[0] + POLL_WINDOW_MS - now) / 1000));
				return { status: 429, json: { error: 'Too many polling requests' }, headers: { 'retry-after': String(wait) } };
			}
			polls.push(now);
			const id = decodeURIComponent(GENERATION_PATH.exec(req.path)![1]);
			const job = core.job(id);
			if (!job) throw new ApiError(404, `Generation ${id} not found`);
			return withNotice({ status: 200, json: generation(job) }, core);
		},
		error(status, message, extra = {}) {
			if (status === 402) return { status, json: { error: message, reject_reason: 'insufficient_funds', ...extra } };
			if (status === 429) return { status, json: { error: message, reject_reason: 'inflight_limit', ...extra } };
			if (status === 422) return { status, json: { error: message } };
			return { status, json: { type: 'about:blank', title: http.STATUS_CODES[status], status, detail: message } };
		},
		http200Error: () => ({ status: 200, json: { error: 'Internal error', status_code: 500 } }),
		expired: () => ({
			status: 403,
			raw: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>',
			headers: { 'content-type': 'application/xml' },
		}),
		reset: () => {
			polls = [];
		},
	};
}
