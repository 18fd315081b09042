/**
 * Child process of the memory benchmark (bench/memory.ts): one Edit of one large image through
 * n8n's engine with binary data in filesystem mode, measured from a fresh baseline.
 *
 * The input files enter n8n the way a Read File node brings them: streamed into the binary data
 * store, so the process holds no copy of them before the package's node runs. After a warm-up
 * run on a small image (modules, sharp, connections), the measured run's baseline is taken when
 * the Edit is about to get its item: the files are in the store and two GCs have freed what
 * reading them left (up to the file's size in dead read chunks, which are not the Edit's). Then
 * the kernel's peak-RSS mark is reset (/proc/self/clear_refs) and memory is sampled every 10 ms;
 * the peak RSS is the kernel's high-water mark (VmHWM), which a sample can miss but the kernel
 * cannot. Prints one JSON line.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { runWorkflow, type WorkflowJson } from '../test/harness/engine';
import { packageNode } from '../test/harness/workflows';
import { CREDENTIAL_TYPE } from './lib/common';
import { registerNodeType } from './lib/n8nBase';

export interface MemoryChildInput {
	provider: 'runComfy' | 'runware' | 'cometApi' | 'ideogram';
	fakeUrl: string;
	apiKey: string;
	image: string;
	mask: string;
	warmImage: string;
	warmMask: string;
	/** Give the image and mask as URLs (Image Source: URL) instead of binary data: `image`/`mask` are then URLs. */
	asUrls?: boolean;
	/** Items of the edit, all in flight at once (each with its own copy of the files). Default 1. */
	items?: number;
	/**
	 * `workflow` (default): the whole Edit through n8n. The others measure one step of the package
	 * alone: `mask` preparing the mask at its own size, `dataUriBody` RunComfy's JSON body with the
	 * image as a data URI (as sent), `downscale` fitting the image under 10 MB.
	 */
	mode?: 'workflow' | 'mask' | 'dataUriBody' | 'downscale';
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

const FILE_ITEMS = 'bench.fileItems';

/** Called by the Files node once its items are ready, before the Edit runs (the measured run only). */
let beforeEdit: (() => Promise<void>) | undefined;

/** Emits one item whose binaries are streamed from files into n8n's binary data store. */
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
		const count = this.getNodeParameter('items', 0) as number;
		const items: INodeExecutionData[] = [];
		for (let n = 0; n < count; n++) {
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

function workflow(input: MemoryChildInput, image: string, mask: string, asUrls = false, items = 1): WorkflowJson {
	const files: import('n8n-workflow').INode = {
		id: 'files-id',
		name: 'Files',
		type: FILE_ITEMS,
		typeVersion: 1,
		position: [0, 0],
		parameters: { files: JSON.stringify(asUrls ? {} : { data: image, mask }), items },
	};
	const sources = asUrls
		? { imageSource: 'url', imageUrl: image, maskSource: 'url', maskUrl: mask }
		: { imageSource: 'binary', maskSource: 'binary' };
	const edit = packageNode('Ideogram', 'ideogramEdit', {
		provider: input.provider,
		...sources,
		prompt: 'a bowl of lemons',
		maskEditColor: 'white',
		options: {},
	});
	return { nodes: [files, edit], connections: { Files: { main: [[{ node: 'Ideogram', type: 'main', index: 0 }]] } } };
}

function traceStages(base: NodeJS.MemoryUsage): void {
	const mb = (n: number) => (n / 1048576).toFixed(0).padStart(5);
	const show = (label: string) => {
		const m = process.memoryUsage();
		process.stderr.write(
			`${label.padEnd(28)} rss ${mb(m.rss - base.rss)} heap ${mb(m.heapUsed - base.heapUsed)} ext ${mb(m.external - base.external)} hwm ${mb((kernelPeakRss() ?? 0) - base.rss)}\n`,
		);
	};
	const wrap = (file: string, name: string) => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(path.join(__dirname, '..', 'dist/nodes/shared', file)) as Record<string, (...a: unknown[]) => Promise<unknown>>;
		const original = mod[name];
		mod[name] = async (...args: unknown[]) => {
			show(`> ${name}`);
			try {
				return await original(...args);
			} finally {
				show(`< ${name}`);
			}
		};
	};
	wrap('pipeline/inputs.js', 'loadInputs');
	// The modules that define them: mask/index.js re-exports through getters, which cannot be replaced.
	wrap('mask/imageInfo.js', 'readImageInfo');
	wrap('mask/prepare.js', 'prepareMask');
	wrap('mask/fit.js', 'fitToLimit');
	wrap('pipeline/jobs.js', 'submitJob');
	wrap('pipeline/jobs.js', 'waitForJob');
	wrap('pipeline/outputs.js', 'buildImageItems');
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

type Task = () => Promise<{ ok: boolean; error?: string; downscaledFrom?: string }>;

function distModule(file: string): Record<string, (...args: never[]) => unknown> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(path.join(__dirname, '..', 'dist/nodes/shared', file)) as Record<string, (...args: never[]) => unknown>;
}

