/**
 * Shared plumbing of the fake provider servers: an HTTP server on 127.0.0.1 that records every
 * request, parses JSON and multipart bodies, injects faults, runs jobs on a real-time clock and
 * serves result images (real PNG/JPEG/WebP made with sharp) at expiring URLs.
 *
 * A provider module supplies a ProviderSpec (routes, auth, error envelope, handlers); everything
 * else lives here. Nothing here imports from nodes/ or credentials/.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { COLOR_HEX } from './tables';

// ───────────────────────────── public types ─────────────────────────────

export type ProviderName = 'runComfy' | 'runware' | 'cometApi' | 'ideogram';
export type Operation = 'edit' | 'reframe' | 'replaceBackground';
export type EndpointKind = 'submit' | 'status' | 'result' | 'cancel' | 'download' | 'getResponse';
/** The fakes' own, provider-neutral job states (the provider vocabulary is on the wire). */
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type MaskColor = 'black' | 'white';

export interface FakeOptions {
	/** Default `test-key-<provider>`; any other key → 401 in the provider's shape. */
	apiKey?: string;
	/** Whole job time (async: queue + run; sync: how long the POST blocks). Default 10 ms. */
	jobDurationMs?: number | (() => number);
	/** Part of the job spent queued (RunComfy `in_queue`, cancellable). Default 0. */
	queueMs?: number;
	/** The provider's mask convention: the colour that marks the area to repaint (ideogram/cometApi 'black', runComfy/runware 'white'). */
	maskConvention?: MaskColor;
	/** Result URL lifetime. Default 1 h (Runware: `ttl` of the task when given). */
	resultTtlMs?: number;
	/** Ideogram/CometAPI in-flight limit, counted in images. Default 10. */
	maxInflightImages?: number;
	/** RunComfy: accept `data:` URIs for image/mask. Default true. */
	acceptDataUris?: boolean;
	/** RunComfy: `output.image` (default) or `output.images`. */
	outputKey?: 'image' | 'images';
	/** Ideogram/CometAPI: max bytes per uploaded image file → 413. Default 10 MB. */
	maxImageBytes?: number;
	/** Keep request bodies in `requests[]` (default true). false: body is empty, json/multipart dropped. */
	recordBodies?: boolean;
	/** Ideogram: answers carry the deprecation signals of an older route (headers and a `notice` field). Default false. */
	deprecationNotice?: boolean;
	/**
	 * CometAPI: a submit is accepted (the job is created and billed) but answered with the task
	 * envelope of relays copying Ideogram's routes, `{code, message, request_id, data: {task_id,
	 * task_status}}`, instead of the images. Default false.
	 */
	taskEnvelope?: boolean;
}

export interface MultipartFile {
	filename?: string;
	contentType?: string;
	data: Buffer;
}
export interface Multipart {
	fields: Record<string, string[]>;
	/** The Content-Type of each text field's parts, in order (undefined: the part had none). */
	fieldTypes: Record<string, Array<string | undefined>>;
	files: Record<string, MultipartFile[]>;
}

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	/** Lower-case names. */
	headers: Record<string, string>;
	body: Buffer;
	json?: unknown;
	multipart?: Multipart;
	at: number;
	/** Which endpoint the request hit (undefined: unknown route). */
	kind?: EndpointKind;
	/** Whether an `authorization` or `api-key` header was sent (useful on downloads). */
	authSent: boolean;
}

export interface FaultSpec {
	on: EndpointKind | 'any';
	kind: 'status' | 'resetBeforeAccept' | 'resetAfterAccept' | 'slow' | 'malformed' | 'http200Error' | 'jobFailed' | 'unsafe';
	status?: number;
	retryAfter?: string;
	body?: unknown;
	delayMs?: number;
	/** How many matching requests (or, for jobFailed/unsafe, jobs) it applies to. Default 1. */
	times?: number;
}

