/**
 * 4. Memory while editing a large PNG on each provider: one child process per case (fresh
 * baseline; see memoryChild.ts), the fake server in this process so its own copies of the upload
 * do not count. Peak RSS and external memory over the baseline, as multiples of the image file.
 *
 * The image: 4096×4096 (photo-like: gradients plus noise, so it compresses like a photo, ~30 MB
 * as PNG). Ideogram and CometAPI take at most 10 MB per image: there the package downscales the
 * 4096² image (allowDownscale, on by default), and the largest PNG they accept is measured too.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

import { startFake, type ProviderName } from '../test/fakes';
import { REPO_ROOT, startImageServer } from './lib/common';
import type { MemoryChildInput, MemoryChildOutput } from './memoryChild';

/** A hostile input's row: a small file that claims an enormous image, refused from its header. */
export interface MemoryHostileRow {
	what: string;
	fileBytes: number;
	claimedPixels: number;
	rssOverBaseline: number;
	wallMs: number;
	/** The error the user saw (the refusal), or what went wrong instead. */
	outcome: string;
	refused: boolean;
}

export interface MemoryConfig {
	/** Side of the large image (4096 for the real run). */
	side: number;
	/** Items of the many-items row (all in flight at once). */
	items: number;
	/** Byte limit of Ideogram/CometAPI uploads (the fakes' and the package's: 10 MB). */
	smallLimitBytes: number;
	log: (line: string) => void;
}

export interface MemoryRow {
	provider: ProviderName;
	image: string;
	imageBytes: number;
	path: string;
	rssOverBaseline: number;
	externalOverBaseline: number;
	heapOverBaseline: number;
	rssMultiple: number;
	externalMultiple: number;
	wallMs: number;
	peakRssFromKernel: boolean;
	error?: string;
}

const CACHE = path.join(os.tmpdir(), 'n8n-ideogram-bench');

/** A deterministic photo-like RGB image: gradients plus ±4 noise (a PNG of ~1.9 bytes per pixel). */
async function photoPng(side: number): Promise<Buffer> {
	const raw = Buffer.alloc(side * side * 3);
	let seed = 1;
	const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
	for (let y = 0; y < side; y++) {
		for (let x = 0; x < side; x++) {
			const i = (y * side + x) * 3;
			const n = (rnd() - 0.5) * 8;
			raw[i] = ((x * 255) / side + n) & 255;
			raw[i + 1] = ((y * 255) / side + n) & 255;
			raw[i + 2] = (((x + y) * 127) / side + n) & 255;
		}
	}
	return await sharp(raw, { raw: { width: side, height: side, channels: 3 } }).png().toBuffer();
}

/** Black with a white rectangle in the middle (white marks the area to repaint). */
async function maskPng(side: number): Promise<Buffer> {
	const w = Math.round(side / 3);
	const patch = await sharp({ create: { width: w, height: w, channels: 3, background: '#fff' } }).png().toBuffer();
	return await sharp({ create: { width: side, height: side, channels: 3, background: '#000' } })
		.composite([{ input: patch, left: w, top: w }])
		.png()
		.toBuffer();
}

/** A print-size photo: a 1000² tile of noise repeated to 12000×8000, as JPEG (detail everywhere: ~50 MB). */
async function printPhotoJpeg(): Promise<Buffer> {
	const tile = await sharp({ create: { width: 1000, height: 1000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 20 } } }).png().toBuffer();
	return await sharp(tile).extend({ right: 11000, bottom: 7000, extendWith: 'repeat' }).jpeg({ quality: 90 }).toBuffer();
}

/** One colour at `side`²: a few hundred KB as PNG that decode to side² × 3 bytes. */
async function bombPng(side: number, background: string): Promise<Buffer> {
	return await sharp({ create: { width: side, height: side, channels: 3, background }, limitInputPixels: false }).png({ compressionLevel: 9 }).toBuffer();
}

/** Black with a white rectangle, 12000×8000. */
async function printMaskPng(): Promise<Buffer> {
	const patch = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#fff' } }).png().toBuffer();
	return await sharp({ create: { width: 12000, height: 8000, channels: 3, background: '#000' } })
		.composite([{ input: patch, left: 4000, top: 2500 }])
		.png()
		.toBuffer();
}

async function cachedFile(name: string, make: () => Promise<Buffer>): Promise<string> {
	fs.mkdirSync(CACHE, { recursive: true });
	const file = path.join(CACHE, name);
	if (!fs.existsSync(file)) {
		const tmp = `${file}.${process.pid}.tmp`;
		fs.writeFileSync(tmp, await make());
		fs.renameSync(tmp, file);
	}
	return file;
}

/** The largest photo-like PNG (square, side a multiple of 16) under `limit` bytes. */
async function largestUnder(limit: number, largeSide: number, largeBytes: number): Promise<{ side: number; file: string }> {
	let side = Math.floor((largeSide * Math.sqrt((limit * 0.97) / largeBytes)) / 16) * 16;
	for (;;) {
		const file = await cachedFile(`photo-${side}.png`, () => photoPng(side));
		if (fs.statSync(file).size <= limit) return { side, file };
		side -= 32;
	}
}

