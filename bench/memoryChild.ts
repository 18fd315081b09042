/**
 * Child process of the memory benchmark (bench/memory.ts): one Edit through n8n's engine, or one
 * step of the package alone, measured from a fresh baseline as BENCHMARKS.md's notes
 * (`memory-method`) describe. Prints one JSON line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NodeConnectionTypes, type IExecuteFunctions, type INode, type INodeExecutionData, type INodeParameters, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import type { ProviderName } from '../test/fakes';
import { runWorkflow } from '../test/harness/engine';
import { packageNode } from '../test/harness/workflows';
import { CREDENTIAL_TYPE, distModule, sleep } from './lib/common';
import { registerNodeType } from './lib/n8nBase';

/**
 * `image` and `mask`: files, or URLs with `asUrls` (Image Source: URL); `items` in flight at once, each with its own copy of
 * the files; `parameters`: more of the Edit's, `warmParameters` the warm-up's where those do not fit its small image; `mode`:
 * a step of the package alone (preparing the mask, RunComfy's submit with the image as a data URI, fitting it under 10 MB).
 */
export type MemoryChildInput = { provider: ProviderName; fakeUrl: string; apiKey: string; image: string; mask: string; warmImage: string; warmMask: string } & Partial<{
	asUrls: boolean; items: number; parameters: INodeParameters; warmParameters: INodeParameters; mode: 'mask' | 'dataUriBody' | 'downscale';
}>; // prettier-ignore

type Outcome = { ok: boolean; error?: string; downscaledFrom?: string };
export type MemoryChildOutput = Outcome & { wallMs: number; baselineRss: number; peakRss: number; baselineExternal: number; peakExternal: number };

const FILE_ITEMS = 'bench.fileItems';
/** Called by the Files node once its items are ready, before the Edit runs (the measured run only). */
let beforeEdit: (() => Promise<void>) | undefined;

/** Emits items whose binaries are streamed from files into n8n's binary data store. */
class FileItemsNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'File Items', name: FILE_ITEMS, group: ['trigger'], version: 1, description: 'Reads files into binary data', defaults: { name: 'Files' }, inputs: [], outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Files', name: 'files', type: 'json', default: '{}' }, { displayName: 'Items', name: 'items', type: 'number', default: 1 }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const files = JSON.parse(this.getNodeParameter('files', 0) as string) as Record<string, string>;
		const items: INodeExecutionData[] = [];
		for (let n = 0; n < (this.getNodeParameter('items', 0) as number); n++) {
			const binary: INodeExecutionData['binary'] = {};
			for (const [property, file] of Object.entries(files)) {
				binary[property] = await this.helpers.prepareBinaryData(fs.createReadStream(file), path.basename(file), file.endsWith('.jpg') ? 'image/jpeg' : 'image/png');
			}
			items.push({ json: {}, binary });
		}
		await beforeEdit?.();
		return [items];
	}
}

/** The whole Edit of `image` with `mask`. */
async function edit(input: MemoryChildInput, parameters: INodeParameters | undefined, image: string, mask: string, asUrls = false, items = 1): Promise<Outcome> {
	const files: INode = { id: 'files-id', name: 'Files', type: FILE_ITEMS, typeVersion: 1, position: [0, 0], parameters: { files: JSON.stringify(asUrls ? {} : { data: image, mask }), items } };
	const sources = asUrls ? { imageSource: 'url', imageUrl: image, maskSource: 'url', maskUrl: mask } : { imageSource: 'binary', maskSource: 'binary' };
	const node = packageNode('Ideogram', 'ideogramEdit', { provider: input.provider, ...sources, prompt: 'a bowl of lemons', maskEditColor: 'white', options: {}, ...parameters });
	const credentials = { [CREDENTIAL_TYPE[input.provider]]: { apiKey: input.apiKey, baseUrl: input.fakeUrl } };
	const result = await runWorkflow({ nodes: [files, node], connections: { Files: { main: [[{ node: 'Ideogram', type: 'main', index: 0 }]] } } }, { credentials });
	const error = result.run.data.resultData.error;
	const outputs = result.output('Ideogram');
	const out = outputs.length === items && outputs.every((o) => o.binary) ? outputs[0] : undefined;
	const downscaledFrom = out?.json.downscaledFrom;
	return {
		ok: !error && !!out?.binary,
		...(error ? { error: `${error.message} ${(error as { description?: string }).description ?? ''}`.trim() } : {}),
		...(typeof downscaledFrom === 'string' ? { downscaledFrom } : {}),
	};
}