export interface JobSnapshot {
	id: string;
	status: JobStatus;
	operation: Operation;
	/** The effective input (schema defaults filled in; data URIs shortened). */
	params: unknown;
	/** Fields the fake filled with a schema default because the request omitted them. */
	defaulted: string[];
	editFraction?: number;
	maskWidth?: number;
	maskHeight?: number;
	imageWidth?: number;
	imageHeight?: number;
	createdAt: number;
	completedAt?: number;
	images: string[];
}

export interface FakeServer {
	provider: ProviderName;
	url: string;
	apiKey: string;
	requests: RecordedRequest[];
	/** Accepted jobs that were not failed or cancelled (a completed job is billed even when unsafe). */
	paidJobs(): number;
	jobs(): JobSnapshot[];
	inject(fault: FaultSpec): void;
	setOptions(partial: Partial<FakeOptions>): void;
	expireResults(): void;
	reset(): void;
	close(): Promise<void>;
}

// ───────────────────────────── provider contract ─────────────────────────────

export interface Reply {
	status: number;
	json?: unknown;
	raw?: Buffer | string;
	headers?: Record<string, string>;
}

/** Thrown by handlers; the core turns it into the provider's error envelope. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly extra: Record<string, unknown> = {},
	) {
		super(message);
	}
}

export interface OutputSpec {
	/** Image id used in the result path (random when omitted). */
	id?: string;
	/**
	 * The input image: results are then made from it (fitted into the output size on a colour of
	 * the seed, hue-shifted), so a demo shows recognisable pictures. Large inputs are not kept.
	 */
	source?: Buffer;
	/** An edit's mask: its edit area is painted over the result made from `source` (filled, outlined). */
	mask?: { bytes: Buffer; editColor: MaskColor };
	width: number;
	height: number;
	format: 'png' | 'jpeg' | 'webp';
	quality?: number;
	ttlMs?: number;
}

export interface EditInfo {
	editFraction: number;
	maskWidth: number;
	maskHeight: number;
}

export interface StoredImage {
	id: string;
	path: string;
	url: string;
	mime: string;
	expiresAt: number;
	sig?: string;
	bytes: () => Promise<Buffer>;
}

export interface Job<M = unknown> {
	id: string;
	operation: Operation;
	params: unknown;
	defaulted: string[];
	status: JobStatus;
	createdAt: number;
	startsAt: number;
	endsAt: number;
	completedAt?: number;
	outputs: OutputSpec[];
	images: StoredImage[];
	/** Injected: the job ends failed. */
	failed: boolean;
	/** Injected: the images are withheld / flagged by the safety check. */
	unsafe: boolean;
	imageWidth?: number;
	imageHeight?: number;
	edit?: EditInfo;
	meta: M;
	done: Promise<void>;
}

export interface ProviderSpec<M = unknown> {
	provider: ProviderName;
	maskConvention: MaskColor;
	/** This provider's own defaults for FakeOptions (e.g. its upload limit). */
	defaults?: Partial<FakeOptions>;
	/** Path prefix of result images; requests under it are downloads (no auth). */
	downloadPrefix: string;
	/** Result path for an image id and file extension. */
	resultPath(id: string, ext: string): string;
	/** Add `?exp=…&sig=…` to result URLs (Ideogram style). */
	signedUrls?: boolean;
	/** An unsafe job issues no image (Ideogram's `url: null`); otherwise it is served but flagged. */
	withholdUnsafe?: boolean;
	classify(req: RecordedRequest): EndpointKind | undefined;
	/** Throws an ApiError(401…) when the request is not authenticated. */
	checkAuth(req: RecordedRequest, apiKey: string): void;
	handle(req: RecordedRequest, core: FakeCore<M>): Promise<Reply>;
	error(status: number, message: string, extra?: Record<string, unknown>): Reply;
	/** The provider's "HTTP 200 carrying an error" answer. */
	http200Error(req: RecordedRequest): Reply;
	/** Answer for an expired result URL. */
	expired(): Reply;
	onComplete?(job: Job<M>, core: FakeCore<M>): void;
	reset?(): void;
}