/** One child run; retried when it fails before measuring (e.g. dist/ being rebuilt at that moment by another process). */
async function runChild(input: MemoryChildInput, env?: NodeJS.ProcessEnv): Promise<MemoryChildOutput> {
	let out = await runChildOnce(input, env);
	for (let retry = 0; retry < 3 && !out.ok && out.baselineRss === undefined; retry++) {
		await new Promise((resolve) => setTimeout(resolve, 5000));
		out = await runChildOnce(input, env);
	}
	return out;
}

function runChildOnce(input: MemoryChildInput, env: NodeJS.ProcessEnv = {}): Promise<MemoryChildOutput> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'memoryChild.ts'), JSON.stringify(input)], {
			cwd: REPO_ROOT,
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, ...env },
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		child.on('close', () => {
			const line = stdout.trim().split('\n').pop() ?? '';
			try {
				resolve(JSON.parse(line) as MemoryChildOutput);
			} catch {
				resolve({ ok: false, error: `child printed no result: ${stderr.slice(-500)}` } as MemoryChildOutput);
			}
		});
	});
}

export interface MemoryPart {
	step: string;
	image: string;
	imageBytes: number;
	rssOverBaseline: number;
	rssMultiple: number;
	error?: string;
}

export interface MemoryResults {
	rows: MemoryRow[];
	/** Steps of the package measured alone (same method), to explain the workflows' peaks. */
	parts: MemoryPart[];
	/** Decompression bombs, refused from their header. */
	hostile: MemoryHostileRow[];
}

export async function benchMemory(config: MemoryConfig): Promise<MemoryResults> {
	const side = config.side;
	const large = await cachedFile(`photo-${side}.png`, () => photoPng(side));
	const largeMask = await cachedFile(`mask-${side}.png`, () => maskPng(side));
	const largeBytes = fs.statSync(large).size;
	const small = await largestUnder(config.smallLimitBytes, side, largeBytes);
	const smallMask = await cachedFile(`mask-${small.side}.png`, () => maskPng(small.side));
	const print = await cachedFile('print-12000x8000.jpg', printPhotoJpeg);
	const printMask = await cachedFile('print-mask-12000x8000.png', printMaskPng);
	const warmImage = await cachedFile('photo-256.png', () => photoPng(256));
	const warmMask = await cachedFile('mask-256.png', () => maskPng(256));
	const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

	// Image Source: URL, served from this process: the package downloads the files to check them,
	// RunComfy fetches them itself.
	const server = await startImageServer({
		'photo.png': { data: fs.readFileSync(large), mimeType: 'image/png' },
		'mask.png': { data: fs.readFileSync(largeMask), mimeType: 'image/png' },
	});
	const cases: Array<{ provider: ProviderName; image: string; mask: string; side: number; path: string; asUrls?: boolean; items?: number; label?: string; env?: NodeJS.ProcessEnv }> = [
		{ provider: 'runComfy', image: large, mask: largeMask, side, path: 'sent as is (data URI)' },
		{ provider: 'runComfy', image: large, mask: largeMask, side, path: `${config.items} items in flight at once, sent as is (data URI); per item`, items: config.items },
		{ provider: 'runComfy', image: server.url('photo.png'), mask: server.url('mask.png'), side, path: 'given as URLs (Image Source: URL)', asUrls: true },
		{ provider: 'runware', image: large, mask: largeMask, side, path: 'sent as is (data URI)' },
		{ provider: 'ideogram', image: large, mask: largeMask, side, path: 'downscaled to fit 10 MB (multipart)' },
		{ provider: 'cometApi', image: large, mask: largeMask, side, path: 'downscaled to fit 10 MB (multipart)' },
		{ provider: 'ideogram', image: small.file, mask: smallMask, side: small.side, path: 'largest accepted, sent as is (multipart)' },
		{ provider: 'cometApi', image: small.file, mask: smallMask, side: small.side, path: 'largest accepted, sent as is (multipart)' },
		{ provider: 'ideogram', image: print, mask: printMask, side: 12000, path: 'print-size photo with its mask, downscaled to fit 10 MB (multipart)', label: '12000×8000 JPEG' },
		// The same in a process whose glibc keeps fewer malloc arenas (see "Memory: where it goes").
		{ provider: 'ideogram', image: print, mask: printMask, side: 12000, path: 'the same, n8n run with MALLOC_ARENA_MAX=2', label: '12000×8000 JPEG', env: { MALLOC_ARENA_MAX: '2' } },
	];
	const rows: MemoryRow[] = [];
	for (const c of cases) {
		const fake = await startFake(c.provider, { jobDurationMs: 200, recordBodies: false });
		try {
			const imageBytes = c.asUrls ? largeBytes : fs.statSync(c.image).size;
			const out = await runChild({
				provider: c.provider,
				fakeUrl: fake.url,
				apiKey: fake.apiKey,
				image: c.image,
				mask: c.mask,
				warmImage,
				warmMask,
				asUrls: c.asUrls,
				items: c.items,
			}, c.env);
			// The many-items row: the peak per item, so it reads against the same 3× as the others.
			const perItem = c.items ?? 1;
			const path = c.path.startsWith('downscaled') && !out.downscaledFrom ? 'sent as is (multipart)' : c.path;
			const row: MemoryRow = {
				provider: c.provider,
				image: `${c.label ?? `${c.side}×${c.side} PNG`}, ${mb(imageBytes)}`,
				imageBytes,
				path,
				rssOverBaseline: (out.peakRss - out.baselineRss) / perItem,
				externalOverBaseline: (out.peakExternal - out.baselineExternal) / perItem,
				heapOverBaseline: (out.peakHeapUsed - out.baselineHeapUsed) / perItem,
				rssMultiple: (out.peakRss - out.baselineRss) / perItem / imageBytes,
				externalMultiple: (out.peakExternal - out.baselineExternal) / perItem / imageBytes,
				wallMs: out.wallMs,
				peakRssFromKernel: out.peakRssFromKernel,
				...(out.ok ? {} : { error: out.error ?? 'no output image' }),
			};
			config.log(
				`memory ${c.provider} ${row.image}: RSS +${mb(row.rssOverBaseline)} (${row.rssMultiple.toFixed(2)}×), external +${mb(row.externalOverBaseline)} (${row.externalMultiple.toFixed(2)}×)${row.error ? ` ERROR ${row.error}` : ''}`,
			);
			rows.push(row);
		} finally {
			await fake.close();
		}
	}
	await server.close();

	const parts: MemoryPart[] = [];
	const steps: Array<{ mode: 'mask' | 'dataUriBody' | 'downscale'; step: string; file: string }> = [
		{ mode: 'mask', step: `preparing a ${side}² mask (RGBA PNG, ${mb(fs.statSync(largeMask).size)})`, file: largeMask },
		{ mode: 'dataUriBody', step: 'building and sending the JSON body with a data URI (RunComfy, Runware)', file: large },
		{ mode: 'downscale', step: 'downscaling the image under 10 MB (Ideogram, CometAPI)', file: large },
	];
	for (const st of steps) {
		const out = await runChild({
			provider: 'runComfy',
			fakeUrl: '',
			apiKey: '',
			image: large,
			mask: largeMask,
			warmImage,
			warmMask,
			mode: st.mode,
		});
		const part: MemoryPart = {
			step: st.step,
			image: `${side}×${side} PNG, ${mb(largeBytes)}`,
			imageBytes: largeBytes,
			rssOverBaseline: out.peakRss - out.baselineRss,
			rssMultiple: (out.peakRss - out.baselineRss) / largeBytes,
			...(out.ok ? {} : { error: out.error ?? 'failed' }),
		};
		config.log(`memory step: ${st.step}: RSS +${mb(part.rssOverBaseline)} (${part.rssMultiple.toFixed(2)}× the image)`);
		parts.push(part);
	}
	return { rows, parts, hostile: await benchHostile(config, { warmImage, warmMask, photo: small.file, mask: smallMask }) };
}

