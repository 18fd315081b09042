/**
 * 4. Memory while editing a large image on each provider: one child process per row (a fresh
 * baseline; see memoryChild.ts), the fake server in this process so its copies of the upload do
 * not count. Peak RSS and external memory over the baseline, as multiples of the image file.
 * A row is one entry of `memoryCases`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import { startFake, type ProviderName } from '../test/fakes';
import { REPO_ROOT, sleep, startImageServer } from './lib/common';
import type { MemoryChildInput, MemoryChildOutput } from './memoryChild';

/** An image and its mask on disk, and how the table names the image. */
interface Source {
	image: string;
	mask: string;
	label: string;
}

export interface MemoryCase {
	provider: ProviderName;
	source: () => Promise<Source>;
	/** How the image reaches the provider (the table's Path column). */
	path: string;
	/** What the target line adds after the provider and the image (" as URL"). */
	short?: string;
	/** Items in flight at once, each with its own copy of the files; the row is per item. */
	items?: number;
	/** Image and mask given as URLs (Image Source: URL), served from this process. */
	asUrls?: boolean;
	/** More of the Edit node's parameters. */
	parameters?: INodeParameters;
	/** The warm-up's on its small image, when `parameters` do not fit it. */
	warmParameters?: INodeParameters;
	/** The child's (the n8n process's) environment. */
	env?: NodeJS.ProcessEnv;
	/** The size the fake must receive the image at (the row is an error otherwise). */
	sentAs?: { width: number; height: number };
}

/** Ideogram and CometAPI take at most 10 MB per image: above it the package downscales. */
const UPLOAD_LIMIT = 10 * 1024 * 1024;

/** Ideogram Edit with 4.6 Precise Edit: High tier, a 2048² box in the middle of an 8192² image. */
const PRECISE_EDIT_46: INodeParameters = {
	model: 'ideogram-4.6',
	maskSource: 'binary',
	options: { quality: 'high', editRegion: 'box', editRegionBox: { box: { unit: 'px', x: 3072, y: 3072, width: 2048, height: 2048 } } },
};
/** The same on the warm-up's 256² image, which the box does not fit: the region found from the mask. */
const PRECISE_EDIT_46_WARM: INodeParameters = { ...PRECISE_EDIT_46, options: { quality: 'high', editRegion: 'auto' } };

/** The rows of the memory table, `side` the large photo's side (4096; 2048 in a quick run). */
export function memoryCases(side: number, items: number): MemoryCase[] {
	const large = photo(side);
	return [
		{ provider: 'runComfy', source: large, path: 'sent as is (data URI)' },
		{ provider: 'runComfy', source: large, path: `${items} items in flight at once, sent as is (data URI); per item`, short: ` × ${items} in flight, per item`, items },
		{ provider: 'runComfy', source: large, path: 'given as URLs (Image Source: URL)', short: ' as URL', asUrls: true },
		{ provider: 'runware', source: large, path: 'sent as is (data URI)' },
		{ provider: 'ideogram', source: large, path: 'downscaled to fit 10 MB (multipart)', short: ' (downscaled)' },
		{ provider: 'cometApi', source: large, path: 'downscaled to fit 10 MB (multipart)', short: ' (downscaled)' },
		{ provider: 'ideogram', source: largestUnderLimit(side), path: 'largest accepted, sent as is (multipart)' },
		{ provider: 'cometApi', source: largestUnderLimit(side), path: 'largest accepted, sent as is (multipart)' },
		{ provider: 'ideogram', source: printPhoto, path: 'print-size photo with its mask, downscaled to fit 10 MB (multipart)' },
		// The same in a process whose glibc keeps fewer malloc arenas (see the notes).
		{ provider: 'ideogram', source: printPhoto, path: 'the same, n8n run with MALLOC_ARENA_MAX=2', short: ' with MALLOC_ARENA_MAX=2', env: { MALLOC_ARENA_MAX: '2' } },
		{ provider: 'ideogram', source: precisePhoto, path: '4.6 Precise Edit, box region, High, sent as is (multipart)', short: ' 4.6 Precise Edit', parameters: PRECISE_EDIT_46, warmParameters: PRECISE_EDIT_46_WARM, sentAs: { width: 8192, height: 8192 } },
		{ provider: 'runware', source: precisePhoto, path: '4.6 Precise Edit, box region, High, sent as is (data URI)', short: ' 4.6 Precise Edit', parameters: PRECISE_EDIT_46, warmParameters: PRECISE_EDIT_46_WARM, sentAs: { width: 8192, height: 8192 } },
	];
}