// ───────────────────────────── helpers ─────────────────────────────

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const randomSeed = () => crypto.randomInt(0, 2147483647);
export const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
export const show = (v: unknown) => JSON.stringify(v) ?? String(v);

const DEFAULT_MESSAGES: Record<number, string> = {
	401: 'Unauthorized',
	402: 'Insufficient funds',
	422: 'Prompt provided failed safety check due to the inclusion of prohibited content.',
	429: 'Too many requests',
};
export const defaultMessage = (status: number) => DEFAULT_MESSAGES[status] ?? http.STATUS_CODES[status] ?? 'Error';

/** Minimal multipart/form-data parser (RFC 7578): parts without a filename are text fields. */
export function parseMultipart(body: Buffer, contentType: string): Multipart | undefined {
	const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	if (!m) return undefined;
	const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
	const next = Buffer.from(`\r\n--${m[1] ?? m[2]}`);
	const out: Multipart = { fields: {}, fieldTypes: {}, files: {} };
	let pos = body.indexOf(delimiter);
	if (pos < 0) return undefined;
	for (;;) {
		pos += delimiter.length;
		if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return out; // closing "--"
		if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) return undefined;
		const headEnd = body.indexOf('\r\n\r\n', pos + 2);
		if (headEnd < 0) return undefined;
		const end = body.indexOf(next, headEnd + 4);
		if (end < 0) return undefined;
		const head = body.subarray(pos + 2, headEnd).toString('utf8');
		const disposition = /^content-disposition:(.*)$/im.exec(head)?.[1] ?? '';
		const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
		if (name === undefined) return undefined;
		const filename = /(?:^|;)\s*filename="([^"]*)"/i.exec(disposition)?.[1];
		const data = body.subarray(headEnd + 4, end);
		const partType = /^content-type:\s*(.*)$/im.exec(head)?.[1]?.trim();
		if (filename === undefined) {
			(out.fields[name] ??= []).push(data.toString('utf8'));
			(out.fieldTypes[name] ??= []).push(partType);
		} else (out.files[name] ??= []).push({ filename, contentType: partType, data });
		pos = end + 2;
	}
}

/** Image format from magic bytes (the formats the providers accept). */
export function sniffFormat(buf: Buffer): 'jpeg' | 'png' | 'webp' | undefined {
	if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
	if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
		return 'png';
	if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP')
		return 'webp';
	return undefined;
}

/** Decoded size of a JPEG/PNG/WebP; throws an Error with a readable message otherwise. */
export async function imageSize(buf: Buffer): Promise<{ width: number; height: number; format: string }> {
	const format = sniffFormat(buf);
	if (!format) throw new Error('unsupported image format (only JPEG, PNG and WebP are accepted)');
	try {
		const meta = await sharp(buf).metadata();
		if (!meta.width || !meta.height) throw new Error('no dimensions');
		return { width: meta.width, height: meta.height, format };
	} catch {
		throw new Error(`the ${format.toUpperCase()} file could not be decoded`);
	}
}

/**
 * Checks a mask against its image and measures it: same dimensions, neither all-edit nor
 * all-keep. `editFraction` is the share of pixels of `editColor` (luminance < 128 is black; alpha
 * is ignored). Throws an Error with a provider-neutral message.
 */
export async function analyzeMask(
	image: { width: number; height: number },
	mask: Buffer,
	editColor: MaskColor,
): Promise<EditInfo> {
	const size = await imageSize(mask).catch((e: Error) => {
		throw new Error(`mask: ${e.message}`);
	});
	if (size.width !== image.width || size.height !== image.height)
		throw new Error(
			`mask dimensions ${size.width}x${size.height} do not match the image dimensions ${image.width}x${image.height}`,
		);
	const { data, info } = await sharp(mask).removeAlpha().greyscale().raw().toBuffer({ resolveWithObject: true });
	let black = 0;
	for (let i = 0; i < data.length; i += info.channels) if (data[i] < 128) black++;
	const total = data.length / info.channels;
	const editFraction = editColor === 'black' ? black / total : 1 - black / total;
	if (editFraction === 0) throw new Error(`the mask marks nothing to edit (no ${editColor} pixels); the mask must be partial`);
	if (editFraction === 1) throw new Error(`the mask marks the whole image (all ${editColor}); the mask must be partial`);
	return { editFraction, maskWidth: size.width, maskHeight: size.height };
}