/**
 * Decompression bombs (a 16000² PNG of one colour, as the image and as the mask) through the
 * whole Edit: refused from the header before any pixel is decoded, so the peak stays near the
 * file's own size, not the gigabyte of pixels it claims.
 */
async function benchHostile(config: MemoryConfig, files: { warmImage: string; warmMask: string; photo: string; mask: string }): Promise<MemoryHostileRow[]> {
	const side = 16000;
	const bomb = await cachedFile(`bomb-${side}.png`, () => bombPng(side, '#000'));
	const cases = [
		{ what: `${side}×${side} PNG of one colour as the image`, image: bomb, mask: files.mask },
		{ what: `${side}×${side} PNG of one colour as the mask`, image: files.photo, mask: bomb },
	];
	const rows: MemoryHostileRow[] = [];
	for (const c of cases) {
		const fake = await startFake('ideogram', { jobDurationMs: 200, recordBodies: false });
		try {
			const out = await runChild({ provider: 'ideogram', fakeUrl: fake.url, apiKey: fake.apiKey, image: c.image, mask: c.mask, warmImage: files.warmImage, warmMask: files.warmMask });
			const outcome = out.error ?? (out.ok ? 'not refused: the edit ran' : 'no output');
			const row: MemoryHostileRow = {
				what: c.what,
				fileBytes: fs.statSync(bomb).size,
				claimedPixels: side * side,
				rssOverBaseline: out.peakRss - out.baselineRss,
				wallMs: out.wallMs,
				outcome,
				refused: !out.ok && /megapixels/.test(outcome),
			};
			config.log(`memory hostile: ${row.what}: RSS +${(row.rssOverBaseline / 1048576).toFixed(1)} MB in ${row.wallMs} ms, ${row.refused ? 'refused' : `NOT REFUSED: ${outcome}`}`);
			rows.push(row);
		} finally {
			await fake.close();
		}
	}
	return rows;
}