export interface MemoryRow {
	provider: ProviderName;
	image: string;
	imageBytes: number;
	path: string;
	/** The row in the target's list: provider, image and this. */
	short?: string;
	rssOverBaseline: number;
	externalOverBaseline: number;
	heapOverBaseline: number;
	rssMultiple: number;
	externalMultiple: number;
	wallMs: number;
	peakRssFromKernel: boolean;
	error?: string;
}

/** A step of the package measured alone (same method), to explain the workflows' peaks. */
export interface MemoryPart {
	step: string;
	image: string;
	imageBytes: number;
	rssOverBaseline: number;
	rssMultiple: number;
	error?: string;
}

/** A decompression bomb through the whole Edit: a small file that claims an enormous image. */
export interface MemoryHostileRow {
	what: string;
	fileBytes: number;
	claimedPixels: number;
	rssOverBaseline: number;
	wallMs: number;
	/** The error the user saw (the refusal), or what happened instead. */
	outcome: string;
	refused: boolean;
}

export interface MemoryConfig {
	side: number;
	items: number;
	log: (line: string) => void;
}

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const size = (file: string) => fs.statSync(file).size;

export async function benchMemory(config: MemoryConfig): Promise<{ rows: MemoryRow[]; parts: MemoryPart[]; hostile: MemoryHostileRow[] }> {
	const warm = await photo(256)();
	const rows: MemoryRow[] = [];
	for (const c of memoryCases(config.side, config.items)) {
		const source = await c.source();
		const imageBytes = size(source.image);
		const fake = await startFake(c.provider, { jobDurationMs: 200, recordBodies: false });
		const files = c.asUrls ? await startImageServer({ 'photo.png': { data: fs.readFileSync(source.image), mimeType: 'image/png' }, 'mask.png': { data: fs.readFileSync(source.mask), mimeType: 'image/png' } }) : undefined;
		try {
			const [image, mask] = files ? [files.url('photo.png'), files.url('mask.png')] : [source.image, source.mask];
			const input = { provider: c.provider, fakeUrl: fake.url, apiKey: fake.apiKey, image, mask, warmImage: warm.image, warmMask: warm.mask, asUrls: c.asUrls, items: c.items, parameters: c.parameters, warmParameters: c.warmParameters };
			const out = await runChild(input, c.env);
			const sent = fake.jobs().at(-1);
			if (out.ok && c.sentAs && (sent?.imageWidth !== c.sentAs.width || sent?.imageHeight !== c.sentAs.height))
				Object.assign(out, { ok: false, error: `the fake received ${sent?.imageWidth}×${sent?.imageHeight}, not ${c.sentAs.width}×${c.sentAs.height}` });
			const perItem = c.items ?? 1;
			const notDownscaled = c.path.startsWith('downscaled') && !out.downscaledFrom;
			const row: MemoryRow = {
				provider: c.provider,
				image: `${source.label}, ${mb(imageBytes)}`,
				imageBytes,
				path: notDownscaled ? 'sent as is (multipart)' : c.path,
				...(c.short && !notDownscaled ? { short: c.short } : {}),
				rssOverBaseline: (out.peakRss - out.baselineRss) / perItem,
				externalOverBaseline: (out.peakExternal - out.baselineExternal) / perItem,
				heapOverBaseline: (out.peakHeapUsed - out.baselineHeapUsed) / perItem,
				rssMultiple: (out.peakRss - out.baselineRss) / perItem / imageBytes,
				externalMultiple: (out.peakExternal - out.baselineExternal) / perItem / imageBytes,
				wallMs: out.wallMs,
				peakRssFromKernel: out.peakRssFromKernel,
				...(out.ok ? {} : { error: out.error ?? 'no output image' }),
			};
			config.log(`memory ${c.provider} ${row.image} ${row.path}: RSS +${mb(row.rssOverBaseline)} (${row.rssMultiple.toFixed(2)}×), external +${mb(row.externalOverBaseline)}${row.error ? ` ERROR ${row.error}` : ''}`);
			rows.push(row);
		} finally {
			await files?.close();
			await fake.close();
		}
	}

	const large = await photo(config.side)();
	const parts: MemoryPart[] = [];
	for (const [mode, step] of [
		['mask', `preparing a ${config.side}² mask (RGBA PNG, ${mb(size(large.mask))})`],
		['dataUriBody', 'building and sending the JSON body with a data URI (RunComfy, Runware)'],
		['downscale', 'downscaling the image under 10 MB (Ideogram, CometAPI)'],
	] as const) {
		const out = await runChild({ provider: 'runComfy', fakeUrl: '', apiKey: '', image: large.image, mask: large.mask, warmImage: warm.image, warmMask: warm.mask, mode });
		const rss = out.peakRss - out.baselineRss;
		parts.push({ step, image: `${large.label}, ${mb(size(large.image))}`, imageBytes: size(large.image), rssOverBaseline: rss, rssMultiple: rss / size(large.image), ...(out.ok ? {} : { error: out.error ?? 'failed' }) });
		config.log(`memory step: ${step}: RSS +${mb(rss)}`);
	}

	// Refused from the header before any pixel is decoded, so the peak stays near the file's size.
	const small = await largestUnderLimit(config.side)();
	const bomb = await cached('bomb-16000.png', () => sharp({ create: { width: 16000, height: 16000, channels: 3, background: '#000' }, limitInputPixels: false }).png({ compressionLevel: 9 }).toBuffer());
	const hostile: MemoryHostileRow[] = [];
	for (const [what, image, mask] of [
		['16000×16000 PNG of one colour as the image', bomb, small.mask],
		['16000×16000 PNG of one colour as the mask', small.image, bomb],
	]) {
		const fake = await startFake('ideogram', { jobDurationMs: 200, recordBodies: false });
		try {
			const out = await runChild({ provider: 'ideogram', fakeUrl: fake.url, apiKey: fake.apiKey, image, mask, warmImage: warm.image, warmMask: warm.mask });
			const outcome = out.error ?? (out.ok ? 'not refused: the edit ran' : 'no output');
			const row = { what, fileBytes: size(bomb), claimedPixels: 16000 * 16000, rssOverBaseline: out.peakRss - out.baselineRss, wallMs: out.wallMs, outcome, refused: !out.ok && /megapixels/.test(outcome) };
			config.log(`memory hostile: ${what}: RSS +${mb(row.rssOverBaseline)} in ${row.wallMs} ms, ${row.refused ? 'refused' : `NOT REFUSED: ${outcome}`}`);
			hostile.push(row);
		} finally {
			await fake.close();
		}
	}
	return { rows, parts, hostile };
}

