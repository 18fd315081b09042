/**
 * Child process of the memory benchmark (bench/memory.ts): one Edit through n8n's engine, binary
 * data in filesystem mode, measured from a fresh baseline; or one step of the package alone.
 *
 * The files enter n8n as a Read File node brings them: streamed into the binary data store. After
 * a warm-up run on a small image (modules, sharp, connections), the baseline is taken when the
 * Edit is about to get its item, after two GCs have freed what reading the files left. Then the
 * kernel's peak-RSS mark is reset (/proc/self/clear_refs) and memory is sampled every 10 ms; the
 * peak RSS is the kernel's high-water mark (VmHWM), which a sample can miss but the kernel cannot.
 * Prints one JSON line.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IExecuteFunctions, INode, INodeExecutionData, INodeParameters, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { runWorkflow, type WorkflowJson } from '../test/harness/engine';
import { packageNode } from '../test/harness/workflows';
import { CREDENTIAL_TYPE, distModule } from './lib/common';
import { registerNodeType } from './lib/n8nBase';

export interface MemoryChildInput {
	provider: 'runComfy' | 'runware' | 'cometApi' | 'ideogram';
	fakeUrl: string;
	apiKey: string;
	/** Files, or URLs with `asUrls` (Image Source: URL). */
	image: string;
	mask: string;
	warmImage: string;
	warmMask: string;
	asUrls?: boolean;
	/** Items of the Edit, all in flight at once (each with its own copy of the files). */
	items?: number;
	/** More of the Edit node's parameters. */
	parameters?: INodeParameters;
	/** The warm-up's, when `parameters` do not fit its small image (an edit region in pixels). */
	warmParameters?: INodeParameters;
	/**
	 * A step of the package alone instead of the whole Edit: preparing the mask at its own size,
	 * RunComfy's JSON body with the image as a data URI (as sent), fitting the image under 10 MB.
	 */
	mode?: 'mask' | 'dataUriBody' | 'downscale';
}

export interface MemoryChildOutput {
	ok: boolean;
	error?: string;
	downscaledFrom?: string;
	wallMs: number;
	baselineRss: number;
	peakRss: number;
	/** Whether the peak RSS is the kernel's high-water mark (else the largest 10 ms sample). */
	peakRssFromKernel: boolean;
	baselineExternal: number;
	peakExternal: number;
	baselineHeapUsed: number;
	peakHeapUsed: number;
	samples: number;
}

type Task = () => Promise<{ ok: boolean; error?: string; downscaledFrom?: string }>;

const FILE_ITEMS = 'bench.fileItems';
/** Called by the Files node once its items are ready, before the Edit runs (the measured run only). */
let beforeEdit: (() => Promise<void>) | undefined;

/** Emits items whose binaries are streamed from files into n8n's binary data store. */
class FileItemsNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'File Items',
		name: FILE_ITEMS,
		group: ['trigger'],
		version: 1,
		description: 'Reads files into binary data',
		defaults: { name: 'Files' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Files', name: 'files', type: 'json', default: '{}' },
			{ displayName: 'Items', name: 'items', type: 'number', default: 1 },
		],
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
function editTask(input: MemoryChildInput, parameters: INodeParameters | undefined, image: string, mask: string, asUrls = false, items = 1): Task {
	const files: INode = { id: 'files-id', name: 'Files', type: FILE_ITEMS, typeVersion: 1, position: [0, 0], parameters: { files: JSON.stringify(asUrls ? {} : { data: image, mask }), items } };
	const sources = asUrls ? { imageSource: 'url', imageUrl: image, maskSource: 'url', maskUrl: mask } : { imageSource: 'binary', maskSource: 'binary' };
	const edit = packageNode('Ideogram', 'ideogramEdit', { provider: input.provider, ...sources, prompt: 'a bowl of lemons', maskEditColor: 'white', options: {}, ...parameters });
	const workflow: WorkflowJson = { nodes: [files, edit], connections: { Files: { main: [[{ node: 'Ideogram', type: 'main', index: 0 }]] } } };
	const credentials = { [CREDENTIAL_TYPE[input.provider]]: { apiKey: input.apiKey, baseUrl: input.fakeUrl } };
	return async () => {
		const result = await runWorkflow(workflow, { credentials });
		const error = result.run.data.resultData.error;
		const outputs = result.output('Ideogram');
		const out = outputs.length === items && outputs.every((o) => o.binary) ? outputs[0] : undefined;
		const downscaledFrom = out?.json.downscaledFrom;
		return {
			ok: !error && !!out?.binary,
			...(error ? { error: `${error.message} ${(error as { description?: string }).description ?? ''}`.trim() } : {}),
			...(typeof downscaledFrom === 'string' ? { downscaledFrom } : {}),
		};
	};
}

