/**
 * 4. Memory while editing a large image on each provider: one child process per row (a fresh
 * baseline; see memoryChild.ts), the fake server in this process so its copies of the upload do
 * not count. Peak RSS and external memory over the baseline, as multiples of the image file.
 * A row is one entry of `memoryCases`; then the heavy steps measured alone, and decompression bombs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import { startFake, type ProviderName } from '../test/fakes';
import { makeMask } from '../test/harness/workflows';
import type { Settings } from './run';
import { REPO_ROOT, sleep, startImageServer } from './lib/common';
import type { MemoryChildInput, MemoryChildOutput } from './memoryChild';

/** An image and its mask on disk, and how the table names the image. */
type Source = { image: string; mask: string; label: string };

/**
 * A row: `path` how the image reaches the provider, `short` what the target line adds after the
 * provider and the image, `items` in flight at once (the row per item), `asUrls` image and mask
 * given as URLs, `env` the n8n process's, `sentAs` the size the fake must receive (else an error).
 */
type MemoryCase = { provider: ProviderName; source: () => Promise<Source>; path: string; short?: string; items?: number; asUrls?: boolean; parameters?: INodeParameters; warmParameters?: INodeParameters; env?: NodeJS.ProcessEnv; sentAs?: number };

/** Ideogram Edit with 4.6 Precise Edit: High tier, a 2048² box in the middle of an 8192² image; on the warm-up's 256² image, which the box does not fit, the region found from the mask. */
const PRECISE: Partial<MemoryCase> = {
	short: ' 4.6 Precise Edit',
	parameters: { model: 'ideogram-4.6', maskSource: 'binary', options: { quality: 'high', editRegion: 'box', editRegionBox: { box: { unit: 'px', x: 3072, y: 3072, width: 2048, height: 2048 } } } },
	warmParameters: { model: 'ideogram-4.6', maskSource: 'binary', options: { quality: 'high', editRegion: 'auto' } },
	sentAs: 8192,
};

/** The rows of the memory table, `side` the large photo's side (4096; 2048 in a quick run). */
function memoryCases(side: number, items: number): MemoryCase[] {
	const [large, accepted] = [photo(side), largestUnderLimit(side)];
	const [dataUri, downscaled, asIs] = ['sent as is (data URI)', 'downscaled to fit 10 MB (multipart)', 'largest accepted, sent as is (multipart)'];
	return [
		{ provider: 'runComfy', source: large, path: dataUri },
		{ provider: 'runComfy', source: large, path: `${items} items in flight at once, sent as is (data URI); per item`, short: ` × ${items} in flight, per item`, items },
		{ provider: 'runComfy', source: large, path: 'given as URLs (Image Source: URL)', short: ' as URL', asUrls: true },
		{ provider: 'runware', source: large, path: dataUri },
		{ provider: 'ideogram', source: large, path: downscaled, short: ' (downscaled)' },
		{ provider: 'cometApi', source: large, path: downscaled, short: ' (downscaled)' },
		{ provider: 'ideogram', source: accepted, path: asIs },
		{ provider: 'cometApi', source: accepted, path: asIs },
		{ provider: 'ideogram', source: printPhoto, path: 'print-size photo with its mask, downscaled to fit 10 MB (multipart)' },
		{ provider: 'ideogram', source: printPhoto, path: 'the same, n8n run with MALLOC_ARENA_MAX=2', short: ' with MALLOC_ARENA_MAX=2', env: { MALLOC_ARENA_MAX: '2' } },
		{ provider: 'ideogram', source: precisePhoto, path: '4.6 Precise Edit, box region, High, sent as is (multipart)', ...PRECISE },
		{ provider: 'runware', source: precisePhoto, path: '4.6 Precise Edit, box region, High, sent as is (data URI)', ...PRECISE },
	];
}

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const size = (file: string) => fs.statSync(file).size;
const over = (out: MemoryChildOutput) => ({ rss: out.peakRss - out.baselineRss, external: out.peakExternal - out.baselineExternal });

export type MemoryResults = Awaited<ReturnType<typeof benchMemory>>;