/** One child run; retried when it failed before measuring (dist/ being rebuilt by another process, say). */
async function runChild(input: MemoryChildInput, env: NodeJS.ProcessEnv = {}): Promise<MemoryChildOutput> {
	for (let attempt = 0; ; attempt++) {
		const out = await new Promise<MemoryChildOutput>((resolve) => {
			const args = ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'memoryChild.ts'), JSON.stringify(input)];
			const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
			child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
			child.on('close', () => {
				try {
					resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as MemoryChildOutput);
				} catch {
					resolve({ ok: false, error: `child printed no result: ${stderr.slice(-500)}` } as MemoryChildOutput);
				}
			});
		});
		if (out.ok || out.baselineRss !== undefined || attempt >= 3) return out;
		await sleep(5000);
	}
}

// ───────────── inputs, made once and cached in the temp directory ─────────────

async function cached(name: string, make: () => Promise<Buffer>): Promise<string> {
	const dir = path.join(os.tmpdir(), 'n8n-ideogram-bench');
	const file = path.join(dir, name);
	if (!fs.existsSync(file)) {
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(`${file}.${process.pid}.tmp`, await make());
		fs.renameSync(`${file}.${process.pid}.tmp`, file);
	}
	return file;
}

/** Black with a white rectangle (the area to repaint) of `patch` at `at`. */
async function maskPng(width: number, height: number, patch: { width: number; height: number; left: number; top: number }): Promise<Buffer> {
	const white = await sharp({ create: { width: patch.width, height: patch.height, channels: 3, background: '#fff' } }).png().toBuffer();
	return await sharp({ create: { width, height, channels: 3, background: '#000' } }).composite([{ input: white, left: patch.left, top: patch.top }]).png().toBuffer();
}