/** Loads an image reference: http(s) URL (fetched), data URI or bare base64, as allowed. */
export async function loadImageRef(
	value: string,
	allow: { url?: boolean; dataUri?: boolean; base64?: boolean },
): Promise<Buffer> {
	if (/^https?:\/\//i.test(value)) {
		if (!allow.url) throw new Error('URLs are not accepted here');
		let res: Response;
		try {
			res = await fetch(value, { signal: AbortSignal.timeout(15000) });
		} catch (e) {
			throw new Error(`could not download ${value}: ${(e as Error).message}`);
		}
		if (!res.ok) throw new Error(`could not download ${value}: HTTP ${res.status}`);
		return Buffer.from(await res.arrayBuffer());
	}
	const dataUri = /^data:([^;,]*)(;base64)?,/.exec(value);
	if (dataUri) {
		if (!allow.dataUri) throw new Error('data URIs are not accepted; the image must be a URL');
		if (!dataUri[2]) throw new Error('data URI is not base64-encoded');
		return Buffer.from(value.slice(dataUri[0].length), 'base64');
	}
	if (allow.base64 && value.length > 0 && isBase64Text(value)) return Buffer.from(value, 'base64');
	throw new Error(`not a valid image reference: ${value.slice(0, 60)}`);
}

/** Problem with an Ideogram-style colour palette (`{name}` xor `{members:[{color_hex,color_weight?}]}`), if any. */
export function paletteProblem(v: unknown, names: readonly string[]): string | undefined {
	if (!isObject(v)) return `${show(v)} is not of type 'object'`;
	const keys = Object.keys(v);
	if (keys.length !== 1 || !['name', 'members'].includes(keys[0]))
		return `color_palette must have exactly one of 'name' or 'members' (got ${show(keys)})`;
	if ('name' in v) return names.includes(v.name as string) ? undefined : `${show(v.name)} is not one of ${show(names)}`;
	const members = v.members;
	if (!Array.isArray(members) || members.length < 1 || members.length > 8)
		return 'color_palette.members must be an array of 1 to 8 members';
	for (const m of members) {
		if (!isObject(m) || Object.keys(m).some((k) => k !== 'color_hex' && k !== 'color_weight'))
			return `invalid color_palette member ${show(m)} (allowed keys: color_hex, color_weight)`;
		if (typeof m.color_hex !== 'string' || !COLOR_HEX.test(m.color_hex))
			return `${show(m.color_hex)} does not match '^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$'`;
		if (m.color_weight !== undefined && (typeof m.color_weight !== 'number' || m.color_weight < 0.05 || m.color_weight > 1))
			return `color_weight ${show(m.color_weight)} must be a number from 0.05 to 1.0`;
	}
	return undefined;
}

const BASE64_CHARS = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n') BASE64_CHARS[char.charCodeAt(0)] = 1;

/**
 * Whether a string holds base64 text only, read character by character: a regular expression over
 * an image's base64 (a noisy 2048² PNG is about 16 MB of it) overflowed the stack under jest
 * ("Maximum call stack size exceeded" in RegExp.test), now and then, by the image's length.
 */
function isBase64Text(value: string): boolean {
	for (let i = 0; i < value.length; i++) if (BASE64_CHARS[value.charCodeAt(i)] !== 1) return false;
	return value.length > 0;
}