/** One step of the package alone, on the built code, for the breakdown of the workflow's peak. */
function componentTask(mode: Exclude<MemoryChildInput['mode'], 'workflow' | undefined>, image: string, mask: string): Task {
	const maskModule = distModule('mask/index.js') as unknown as {
		readImageInfo(data: Buffer): Promise<{ width: number; height: number; bytes: number }>;
		prepareMask(input: Record<string, unknown>): Promise<unknown>;
		fitToLimit(image: unknown, limit: unknown, allow: boolean): Promise<{ downscaledFrom?: { width: number; height: number } }>;
	};
	return async () => {
		if (mode === 'mask') {
			const data = fs.readFileSync(mask);
			const info = await maskModule.readImageInfo(data);
			await maskModule.prepareMask({ imageWidth: info.width, imageHeight: info.height, mask: data, editColor: 'white', providerEditColor: 'white' });
			return { ok: true };
		}
		const data = fs.readFileSync(image);
		const info = await maskModule.readImageInfo(data);
		if (mode === 'downscale') {
			const fitted = await maskModule.fitToLimit({ data, info }, { maxBytes: 10 * 1024 * 1024 }, true);
			return { ok: true, ...(fitted.downscaledFrom ? { downscaledFrom: `${fitted.downscaledFrom.width}x${fitted.downscaledFrom.height}` } : {}) };
		}
		// dataUriBody: RunComfy's JSON body with the image as a data URI, as the package builds it,
		// then the transport's request options, whose body is sent: read here as a socket would
		// (a stream, encoded while read), or taken whole (a Buffer, or a string axios would copy).
		const { buildRunComfyInput } = distModule('providers/runComfy.js') as unknown as { buildRunComfyInput(r: unknown): Record<string, unknown> };
		const { buildRequestOptions } = distModule('engine/n8nTransport.js') as unknown as {
			buildRequestOptions(r: unknown, s: AbortSignal, stream: boolean, follow: boolean): { body?: string | Buffer | AsyncIterable<Buffer> };
		};
		const input = buildRunComfyInput({
			operation: 'replaceBackground',
			image: { data, mimeType: 'image/png', fileName: 'photo.png', width: info.width, height: info.height },
			prompt: 'a bowl of lemons',
			options: { numImages: 1, seed: 1 },
		});
		const options = buildRequestOptions({ method: 'POST', url: 'http://127.0.0.1/', body: input }, new AbortController().signal, false, false);
		let sentBytes = 0;
		if (typeof options.body === 'string') sentBytes = Buffer.from(options.body, 'utf8').length;
		else if (Buffer.isBuffer(options.body)) sentBytes = options.body.length;
		else if (options.body) for await (const chunk of options.body) sentBytes += chunk.length;
		return { ok: sentBytes > data.length };
	};
}

async function main(): Promise<MemoryChildOutput> {
	const input = JSON.parse(process.argv[2]) as MemoryChildInput;
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('run with --expose-gc');
	let warmUp: Task;
	let task: Task;
	if (input.mode && input.mode !== 'workflow') {
		warmUp = componentTask(input.mode, input.warmImage, input.warmMask);
		task = componentTask(input.mode, input.image, input.mask);
	} else {
		await registerNodeType(FILE_ITEMS, new FileItemsNode());
		const credentials = { [CREDENTIAL_TYPE[input.provider]]: { apiKey: input.apiKey, baseUrl: input.fakeUrl } };
		const run = (image: string, mask: string, asUrls?: boolean, items = 1): Task => async () => {
			const result = await runWorkflow(workflow(input, image, mask, asUrls, items), { credentials });
			const error = result.run.data.resultData.error;
			const outputs = result.output('Ideogram');
			const out = outputs.length === items && outputs.every((o) => o.binary) ? outputs[0] : undefined;
			const json = (out?.json ?? {}) as Record<string, unknown>;
			return {
				ok: !error && !!out?.binary,
				...(error ? { error: `${error.message} ${(error as { description?: string }).description ?? ''}`.trim() } : {}),
				...(typeof json.downscaledFrom === 'string' ? { downscaledFrom: json.downscaledFrom } : {}),
			};
		};
		warmUp = run(input.warmImage, input.warmMask);
		task = run(input.image, input.mask, input.asUrls, input.items ?? 1);
	}

	const warm = await warmUp();
	if (!warm.ok) throw new Error(`warm-up failed: ${warm.error ?? 'no output'}`);

	let base = process.memoryUsage();
	let kernel = false;
	let peakRss = 0;
	let peakExternal = 0;
	let peakHeapUsed = 0;
	let samples = 0;
	const sample = () => {
		const m = process.memoryUsage();
		peakRss = Math.max(peakRss, m.rss);
		peakExternal = Math.max(peakExternal, m.external);
		peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
		samples++;
	};
	let timer: NodeJS.Timeout | undefined;
	let start = 0;
	const startMeasuring = async () => {
		gc();
		await new Promise((resolve) => setTimeout(resolve, 100));
		gc();
		base = process.memoryUsage();
		kernel = resetKernelPeak() && kernelPeakRss() !== undefined;
		[peakRss, peakExternal, peakHeapUsed] = [base.rss, base.external, base.heapUsed];
		timer = setInterval(sample, 10);
		// BENCH_MEMORY_TRACE=1: print memory at the start and end of the package's phases (diagnosis).
		if (process.env.BENCH_MEMORY_TRACE) traceStages(base);
		start = Date.now();
	};
	if (input.mode && input.mode !== 'workflow') await startMeasuring();
	else beforeEdit = startMeasuring;
	const result = await task();
	const wallMs = Date.now() - start;
	sample();
	clearInterval(timer);
	if (!timer) throw new Error('the measured run never reached the Edit');
	if (kernel) peakRss = Math.max(peakRss, kernelPeakRss() ?? 0);
	return {
		...result,
		wallMs,
		baselineRss: base.rss,
		peakRss,
		peakRssFromKernel: kernel,
		baselineExternal: base.external,
		peakExternal,
		baselineHeapUsed: base.heapUsed,
		peakHeapUsed,
		samples,
	};
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