/** A deterministic photo-like `side`² PNG (gradients and ±4 noise: ~1.9 bytes per pixel) and its mask (the middle third). */
function photo(side: number): () => Promise<Source> {
	return async () => {
		const image = await cached(`photo-${side}.png`, async () => {
			const raw = Buffer.alloc(side * side * 3);
			let seed = 1;
			for (let i = 0; i < raw.length; i += 3) {
				const [x, y] = [(i / 3) % side, Math.floor(i / 3 / side)];
				const n = ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5) * 8;
				raw[i] = ((x * 255) / side + n) & 255;
				raw[i + 1] = ((y * 255) / side + n) & 255;
				raw[i + 2] = (((x + y) * 127) / side + n) & 255;
			}
			return await sharp(raw, { raw: { width: side, height: side, channels: 3 } }).png().toBuffer();
		});
		const third = Math.round(side / 3);
		const mask = await cached(`mask-${side}.png`, () => maskPng(side, side, { width: third, height: third, left: third, top: third }));
		return { image, mask, label: `${side}×${side} PNG` };
	};
}

/** The largest photo (side a multiple of 16) whose PNG stays under the 10 MB upload limit. */
function largestUnderLimit(largeSide: number): () => Promise<Source> {
	return async () => {
		const largeBytes = size((await photo(largeSide)()).image);
		for (let side = Math.floor((largeSide * Math.sqrt((UPLOAD_LIMIT * 0.97) / largeBytes)) / 16) * 16; ; side -= 32) {
			const source = await photo(side)();
			if (size(source.image) <= UPLOAD_LIMIT) return source;
		}
	};
}

/** The largest image 4.6 Precise Edit takes, made like the print-size photo (~30 MB, under Ideogram's 50 MB), and its mask. */
async function precisePhoto(): Promise<Source> {
	const image = await cached('precise-8192.jpg', () => noiseJpeg(8192, 8192));
	const mask = await cached('precise-mask-8192.png', () => maskPng(8192, 8192, { width: 2048, height: 2048, left: 3072, top: 3072 }));
	return { image, mask, label: '8192×8192 JPEG' };
}

/** A 1000² tile of noise repeated to `width`×`height`, as JPEG: detail everywhere, as a photo's. */
async function noiseJpeg(width: number, height: number): Promise<Buffer> {
	const tile = await sharp({ create: { width: 1000, height: 1000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 20 } } }).png().toBuffer();
	return await sharp(tile).extend({ right: width - 1000, bottom: height - 1000, extendWith: 'repeat' }).jpeg({ quality: 90 }).toBuffer();
}

/** A print-size photo: a 1000² tile of noise repeated to 12000×8000, as JPEG (detail everywhere: ~45 MB), and its mask. */
async function printPhoto(): Promise<Source> {
	const image = await cached('print-12000x8000.jpg', () => noiseJpeg(12000, 8000));
	const mask = await cached('print-mask-12000x8000.png', () => maskPng(12000, 8000, { width: 4000, height: 3000, left: 4000, top: 2500 }));
	return { image, mask, label: '12000×8000 JPEG' };
}