/** Shortens data URIs / long base64 strings inside params so jobs don't keep input bytes. */
export function compactParams(value: unknown): unknown {
	if (typeof value === 'string')
		return value.length > 300 && isBase64Text(value.startsWith('data:') ? value.slice(value.indexOf(',') + 1) : value)
			? `${value.slice(0, 40)}…(${value.length} chars)`
			: value;
	if (Array.isArray(value)) return value.map(compactParams);
	if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compactParams(v)]));
	return value;
}

const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;
const EXT = { png: 'png', jpeg: 'jpg', webp: 'webp' } as const;

/** Inputs up to this size are kept to make results from; larger ones give the plain result. */
const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

/** Results from the input: fitted into the output size (as a reframe extends it) and hue-shifted. */
function fromSource(o: OutputSpec, source: Buffer, background: { r: number; g: number; b: number }, hue: number) {
	return sharp(source)
		.removeAlpha()
		.resize(o.width, o.height, { fit: 'contain', background })
		.modulate({ hue });
}

/** The mask's edit area as an RGBA overlay of the output's size: magenta fill, white outline. */
async function editAreaOverlay(o: OutputSpec, mask: NonNullable<OutputSpec['mask']>): Promise<sharp.OverlayOptions> {
	const { width, height } = o;
	const grey = await sharp(mask.bytes).removeAlpha().greyscale().resize(width, height, { fit: 'fill', kernel: 'nearest' }).raw().toBuffer();
	const edit = (x: number, y: number) =>
		x >= 0 && y >= 0 && x < width && y < height && grey[y * width + x] < 128 === (mask.editColor === 'black');
	const overlay = Buffer.alloc(width * height * 4);
	const line = Math.max(1, Math.round(Math.min(width, height) / 200));
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++) {
			if (!edit(x, y)) continue;
			const edge = !edit(x - line, y) || !edit(x + line, y) || !edit(x, y - line) || !edit(x, y + line);
			overlay.set(edge ? [255, 255, 255, 255] : [230, 0, 160, 170], (y * width + x) * 4);
		}
	return { input: overlay, raw: { width, height, channels: 4 } };
}

/** A solid-colour image with a contrasting top-left block: small, real, and tellable apart. */
async function renderImage(o: OutputSpec, seed: string): Promise<Buffer> {
	const h = crypto.createHash('sha1').update(seed).digest();
	const background = { r: h[0], g: h[1], b: h[2] };
	if (o.source && o.source.length <= MAX_SOURCE_BYTES) {
		const img = fromSource(o, o.source, background, 30 + (h[3] % 300));
		if (o.mask) img.composite([await editAreaOverlay(o, o.mask)]);
		if (o.format === 'jpeg') return img.jpeg({ quality: o.quality ?? 90 }).toBuffer();
		if (o.format === 'webp') return img.webp({ quality: o.quality ?? 90 }).toBuffer();
		return img.png().toBuffer();
	}
	const block = Buffer.alloc(Math.max(1, Math.floor(o.width / 4)) * Math.max(1, Math.floor(o.height / 4)) * 3, 255 - h[0]);
	const img = sharp({ create: { width: o.width, height: o.height, channels: 3, background } }).composite([
		{
			input: block,
			raw: { width: Math.max(1, Math.floor(o.width / 4)), height: Math.max(1, Math.floor(o.height / 4)), channels: 3 },
			left: 0,
			top: 0,
		},
	]);
	if (o.format === 'jpeg') return img.jpeg({ quality: o.quality ?? 90 }).toBuffer();
	if (o.format === 'webp') return img.webp({ quality: o.quality ?? 90 }).toBuffer();
	return img.png().toBuffer();
}

function memo<T>(make: () => Promise<T>): () => Promise<T> {
	let p: Promise<T> | undefined;
	return () => (p ??= make());
}

// ───────────────────────────── the core ─────────────────────────────

interface ActiveFault extends FaultSpec {
	left: number;
}
interface ResolvedOptions extends Required<Omit<FakeOptions, 'jobDurationMs'>> {
	jobDurationMs: number | (() => number);
}

