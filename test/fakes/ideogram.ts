/**
 * The Ideogram v1 wire form (synchronous multipart POST …/ideogram-v3/{edit|inpaint|reframe|
 * replace-background}), which CometAPI copies: cometApi.ts serves it with its prefix, auth and
 * error envelope. The official Ideogram fake speaks v2 (ideogramV2.ts).
 */
import {
	ApiError,
	FakeCore,
	Multipart,
	Operation,
	ProviderName,
	ProviderSpec,
	RecordedRequest,
	Reply,
	analyzeMask,
	imageSize,
	paletteProblem,
	randomSeed,
	show,
	sniffFormat,
} from './common';
import { HEX8, IDEOGRAM, RESOLUTIONS_WXH, STYLE_PRESETS, parseWxH } from './tables';

const OPERATIONS: Record<string, Operation> = {
	edit: 'edit',
	inpaint: 'edit',
	reframe: 'reframe',
	'replace-background': 'replaceBackground',
};
const COMMON_TEXT = ['num_images', 'seed', 'rendering_speed', 'style_preset', 'color_palette', 'style_codes'];
/** Multipart parts per operation (docs/providers/ideogram.md): text fields, file fields, required ones. */
const FIELDS: Record<Operation, { required: string[]; text: string[]; files: string[] }> = {
	edit: {
		required: ['image', 'mask', 'prompt'],
		text: ['prompt', 'magic_prompt', 'style_type', 'custom_model_uri', ...COMMON_TEXT],
		files: ['image', 'mask', 'style_reference_images', 'character_reference_images', 'character_reference_images_mask'],
	},
	reframe: { required: ['image', 'resolution'], text: ['resolution', ...COMMON_TEXT], files: ['image', 'style_reference_images'] },
	replaceBackground: {
		required: ['image', 'prompt'],
		text: ['prompt', 'magic_prompt', ...COMMON_TEXT],
		files: ['image', 'style_reference_images'],
	},
};

export interface IdeogramMeta {
	seeds: number[];
	prompt: string;
	styleType?: string;
}

/** What differs between the official API and CometAPI's copy of it. */
export interface IdeogramFlavour {
	provider: Extract<ProviderName, 'ideogram' | 'cometApi'>;
	/** e.g. `/v1/ideogram-v3/` */
	prefix: string;
	checkAuth(req: RecordedRequest, apiKey: string): void;
	error(status: number, message: string, extra: Record<string, unknown>): Reply;
	created(date: Date): string;
	http200Error(): Reply;
	/** The relay's task envelope for an accepted job (FakeOptions.taskEnvelope); absent: the flavour has none. */
	taskEnvelope?(taskId: string): Reply;
}

const bad = (message: string): never => {
	throw new ApiError(400, message);
};

/**
 * Checks a multipart body the way Ideogram's API does (Connexion-style messages): content type,
 * every part declared and of its kind, one value per field except style codes, one file for each
 * of `singleFiles`, the required parts present. Returns the form and typed readers of its fields.
 */
export function readMultipart(req: RecordedRequest, spec: { text: readonly string[]; files: readonly string[]; required: readonly string[] }, singleFiles: readonly string[]) {
	const contentType = req.headers['content-type'] ?? '';
	if (!/^multipart\/form-data/i.test(contentType))
		throw new ApiError(415, `Invalid Content-type (${contentType || 'none'}), expected ['multipart/form-data']`);
	const form = req.multipart ?? bad('The multipart/form-data body could not be parsed');
	for (const name of Object.keys(form.fields))
		if (!spec.text.includes(name))
			bad(spec.files.includes(name) ? `'${name}' must be a file part` : `Extra formData parameter(s) ${name} not in spec`);
	for (const name of Object.keys(form.files))
		if (!spec.files.includes(name))
			bad(spec.text.includes(name) ? `'${name}' must be a text field, not a file` : `Extra formData parameter(s) ${name} not in spec`);
	for (const [name, values] of Object.entries(form.fields))
		if (name !== 'style_codes' && values.length > 1) bad(`Multiple values given for formData parameter '${name}'`);
	for (const name of singleFiles)
		if ((form.files[name]?.length ?? 0) > 1) bad(`Multiple files given for formData parameter '${name}'`);
	for (const name of spec.required)
		if (!form.fields[name]?.[0] && !form.files[name]?.length) bad(`Missing formdata parameter '${name}'`);

	const text = (name: string) => form.fields[name]?.[0];
	const integer = (name: string, min: number, max: number) => {
		const v = text(name);
		if (v === undefined) return undefined;
		if (!/^-?\d+$/.test(v.trim())) bad(`'${v}' is not of type 'integer' - '${name}'`);
		const n = Number(v);
		if (n < min) bad(`${n} is less than the minimum of ${min} - '${name}'`);
		if (n > max) bad(`${n} is greater than the maximum of ${max} - '${name}'`);
		return n;
	};
	const oneOf = (name: string, values: readonly string[]) => {
		const v = text(name);
		if (v !== undefined && !values.includes(v)) bad(`'${v}' is not one of ${show(values)} - '${name}'`);
		return v;
	};
	return { form, text, integer, oneOf };
}