export async function benchMemory(s: Settings) {
	const warm = await photo(256)();
	/** One child run against a fresh fake of `provider` (none for a step alone), and the job the fake received last. */
	const child = async (input: Omit<MemoryChildInput, 'warmImage' | 'warmMask' | 'fakeUrl' | 'apiKey'>, env?: NodeJS.ProcessEnv) => {
		const fake = input.mode ? undefined : await startFake(input.provider, { jobDurationMs: 200, recordBodies: false });
		try {
			const out = await runChild({ ...input, fakeUrl: fake?.url ?? '', apiKey: fake?.apiKey ?? '', warmImage: warm.image, warmMask: warm.mask }, env);
			return { ...out, sent: fake?.jobs().at(-1) };
		} finally {
			await fake?.close();
		}
	};
	const memory = [];
	for (const c of memoryCases(s.memory.side, s.memory.items)) {
		const source = await c.source();
		const imageBytes = size(source.image);
		const read = (file: string) => ({ data: fs.readFileSync(file), mimeType: 'image/png' });
		const files = c.asUrls ? await startImageServer({ 'photo.png': read(source.image), 'mask.png': read(source.mask) }) : undefined;
		try {
			const [image, mask] = files ? [files.url('photo.png'), files.url('mask.png')] : [source.image, source.mask];
			const out = await child({ provider: c.provider, image, mask, asUrls: c.asUrls, items: c.items, parameters: c.parameters, warmParameters: c.warmParameters }, c.env);
			const sent = out.sent;
			if (out.ok && c.sentAs && (sent?.imageWidth !== c.sentAs || sent?.imageHeight !== c.sentAs)) Object.assign(out, { ok: false, error: `the fake received ${sent?.imageWidth}×${sent?.imageHeight}, not ${c.sentAs}×${c.sentAs}` });
			const perItem = c.items ?? 1;
			const notDownscaled = c.path.startsWith('downscaled') && !out.downscaledFrom;
			const { rss, external } = over(out);
			const row = {
				provider: c.provider, image: `${source.label}, ${mb(imageBytes)}`, imageBytes, path: notDownscaled ? 'sent as is (multipart)' : c.path,
				...(c.short && !notDownscaled ? { short: c.short } : {}),
				rssOverBaseline: rss / perItem, externalOverBaseline: external / perItem, rssMultiple: rss / perItem / imageBytes, externalMultiple: external / perItem / imageBytes,
				wallMs: out.wallMs,
				...(out.ok ? {} : { error: out.error ?? 'no output image' }),
			};
			s.log(`memory ${c.provider} ${row.image} ${row.path}: RSS +${mb(row.rssOverBaseline)} (${row.rssMultiple.toFixed(2)}×), external +${mb(row.externalOverBaseline)}${row.error ? ` ERROR ${row.error}` : ''}`);
			memory.push(row);
		} finally {
			await files?.close();
		}
	}

	const large = await photo(s.memory.side)();
	const memoryParts = [];
	for (const [mode, step] of [
		['mask', `preparing a ${s.memory.side}² mask (RGBA PNG, ${mb(size(large.mask))})`],
		['dataUriBody', 'building and sending the JSON body with a data URI (RunComfy, Runware)'],
		['downscale', 'downscaling the image under 10 MB (Ideogram, CometAPI)'],
	] as const) {
		const out = await child({ provider: 'runComfy', image: large.image, mask: large.mask, mode });
		const { rss } = over(out);
		memoryParts.push({ step, image: `${large.label}, ${mb(size(large.image))}`, imageBytes: size(large.image), rssOverBaseline: rss, rssMultiple: rss / size(large.image), ...(out.ok ? {} : { error: out.error ?? 'failed' }) });
		s.log(`memory step: ${step}: RSS +${mb(rss)}`);
	}

	// Refused from the header before any pixel is decoded, so the peak stays near the file's size.
	const accepted = await largestUnderLimit(s.memory.side)();
	const bomb = await cached('bomb-16000.png', () => sharp({ create: { width: 16000, height: 16000, channels: 3, background: '#000' }, limitInputPixels: false }).png({ compressionLevel: 9 }).toBuffer());
	const memoryHostile = [];
	for (const [what, image, mask] of [
		['16000×16000 PNG of one colour as the image', bomb, accepted.mask],
		['16000×16000 PNG of one colour as the mask', accepted.image, bomb],
	]) {
		const out = await child({ provider: 'ideogram', image, mask });
		const outcome = out.error ?? (out.ok ? 'not refused: the edit ran' : 'no output');
		const row = { what, fileBytes: size(bomb), claimedPixels: 16000 * 16000, rssOverBaseline: over(out).rss, wallMs: out.wallMs, outcome, refused: !out.ok && /megapixels/.test(outcome) };
		s.log(`memory hostile: ${what}: RSS +${mb(row.rssOverBaseline)} in ${row.wallMs} ms, ${row.refused ? 'refused' : `NOT REFUSED: ${outcome}`}`);
		memoryHostile.push(row);
	}
	return { memory, memoryParts, memoryHostile };
}