export class FakeCore<M = unknown> implements FakeServer {
	readonly provider: ProviderName;
	url = '';
	apiKey: string;
	options: ResolvedOptions;
	readonly requests: RecordedRequest[] = [];
	private readonly jobMap = new Map<string, Job<M>>();
	private readonly images = new Map<string, StoredImage>();
	private faults: ActiveFault[] = [];
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly finishers = new Map<string, () => void>();
	private readonly secret = crypto.randomBytes(16);
	private readonly server: http.Server;

	constructor(
		readonly spec: ProviderSpec<M>,
		options: FakeOptions = {},
	) {
		this.provider = spec.provider;
		this.options = {
			apiKey: `test-key-${spec.provider}`,
			jobDurationMs: 10,
			queueMs: 0,
			maskConvention: spec.maskConvention,
			resultTtlMs: 3_600_000,
			maxInflightImages: 10,
			acceptDataUris: true,
			outputKey: 'image',
			maxImageBytes: 10 * 1024 * 1024,
			recordBodies: true,
			deprecationNotice: false,
			taskEnvelope: false,
			...spec.defaults,
			...options,
		};
		this.apiKey = this.options.apiKey;
		this.server = http.createServer((req, res) => void this.onRequest(req, res));
		this.server.requestTimeout = 0;
		// Longer than clients' idle keep-alive, so a reused socket is never closed under a request.
		this.server.keepAliveTimeout = 30_000;
	}