/**
 * `color_palette`: JSON in one part. Ideogram's OpenAPI spec gives the part the content type
 * application/json (the `encoding` of v1, a JSON part on v2); older pages show it as a plain text
 * part (curl `-F 'color_palette={"name":"EMBER"}'`), so a part without a content type or of
 * text/plain is accepted too. Any other content type is refused.
 */
export function readPalette(form: Multipart, palettes: readonly string[]): unknown {
	const palette = form.fields.color_palette?.[0];
	if (palette === undefined) return undefined;
	const type = form.fieldTypes.color_palette?.[0]?.split(';')[0].trim().toLowerCase();
	if (type !== undefined && type !== 'application/json' && type !== 'text/plain')
		bad(`Invalid content type '${type}' for formData parameter 'color_palette', expected 'application/json'`);
	let value: unknown;
	try {
		value = JSON.parse(palette);
	} catch {
		bad(`color_palette is not valid JSON: ${palette.slice(0, 80)}`);
	}
	const problem = paletteProblem(value, palettes);
	if (problem) bad(`${problem} - 'color_palette'`);
	return value;
}

/** Parses and validates the multipart body (Connexion-style messages); returns the effective params. */
function readForm(req: RecordedRequest, operation: Operation, maxImageBytes: number) {
	const { form, text, integer, oneOf } = readMultipart(req, FIELDS[operation], ['image', 'mask']);
	const params: Record<string, unknown> = {
		prompt: text('prompt'),
		magic_prompt: oneOf('magic_prompt', IDEOGRAM.magicPrompt),
		num_images: integer('num_images', 1, 8),
		seed: integer('seed', 0, 2147483647),
		rendering_speed: oneOf('rendering_speed', IDEOGRAM.renderingSpeed),
		style_type: oneOf('style_type', IDEOGRAM.styleType),
		style_preset: oneOf('style_preset', STYLE_PRESETS),
		resolution: oneOf('resolution', RESOLUTIONS_WXH),
		custom_model_uri: text('custom_model_uri'),
	};
	if (params.custom_model_uri !== undefined && !/^model\/[^/]+\/version\/[^/]+$/.test(params.custom_model_uri as string))
		bad(`'${params.custom_model_uri}' does not match 'model/<model_name>/version/<version_name>' - 'custom_model_uri'`);

	// style_codes: repeated parts (primary); comma-joined or a JSON array tolerated.
	if (form.fields.style_codes) {
		const codes = form.fields.style_codes.flatMap((v) => {
			const t = v.trim();
			if (!t.startsWith('[')) return t.split(',').map((c) => c.trim());
			try {
				const arr: unknown = JSON.parse(t);
				return Array.isArray(arr) ? arr.map(String) : [t];
			} catch {
				return [t];
			}
		});
		for (const c of codes) if (!HEX8.test(c)) bad(`'${c}' does not match '^[0-9a-fA-F]{8}$' - 'style_codes'`);
		if (params.style_type !== undefined || form.files.style_reference_images)
			bad('style_codes cannot be used in conjunction with style_reference_images or style_type');
		params.style_codes = codes;
	}
	const palette = readPalette(form, IDEOGRAM.palettes);
	if (palette !== undefined) params.color_palette = palette;

	for (const [name, files] of Object.entries(form.files))
		for (const f of files) {
			if (f.data.length > maxImageBytes)
				throw new ApiError(413, `'${name}' is too large: ${f.data.length} bytes, the maximum is ${maxImageBytes} bytes`);
			if (!sniffFormat(f.data)) bad(`'${name}' has an unsupported format; only JPEG, PNG and WebP images are supported`);
		}
	const chars = form.files.character_reference_images?.length ?? 0;
	if (chars > 1) bad('character_reference_images currently only supports 1 character reference image');
	const charMasks = form.files.character_reference_images_mask?.length ?? 0;
	if (charMasks && charMasks !== chars)
		bad('The number of character_reference_images_mask must equal the number of character_reference_images');
	for (const name of ['style_reference_images', 'character_reference_images'])
		if (form.files[name]) params[name] = form.files[name].map((f) => `<${f.filename ?? 'file'}: ${f.data.length} bytes>`);
	return { params, image: form.files.image[0].data, mask: form.files.mask?.[0]?.data };
}