type Fn = (...args: never[]) => Promise<unknown>;
type Submit = { submit(ctx: unknown, request: unknown): Promise<unknown> };

/**
 * One step of the package alone, on the built code through its modules' entry points. The data
 * URI: RunComfy's adapter submits through the package's transport to n8n's request helper, here
 * a stand-in that reads the body as a socket would (a stream, encoded while read) and answers.
 */
async function step(mode: NonNullable<MemoryChildInput['mode']>, image: string, mask: string): Promise<Outcome> {
	const { readImageInfo, prepareMask, fitToLimit } = distModule<Record<string, Fn>>('image/index.js');
	const data = fs.readFileSync(mode === 'mask' ? mask : image);
	const info = (await readImageInfo(data as never)) as { width: number; height: number };
	if (mode === 'mask') return { ok: !!(await prepareMask({ imageWidth: info.width, imageHeight: info.height, mask: data, editColor: 'white', providerEditColor: 'white' } as never)) };
	if (mode === 'downscale') return { ok: !!(await fitToLimit({ data, info } as never, { maxBytes: 10 * 1024 * 1024 } as never, true as never)) };
	const { createN8nTransport, createHttpClient } = distModule<{ createN8nTransport(ctx: unknown, credentialType: string): unknown; createHttpClient(transport: unknown, options: unknown): unknown }>('engine/index.js');
	const runComfy = distModule<{ PROVIDERS: Array<Submit & { name: string }> }>('providers/registry.js').PROVIDERS.find((p) => p.name === 'runComfy')!;
	let sentBytes = 0;
	const httpRequestWithAuthentication = async (_credentialType: string, { body }: { body: Buffer | AsyncIterable<Buffer> }) => {
		if (Buffer.isBuffer(body)) sentBytes = body.length;
		else for await (const chunk of body) sentBytes += chunk.length;
		return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"request_id":"0b5e3f52-3c1e-4a8e-9d1f-6f0a2b7c9d10"}') };
	};
	const signal = new AbortController().signal;
	const http = createHttpClient(createN8nTransport({ helpers: { httpRequestWithAuthentication } }, 'runComfyApi'), { signal });
	const photo = { data, mimeType: 'image/png', fileName: 'photo.png', width: info.width, height: info.height };
	await runComfy.submit({ http, baseUrl: 'http://127.0.0.1', signal }, { operation: 'replaceBackground', image: photo, prompt: 'a bowl of lemons', options: { numImages: 1, seed: 1 } });
	return { ok: sentBytes > data.length };
}

const kernelPeakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;

async function main(): Promise<MemoryChildOutput> {
	const input = JSON.parse(process.argv[2]) as MemoryChildInput;
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('run with --expose-gc');
	if (!input.mode) await registerNodeType(FILE_ITEMS, new FileItemsNode());
	const warm = await (input.mode ? step(input.mode, input.warmImage, input.warmMask) : edit(input, input.warmParameters ?? input.parameters, input.warmImage, input.warmMask));
	if (!warm.ok) throw new Error(`warm-up failed: ${warm.error ?? 'no output'}`);

	let [base, peakRss, peakExternal, start] = [process.memoryUsage(), 0, 0, 0];
	let timer: NodeJS.Timeout | undefined;
	const sample = () => {
		const m = process.memoryUsage();
		[peakRss, peakExternal] = [Math.max(peakRss, m.rss), Math.max(peakExternal, m.external)];
	};
	const startMeasuring = async () => {
		gc();
		await sleep(100);
		gc();
		base = process.memoryUsage();
		fs.writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM
		[peakRss, peakExternal] = [base.rss, base.external];
		timer = setInterval(sample, 10);
		start = Date.now();
	};
	if (input.mode) await startMeasuring();
	else beforeEdit = startMeasuring;
	const result = await (input.mode ? step(input.mode, input.image, input.mask) : edit(input, input.parameters, input.image, input.mask, input.asUrls, input.items));
	const wallMs = Date.now() - start;
	sample();
	clearInterval(timer);
	if (!timer) throw new Error('the measured run never reached the Edit');
	peakRss = Math.max(peakRss, kernelPeakRss());
	return { ...result, wallMs, baselineRss: base.rss, peakRss, baselineExternal: base.external, peakExternal };
}

main().then(
	(output) => {
		process.stdout.write(`${JSON.stringify(output)}\n`);
		process.exit(0);
	},
	(error: unknown) => {
		process.stdout.write(`${JSON.stringify({ ok: false, error: String((error as Error).stack ?? error) })}\n`);
		process.exit(1);
	},
);