	async start(): Promise<this> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(0, '127.0.0.1', () => resolve());
		});
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	// ── FakeServer ──

	paidJobs(): number {
		return [...this.jobMap.values()].filter((j) => j.status !== 'failed' && j.status !== 'cancelled').length;
	}

	jobs(): JobSnapshot[] {
		return [...this.jobMap.values()].map((j) => ({
			id: j.id,
			status: j.status,
			operation: j.operation,
			params: j.params,
			defaulted: j.defaulted,
			...(j.edit ?? {}),
			imageWidth: j.imageWidth,
			imageHeight: j.imageHeight,
			createdAt: j.createdAt,
			completedAt: j.completedAt,
			images: j.images.map((i) => i.url),
		}));
	}

	inject(fault: FaultSpec): void {
		this.faults.push({ ...fault, left: fault.times ?? 1 });
	}

	setOptions(partial: Partial<FakeOptions>): void {
		Object.assign(this.options, partial);
		this.apiKey = this.options.apiKey;
	}

	expireResults(): void {
		for (const img of this.images.values()) img.expiresAt = 0;
	}

	reset(): void {
		this.stopJobs();
		this.requests.length = 0;
		this.jobMap.clear();
		this.images.clear();
		this.faults = [];
		this.spec.reset?.();
	}

	async close(): Promise<void> {
		this.stopJobs();
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	// ── for provider handlers ──

	job(id: string): Job<M> | undefined {
		return this.jobMap.get(id);
	}

	allJobs(): Job<M>[] {
		return [...this.jobMap.values()];
	}

	/** Images of jobs still queued or running (Ideogram's in-flight limit). */
	inflightImages(): number {
		let n = 0;
		for (const j of this.jobMap.values()) if (j.status === 'queued' || j.status === 'running') n += j.outputs.length;
		return n;
	}

	/** Accepts a job: it runs on the real clock (queueMs, then the rest of jobDurationMs). */
	createJob(input: {
		id?: string;
		operation: Operation;
		params: unknown;
		defaulted?: string[];
		outputs: OutputSpec[];
		image?: { width: number; height: number };
		edit?: EditInfo;
		meta: M;
	}): Job<M> {
		const { jobDurationMs, queueMs } = this.options;
		const duration = Math.max(0, typeof jobDurationMs === 'function' ? jobDurationMs() : jobDurationMs);
		const now = Date.now();
		let finish!: () => void;
		const job: Job<M> = {
			id: input.id ?? crypto.randomUUID(),
			operation: input.operation,
			params: compactParams(input.params),
			defaulted: input.defaulted ?? [],
			status: queueMs > 0 ? 'queued' : 'running',
			createdAt: now,
			startsAt: now + queueMs,
			endsAt: now + Math.max(duration, queueMs),
			outputs: input.outputs,
			images: [],
			failed: this.takeJobFlag('jobFailed'),
			unsafe: this.takeJobFlag('unsafe'),
			imageWidth: input.image?.width,
			imageHeight: input.image?.height,
			edit: input.edit,
			meta: input.meta,
			done: new Promise<void>((resolve) => (finish = resolve)),
		};
		this.jobMap.set(job.id, job);
		this.finishers.set(job.id, finish);
		const end = () => this.settle(job.id);
		if (queueMs > 0) this.after(queueMs, () => job.status === 'queued' && (job.status = 'running'));
		this.after(job.endsAt - now, () => {
			if (job.status !== 'running' && job.status !== 'queued') return;
			if (job.failed) job.status = 'failed';
			else {
				if (!(job.unsafe && this.spec.withholdUnsafe))
					job.images = job.outputs.map((o, i) => this.issueImage(o, `${job.id}:${i}`));
				job.status = 'completed';
			}
			job.completedAt = Date.now();
			end();
			if (job.status === 'completed') this.spec.onComplete?.(job, this);
		});
		return job;
	}

	/** Cancels a queued job; false when it already runs or ended. */
	cancel(job: Job<M>): boolean {
		if (job.status !== 'queued') return false;
		job.status = 'cancelled';
		job.completedAt = Date.now();
		this.settle(job.id);
		return true;
	}

	/** Registers already-made bytes (e.g. an upload) at a result path. */
	storeBytes(id: string, bytes: Buffer, ext: keyof typeof MIME | 'jpg'): StoredImage {
		const format = ext === 'jpg' ? 'jpeg' : ext;
		return this.addImage(id, EXT[format], MIME[format], this.options.resultTtlMs, async () => bytes);
	}

	imageAt(path: string): StoredImage | undefined {
		return this.images.get(path);
	}

	// ── internals ──

	private issueImage(o: OutputSpec, seed: string): StoredImage {
		return this.addImage(o.id ?? crypto.randomUUID(), EXT[o.format], MIME[o.format], o.ttlMs ?? this.options.resultTtlMs, () =>
			renderImage(o, seed),
		);
	}

	private addImage(id: string, ext: string, mime: string, ttlMs: number, make: () => Promise<Buffer>): StoredImage {
		const path = this.spec.resultPath(id, ext);
		const expiresAt = Date.now() + ttlMs;
		let url = this.url + path;
		let sig: string | undefined;
		if (this.spec.signedUrls) {
			const exp = Math.ceil(expiresAt / 1000);
			sig = crypto.createHmac('sha256', this.secret).update(`${path}:${exp}`).digest('hex');
			url += `?exp=${exp}&sig=${sig}`;
		}
		const img: StoredImage = { id, path, url, mime, expiresAt, sig, bytes: memo(make) };
		this.images.set(path, img);
		return img;
	}

	private after(ms: number, fn: () => void): void {
		const t = setTimeout(() => {
			this.timers.delete(t);
			fn();
		}, ms);
		this.timers.add(t);
	}

	private stopJobs(): void {
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		for (const j of this.jobMap.values())
			if (j.status === 'queued' || j.status === 'running') j.status = 'cancelled';
		for (const id of [...this.finishers.keys()]) this.settle(id);
	}

	/** Resolves a job's `done` promise. */
	private settle(id: string): void {
		this.finishers.get(id)?.();
		this.finishers.delete(id);
	}

	private takeJobFlag(kind: 'jobFailed' | 'unsafe'): boolean {
		const f = this.faults.find((x) => x.kind === kind && x.left > 0);
		if (f) f.left--;
		return !!f;
	}

	private takeFault(kind: EndpointKind): ActiveFault | undefined {
		const f = this.faults.find(
			(x) => x.left > 0 && x.kind !== 'jobFailed' && x.kind !== 'unsafe' && (x.on === kind || x.on === 'any'),
		);
		if (f) f.left--;
		return f;
	}

	private async record(req: http.IncomingMessage): Promise<RecordedRequest> {
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		const body = Buffer.concat(chunks);
		const u = new URL(req.url ?? '/', 'http://fake');
		const headers: Record<string, string> = {};
		for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
		const contentType = headers['content-type'] ?? '';
		let json: unknown;
		if (body.length && (/json/i.test(contentType) || !contentType))
			try {
				json = JSON.parse(body.toString('utf8'));
			} catch {
				json = undefined;
			}
		const multipart = /^multipart\/form-data/i.test(contentType) ? parseMultipart(body, contentType) : undefined;
		return {
			method: req.method ?? 'GET',
			path: u.pathname,
			query: Object.fromEntries(u.searchParams),
			headers,
			body,
			json,
			multipart,
			at: Date.now(),
			authSent: 'authorization' in headers || 'api-key' in headers,
		};
	}

	private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		try {
			const rec = await this.record(req);
			rec.kind = rec.path.startsWith(this.spec.downloadPrefix) ? 'download' : this.spec.classify(rec);
			this.requests.push(
				this.options.recordBodies ? rec : { ...rec, body: Buffer.alloc(0), json: undefined, multipart: undefined },
			);
			const fault = rec.kind ? this.takeFault(rec.kind) : undefined;
			if (fault?.kind === 'resetBeforeAccept') return void req.socket.destroy();
			if (fault?.kind === 'slow') await sleep(fault.delayMs ?? 1000);
			let reply: Reply;
			if (fault?.kind === 'status') {
				const status = fault.status ?? 500;
				reply = fault.body !== undefined ? { status, json: fault.body } : this.spec.error(status, defaultMessage(status));
				if (fault.retryAfter !== undefined) reply.headers = { ...reply.headers, 'retry-after': fault.retryAfter };
			} else if (fault?.kind === 'malformed')
				reply =
					rec.kind === 'download'
						? { status: 200, raw: Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\rIHDR', 'latin1'), headers: { 'content-type': 'image/png' } }
						: { status: 200, raw: '{"status":"in_progr', headers: { 'content-type': 'application/json' } };
			else if (fault?.kind === 'http200Error') reply = this.spec.http200Error(rec);
			else reply = await this.dispatch(rec);
			if (fault?.kind === 'resetAfterAccept') return void req.socket.destroy();
			send(res, reply);
		} catch (e) {
			send(res, { status: 500, raw: `fake server error: ${(e as Error).stack ?? String(e)}` });
		}
	}

	private async dispatch(rec: RecordedRequest): Promise<Reply> {
		if (rec.kind === 'download') return this.download(rec);
		try {
			if (!rec.kind) throw new ApiError(404, `Not Found: ${rec.method} ${rec.path}`);
			this.spec.checkAuth(rec, this.apiKey);
			return await this.spec.handle(rec, this);
		} catch (e) {
			if (e instanceof ApiError) return this.spec.error(e.status, e.message, e.extra);
			throw e;
		}
	}

	private async download(rec: RecordedRequest): Promise<Reply> {
		const img = this.images.get(rec.path);
		if (!img) return { status: 404, raw: 'Not Found' };
		if (img.sig && rec.query.sig !== img.sig) return { status: 403, raw: 'SignatureDoesNotMatch' };
		if (Date.now() >= img.expiresAt) return this.spec.expired();
		return { status: 200, raw: await img.bytes(), headers: { 'content-type': img.mime } };
	}
}

function send(res: http.ServerResponse, reply: Reply): void {
	if (res.destroyed || res.headersSent) return;
	const isJson = reply.json !== undefined;
	const body = isJson ? JSON.stringify(reply.json) : (reply.raw ?? '');
	res.writeHead(reply.status, {
		'content-type': isJson ? 'application/json' : 'text/plain; charset=utf-8',
		...reply.headers,
		'content-length': String(Buffer.byteLength(body)),
	});
	res.end(body);
}