async function submit(req: RecordedRequest, core: FakeCore<IdeogramMeta>, f: IdeogramFlavour): Promise<Reply> {
	const operation = OPERATIONS[req.path.slice(f.prefix.length)];
	const { params, image, mask } = readForm(req, operation, core.options.maxImageBytes);
	const size = await imageSize(image).catch((e: Error) => bad(`image: ${e.message}`));
	const edit = mask
		? await analyzeMask(size, mask, core.options.maskConvention).catch((e: Error) => bad(`Invalid mask: ${e.message}`))
		: undefined;
	const n = (params.num_images as number | undefined) ?? 1;
	if (core.inflightImages() + n > core.options.maxInflightImages)
		throw new ApiError(429, 'Too many images in flight for your organisation, please retry later', {
			reject_reason: 'inflight_limit',
			max_inflight_requests: core.options.maxInflightImages,
		});
	const out = operation === 'reframe' ? parseWxH(params.resolution as string)! : size;
	const seed = params.seed as number | undefined;
	const prompt = (params.prompt as string | undefined) ?? '';
	const job = core.createJob({
		operation,
		params: Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)),
		outputs: Array.from({ length: n }, () => ({ width: out.width, height: out.height, format: 'png' as const, source: image, mask: mask && { bytes: mask, editColor: core.options.maskConvention } })),
		image: size,
		edit,
		meta: {
			seeds: Array.from({ length: n }, (_, i) => (seed === undefined ? randomSeed() : (seed + i) % 2147483648)),
			prompt: params.magic_prompt === 'ON' ? `Enhanced: ${prompt}` : prompt,
			styleType: operation === 'edit' ? ((params.style_type as string | undefined) ?? 'GENERAL') : undefined,
		},
	});
	// The job runs (and is billed) whatever the answer says.
	if (core.options.taskEnvelope && f.taskEnvelope) return f.taskEnvelope(job.id);
	await job.done;
	if (job.status === 'failed') throw new ApiError(500, 'Image generation failed, please try again');
	if (job.status !== 'completed') throw new ApiError(503, 'The request was cancelled before it completed');
	return {
		status: 200,
		json: {
			created: f.created(new Date(job.completedAt ?? Date.now())),
			data: job.outputs.map((o, i) => ({
				url: job.unsafe ? null : job.images[i].url,
				prompt: job.meta.prompt,
				resolution: `${o.width}x${o.height}`,
				is_image_safe: !job.unsafe,
				seed: job.meta.seeds[i],
				...(job.meta.styleType ? { style_type: job.meta.styleType } : {}),
			})),
		},
	};
}

export function ideogramLikeSpec(f: IdeogramFlavour): ProviderSpec<IdeogramMeta> {
	return {
		provider: f.provider,
		maskConvention: 'black',
		downloadPrefix: '/api/images/ephemeral/',
		resultPath: (id, ext) => `/api/images/ephemeral/${id}.${ext}`,
		signedUrls: true,
		withholdUnsafe: true,
		classify: (req) =>
			req.method === 'POST' && req.path.startsWith(f.prefix) && Object.hasOwn(OPERATIONS, req.path.slice(f.prefix.length))
				? 'submit'
				: undefined,
		checkAuth: f.checkAuth,
		handle: (req, core) => submit(req, core, f),
		error: (status, message, extra = {}) => f.error(status, message, extra),
		http200Error: f.http200Error,
		expired: () => ({
			status: 403,
			raw: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>',
			headers: { 'content-type': 'application/xml' },
		}),
	};
}
