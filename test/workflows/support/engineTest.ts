/**
 * Helpers for the engine tests in test/workflows/: credentials for the fakes, reading what a fake
 * received (JSON, data URIs, multipart files), decoding images with sharp, checking output items
 * against docs/interface.md, and a tiny local HTTP server for URL inputs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { NodeHelpers } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { binaryBytes, loadPackage, runWorkflow, type RunResult, type TestItem, type WorkflowJson } from '../../harness/engine';
import { CREDENTIAL_TYPE, packageNode, chain, type NodeName, type NodeSettings } from '../../harness/workflows';
import type { FakeServer, ProviderName, RecordedRequest } from '../../fakes';

export { CREDENTIAL_TYPE };

export const NODE_OF: Record<'edit' | 'reframe' | 'replaceBackground', NodeName> = {
	edit: 'ideogramEdit',
	reframe: 'ideogramReframe',
	replaceBackground: 'ideogramReplaceBackground',
};

/** Wire path segment of each operation (RunComfy model id, Ideogram/CometAPI path). */
export const OPERATION_PATH = { edit: 'edit', reframe: 'reframe', replaceBackground: 'replace-background' } as const;

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Test credentials pointing at the given fakes (baseUrl with a trailing slash: it must not matter). */
export function credentialsFor(...fakes: FakeServer[]) {
	return Object.fromEntries(fakes.map((f) => [CREDENTIAL_TYPE[f.provider], { apiKey: f.apiKey, baseUrl: `${f.url}/` }]));
}

export async function run(workflow: WorkflowJson, fakes: FakeServer[], cancelAfterMs?: number): Promise<RunResult> {
	return await runWorkflow(workflow, { credentials: credentialsFor(...fakes), cancelAfterMs });
}

/** Start → one package node named `Ideogram`. */
export function oneNode(type: NodeName, parameters: IDataObject, items: TestItem[], settings?: NodeSettings): WorkflowJson {
	return chain(items, packageNode('Ideogram', type, parameters as INodeParameters, settings));
}

export const submits = (fake: FakeServer) => fake.requests.filter((r) => r.kind === 'submit');
export const downloads = (fake: FakeServer) => fake.requests.filter((r) => r.kind === 'download');

export function decodeDataUri(uri: unknown): { mime: string; bytes: Buffer } {
	const m = /^data:([^;,]+);base64,(.*)$/s.exec(String(uri));
	if (!m) throw new Error(`not a base64 data URI: ${String(uri).slice(0, 60)}`);
	return { mime: m[1], bytes: Buffer.from(m[2], 'base64') };
}

export function multipartFile(req: RecordedRequest, name: string) {
	const files = req.multipart?.files[name] ?? [];
	if (files.length !== 1) throw new Error(`expected exactly one file part "${name}", got ${files.length}`);
	return files[0];
}

/** Text parts of a multipart request as name → values. */
export function multipartFields(req: RecordedRequest): Record<string, string[]> {
	if (!req.multipart) throw new Error(`request ${req.method} ${req.path} is not multipart`);
	return req.multipart.fields;
}

export const MIME_OF: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };
export const EXT_OF: Record<string, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };

export async function imageMeta(bytes: Buffer) {
	const m = await sharp(bytes).metadata();
	return { width: m.width!, height: m.height!, format: m.format as string, hasAlpha: !!m.hasAlpha };
}

/** One byte per pixel, luminance (alpha ignored). */
export async function greyPixels(bytes: Buffer) {
	const { data, info } = await sharp(bytes).removeAlpha().greyscale().raw().toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height };
}

export interface Rect {
	left: number;
	top: number;
	width: number;
	height: number;
}

/**
 * Checks every pixel of a received mask: inside `rect` it is `editColor`, elsewhere the other
 * colour (pure black 0 / white 255). Returns the number of wrong pixels (0 expected) and a sample.
 */
export async function maskMismatches(mask: Buffer, rect: Rect, editColor: 'black' | 'white') {
	const { data, width, height } = await greyPixels(mask);
	const edit = editColor === 'black' ? 0 : 255;
	const keep = 255 - edit;
	let wrong = 0;
	let first: string | undefined;
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++) {
			const inside = x >= rect.left && x < rect.left + rect.width && y >= rect.top && y < rect.top + rect.height;
			const want = inside ? edit : keep;
			const got = data[y * width + x];
			if (got !== want) {
				wrong++;
				first ??= `(${x},${y}) is ${got}, want ${want}`;
			}
		}
	return { wrong, first, width, height };
}