/** One child run; retried when it failed before measuring (dist/ being rebuilt by another process, say). */
async function runChild(input: MemoryChildInput, env: NodeJS.ProcessEnv = {}): Promise<MemoryChildOutput> {
	for (let attempt = 0; ; attempt++) {
		const out = await new Promise<MemoryChildOutput>((resolve) => {
			const args = ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'memoryChild.ts'), JSON.stringify(input)];
			const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
			let [stdout, stderr] = ['', ''];
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
	const file = path.join(os.tmpdir(), 'n8n-ideogram-bench', name);
	if (!fs.existsSync(file)) {
		fs.mkdirSync(path.dirname(file), { recursive: true });
		fs.writeFileSync(`${file}.${process.pid}.tmp`, await make());
		fs.renameSync(`${file}.${process.pid}.tmp`, file);
	}
	return file;
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
				[raw[i], raw[i + 1], raw[i + 2]] = [((x * 255) / side + n) & 255, ((y * 255) / side + n) & 255, (((x + y) * 127) / side + n) & 255];
			}
			return await sharp(raw, { raw: { width: side, height: side, channels: 3 } }).png().toBuffer();
		});
		const third = Math.round(side / 3);
		return { image, mask: await cached(`mask-${side}.png`, () => makeMask(side, side, { left: third, top: third, width: third, height: third }, 'white')), label: `${side}×${side} PNG` };
	};
}

/** The largest photo (side a multiple of 16) whose PNG stays under Ideogram's and CometAPI's 10 MB upload limit (above it the package downscales). */
function largestUnderLimit(largeSide: number): () => Promise<Source> {
	const limit = 10 * 1024 * 1024;
	return async () => {
		const largeBytes = size((await photo(largeSide)()).image);
		for (let side = Math.floor((largeSide * Math.sqrt((limit * 0.97) / largeBytes)) / 16) * 16; ; side -= 32) {
			const source = await photo(side)();
			if (size(source.image) <= limit) return source;
		}
	};
}

/** A 1000² tile of noise repeated to `width`×`height`, as JPEG: detail everywhere, as a photo's. */
async function noiseJpeg(width: number, height: number): Promise<Buffer> {
	const tile = await sharp({ create: { width: 1000, height: 1000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 20 } } }).png().toBuffer();
	return await sharp(tile).extend({ right: width - 1000, bottom: height - 1000, extendWith: 'repeat' }).jpeg({ quality: 90 }).toBuffer();
}

/** The largest image 4.6 Precise Edit takes (~30 MB, under Ideogram's 50 MB), and its mask. */
async function precisePhoto(): Promise<Source> {
	const mask = await cached('precise-mask-8192.png', () => makeMask(8192, 8192, { left: 3072, top: 3072, width: 2048, height: 2048 }, 'white'));
	return { image: await cached('precise-8192.jpg', () => noiseJpeg(8192, 8192)), mask, label: '8192×8192 JPEG' };
}

/** A print-size photo (12000×8000 JPEG, ~45 MB) and its mask. */
async function printPhoto(): Promise<Source> {
	const mask = await cached('print-mask-12000x8000.png', () => makeMask(12000, 8000, { left: 4000, top: 2500, width: 4000, height: 3000 }, 'white'));
	return { image: await cached('print-12000x8000.jpg', () => noiseJpeg(12000, 8000)), mask, label: '12000×8000 JPEG' };
}