interface MaskModule {
	readImageInfo(data: Buffer): Promise<{ width: number; height: number }>;
	prepareMask(input: Record<string, unknown>): Promise<unknown>;
	fitToLimit(image: unknown, limit: unknown, allow: boolean): Promise<unknown>;
}
interface BodyModules {
	buildRunComfyInput(request: unknown): Record<string, unknown>;
	buildRequestOptions(request: unknown, signal: AbortSignal, stream: boolean, follow: boolean): { body?: string | Buffer | AsyncIterable<Buffer> };
}

/** One step of the package alone, on the built code, for the breakdown of the Edit's peak. */
function stepTask(mode: NonNullable<MemoryChildInput['mode']>, image: string, mask: string): Task {
	const { readImageInfo, prepareMask, fitToLimit } = distModule<MaskModule>('image/index.js');
	return async () => {
		const data = fs.readFileSync(mode === 'mask' ? mask : image);
		const info = await readImageInfo(data);
		if (mode === 'mask') {
			await prepareMask({ imageWidth: info.width, imageHeight: info.height, mask: data, editColor: 'white', providerEditColor: 'white' });
			return { ok: true };
		}
		if (mode === 'downscale') {
			await fitToLimit({ data, info }, { maxBytes: 10 * 1024 * 1024 }, true);
			return { ok: true };
		}
		// RunComfy's JSON body as the package builds it, then the transport's request options, whose
		// body is read as a socket would (a stream, encoded while read) or taken whole.
		const { buildRunComfyInput } = distModule<BodyModules>('providers/runComfy.js');
		const { buildRequestOptions } = distModule<BodyModules>('engine/n8nTransport.js');
		const image_ = { data, mimeType: 'image/png', fileName: 'photo.png', width: info.width, height: info.height };
		const body = buildRunComfyInput({ operation: 'replaceBackground', image: image_, prompt: 'a bowl of lemons', options: { numImages: 1, seed: 1 } });
		const options = buildRequestOptions({ method: 'POST', url: 'http://127.0.0.1/', body }, new AbortController().signal, false, false);
		let sentBytes = typeof options.body === 'string' ? Buffer.byteLength(options.body) : Buffer.isBuffer(options.body) ? options.body.length : 0;
		if (options.body && typeof options.body !== 'string' && !Buffer.isBuffer(options.body)) for await (const chunk of options.body) sentBytes += chunk.length;
		return { ok: sentBytes > data.length };
	};
}

function kernelPeakRss(): number | undefined {
	try {
		const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
		return m ? Number(m[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

function resetKernelPeak(): boolean {
	try {
		fs.writeFileSync('/proc/self/clear_refs', '5');
		return true;
	} catch {
		return false;
	}
}

async function main(): Promise<MemoryChildOutput> {
	const input = JSON.parse(process.argv[2]) as MemoryChildInput;
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('run with --expose-gc');
	if (!input.mode) await registerNodeType(FILE_ITEMS, new FileItemsNode());
	const task = (image: string, mask: string, measured: boolean) =>
		input.mode
			? stepTask(input.mode, image, mask)
			: measured
				? editTask(input, input.parameters, image, mask, input.asUrls, input.items)
				: editTask(input, input.warmParameters ?? input.parameters, image, mask);

	const warm = await task(input.warmImage, input.warmMask, false)();
	if (!warm.ok) throw new Error(`warm-up failed: ${warm.error ?? 'no output'}`);

	let base = process.memoryUsage();
	let [kernel, peakRss, peakExternal, peakHeapUsed, samples, start] = [false, 0, 0, 0, 0, 0];
	let timer: NodeJS.Timeout | undefined;
	const sample = () => {
		const m = process.memoryUsage();
		[peakRss, peakExternal, peakHeapUsed] = [Math.max(peakRss, m.rss), Math.max(peakExternal, m.external), Math.max(peakHeapUsed, m.heapUsed)];
		samples++;
	};
	const startMeasuring = async () => {
		gc();
		await new Promise((resolve) => setTimeout(resolve, 100));
		gc();
		base = process.memoryUsage();
		kernel = resetKernelPeak() && kernelPeakRss() !== undefined;
		[peakRss, peakExternal, peakHeapUsed] = [base.rss, base.external, base.heapUsed];
		timer = setInterval(sample, 10);
		start = Date.now();
	};
	const measured = task(input.image, input.mask, true);
	if (input.mode) await startMeasuring();
	else beforeEdit = startMeasuring;
	const result = await measured();
	const wallMs = Date.now() - start;
	sample();
	clearInterval(timer);
	if (!timer) throw new Error('the measured run never reached the Edit');
	if (kernel) peakRss = Math.max(peakRss, kernelPeakRss() ?? 0);
	const baseline = { baselineRss: base.rss, baselineExternal: base.external, baselineHeapUsed: base.heapUsed };
	return { ...result, wallMs, ...baseline, peakRss, peakRssFromKernel: kernel, peakExternal, peakHeapUsed, samples };
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