/** Output item keys in a stable order, for exact comparisons. */
export const keysOf = (item: INodeExecutionData) => Object.keys(item.json).sort();

/**
 * Checks an image output item's binary: bytes decode to `size`, MIME type matches the bytes, file
 * name `<operation>-<WxH>-<index>.<ext>`. Returns the decoded metadata.
 */
export async function checkImageBinary(
	item: INodeExecutionData,
	expected: { operation: string; imageIndex: number; width: number; height: number; property?: string; format?: string },
) {
	const binary = item.binary?.[expected.property ?? 'data'];
	if (!binary) throw new Error(`output item has no binary "${expected.property ?? 'data'}": ${JSON.stringify(item.json)}`);
	const bytes = await binaryBytes(binary);
	const meta = await imageMeta(bytes);
	expect({ width: meta.width, height: meta.height }).toEqual({ width: expected.width, height: expected.height });
	if (expected.format) expect(meta.format).toBe(expected.format);
	expect(binary.mimeType).toBe(MIME_OF[meta.format]);
	expect(binary.fileName).toBe(
		`${expected.operation}-${expected.width}x${expected.height}-${expected.imageIndex}.${EXT_OF[meta.format]}`,
	);
	return { ...meta, bytes };
}

export interface FileServer {
	url: string;
	/** Each request, with how much of the file went out and whether all of it did. */
	requests: Array<{ path: string; headers: http.IncomingHttpHeaders; sentBytes: number; complete: boolean }>;
	close(): Promise<void>;
}

/**
 * A tiny http server serving fixed files (path → bytes) in paced 64 KB pieces, so a client that
 * stops reading is seen; records requests. `chunked`: without Content-Length.
 */
export async function startFileServer(files: Record<string, { body: Buffer; type: string; chunked?: boolean }>): Promise<FileServer> {
	const requests: FileServer['requests'] = [];
	const server = http.createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		const request = { path, headers: req.headers, sentBytes: 0, complete: false };
		requests.push(request);
		const file = files[path];
		if (!file) {
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('not found');
			return;
		}
		res.writeHead(200, { 'content-type': file.type, ...(file.chunked ? {} : { 'content-length': String(file.body.length) }) });
		const next = () => {
			if (res.destroyed) return;
			const piece = file.body.subarray(request.sentBytes, request.sentBytes + 64 * 1024);
			request.sentBytes += piece.length;
			if (request.sentBytes >= file.body.length) return void res.end(piece, () => (request.complete = true));
			// Paced, so the file is still being sent when a client that wanted only its start closes.
			res.write(piece, () => setTimeout(next, 2));
		};
		next();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** The RGBA mask whose `rect` is transparent (hidden colour black) and the rest opaque red (the design-tool convention). */
export async function makeTransparentMask(width: number, height: number, rect: Rect) {
	const data = Buffer.alloc(width * height * 4);
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++) {
			const inside = x >= rect.left && x < rect.left + rect.width && y >= rect.top && y < rect.top + rect.height;
			const p = (y * width + x) * 4;
			if (!inside) data.set([200, 30, 30, 255], p);
		}
	return await sharp(data, { raw: { width, height, channels: 4 } }).png().toBuffer();
}

/** The error a node raised, with the fields n8n shows the user. */
export function nodeError(result: RunResult, nodeName = 'Ideogram') {
	const error = result.error(nodeName);
	if (!error) throw new Error(`node ${nodeName} did not fail; output: ${JSON.stringify(result.output(nodeName).map((i) => i.json))}`);
	return error as typeof error & { name: string; description?: string; context?: Record<string, unknown> };
}

/**
 * Whether an option in `parameters.options` survives n8n's own parameter resolution (which drops
 * values of options the description hides for the current provider) and so reaches the node.
 */
export async function optionReachesNode(type: NodeName, parameters: INodeParameters, option: string): Promise<boolean> {
	const loader = await loadPackage();
	const description = (loader.nodeTypes[type].type as INodeType).description;
	const node = packageNode('probe', type, parameters);
	const resolved = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description);
	return (resolved?.options as IDataObject | undefined)?.[option] !== undefined;
}
