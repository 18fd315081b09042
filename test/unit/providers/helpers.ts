/**
 * A recording stand-in for the network: adapters send through it, it answers with canned
 * responses in order and keeps every request for the test to inspect.
 */
import type { HttpClient, HttpRequest, HttpResponse, RequestKind } from '../../../nodes/shared/engine/http';
import type { ImageInput, JobRequest, ProviderContext } from '../../../nodes/shared/providers/types';
import { ProviderError } from '../../../nodes/shared/engine/errors';
import { MultipartForm } from '../../../nodes/shared/engine/multipart';
import type FormDataStream from 'form-data';

type Canned = HttpResponse | ((request: HttpRequest) => HttpResponse);

export class RecordingHttp implements HttpClient {
	readonly calls: Array<{ request: HttpRequest; kind: RequestKind }> = [];
	private readonly answers: Canned[] = [];

	/** Queue a JSON answer. */
	json(status: number, body: unknown): this {
		this.answers.push({ status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) });
		return this;
	}

	/** Queue a raw text answer (HTML error pages, empty bodies). */
	text(status: number, text: string, contentType = 'text/html'): this {
		this.answers.push({ status, headers: { 'content-type': contentType }, body: Buffer.from(text) });
		return this;
	}

	respond(fn: (request: HttpRequest) => HttpResponse): this {
		this.answers.push(fn);
		return this;
	}

	async send(request: HttpRequest, kind: RequestKind): Promise<HttpResponse> {
		this.calls.push({ request, kind });
		const next = this.answers.shift();
		if (!next) throw new Error(`No canned answer for ${request.method} ${request.url}`);
		return typeof next === 'function' ? next(request) : next;
	}

	get last(): { request: HttpRequest; kind: RequestKind } {
		return this.calls[this.calls.length - 1];
	}
}

export function context(http: HttpClient, baseUrl = 'https://provider.test/'): ProviderContext {
	return { http, baseUrl, signal: new AbortController().signal };
}

export function image(overrides: Partial<ImageInput> = {}): ImageInput {
	return {
		data: Buffer.from('\x89PNG fake image bytes'),
		mimeType: 'image/png',
		fileName: 'photo.png',
		width: 1024,
		height: 1024,
		...overrides,
	};
}

type RequestOverrides = Partial<Omit<JobRequest, 'options'>> & { options?: Partial<JobRequest['options']> };

export function jobRequest(overrides: RequestOverrides = {}): JobRequest {
	const { options, ...rest } = overrides;
	return {
		operation: 'edit',
		image: image(),
		mask: image({ fileName: 'mask.png', data: Buffer.from('mask bytes') }),
		prompt: 'A cat wearing a hat',
		...rest,
		options: { seed: 12345, numImages: 1, ...options },
	};
}

/** The JSON a request carried (adapters hand JSON bodies as objects/arrays). */
export function sentJson(request: HttpRequest): any {
	if (Buffer.isBuffer(request.body)) return JSON.parse(request.body.toString('utf8'));
	return JSON.parse(JSON.stringify(request.body));
}

/** The bytes a form-data body streams (the chunks, in order, as they would reach the socket). */
export async function formChunks(form: FormDataStream): Promise<Buffer[]> {
	return await new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		form.on('data', (chunk: Buffer | string) => chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
		form.on('end', () => resolve(chunks));
		form.on('error', reject);
		form.resume();
	});
}

/** Encodes a request's multipart body as it would be sent, and parses it back with the platform's own parser (undici). */
export async function sentForm(request: HttpRequest): Promise<FormData> {
	if (!(request.body instanceof MultipartForm)) throw new Error('expected a multipart body');
	const form = request.body.toFormData();
	const length = form.getLengthSync();
	const bytes = Buffer.concat(await formChunks(form));
	if (bytes.length !== length) throw new Error(`multipart length ${length}, ${bytes.length} bytes`);
	return new Response(new Uint8Array(bytes), { headers: form.getHeaders() as Record<string, string> }).formData();
}

/** Runs a promise that must reject with a ProviderError, and returns it. */
export async function providerErrorOf(promise: Promise<unknown>): Promise<ProviderError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof ProviderError) return error;
		throw new Error(`expected a ProviderError, got ${String(error)}`);
	}
	throw new Error('expected a ProviderError, got success');
}
