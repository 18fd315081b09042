/**
 * `npm run bench`: the package against the loops built from n8n's own nodes, through n8n's
 * engine, against the package's fake providers. Prints the tables and writes BENCHMARKS.md.
 *
 * Environment (all optional):
 *   BENCH_QUICK=1          short smoke run (writes bench/.out/BENCHMARKS.quick.md, not BENCHMARKS.md)
 *   BENCH_ONLY=a,b         sections: batch, real, latency, memory, overhead, mask, soak (BENCHMARKS.md is then
 *                          only written when BENCH_OUT is set)
 *   BENCH_OUT=path         where to write the report
 *   BENCH_SPREAD=0.2       job lengths are drawn in mean × [1 - spread, 1 + spread]
 *   BENCH_REPORT_FROM=path re-render the report from a saved run (bench/.out/results.json)
 *   BENCH_REPEATS=3        runs per contender and batch case (the median run is reported)
 *   BENCH_MEMORY_ITEMS=5   items in flight at once in the memory section's many-items row
 *   BENCH_SOAK_EXECUTIONS=1500  BENCH_SOAK_CONCURRENCY=6  BENCH_SOAK_WINDOW=100   the soak in one n8n process
 *   BENCH_SOAK_CONTENDERS=package,n8n only  BENCH_SOAK_BINARY_MODE=filesystem|default
 *   N8N_E2E_PACKAGE_DIR=dir (the soak packs that build of the package instead)
 *   BENCH_ITEMS=20  BENCH_LOOP_ITEMS=5  BENCH_BATCH_MEANS=3,12  BENCH_LATENCY_MEANS=2,10,60 (s)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { makeImage, makeMask } from '../test/harness/workflows';
import { loadPackage, shutdownEngine } from '../test/harness/engine';
import { benchBatch, benchOneAtATime, type BatchConfig } from './batch';
import { benchBatchInRealN8n } from './realN8n';
import { benchLatency, type LatencyClass } from './latency';
import { benchMaskPreparation } from './mask';
import { benchMemory } from './memory';
import { benchOverhead } from './overhead';
import { benchSoak, type SoakContender } from './soak';
import { consoleReport, markdownReport, type Results } from './report';
import { packageDurations, REPO_ROOT, startImageServer, withPackageMeters } from './lib/common';
import { registerN8nBaseNodes } from './lib/n8nBase';

const env = process.env;
const QUICK = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
const SECTIONS = ['batch', 'real', 'latency', 'memory', 'overhead', 'mask', 'soak'] as const;
type Section = (typeof SECTIONS)[number];
const only = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined;
const enabled = (s: Section) => !only || only.has(s);

const seconds = (text: string | undefined, fallback: number[]) =>
	text ? text.split(',').map((v) => Math.round(Number(v) * 1000)) : fallback.map((v) => v * 1000);
const SPREAD = Number(env.BENCH_SPREAD ?? 0.2);
const ITEMS = Number(env.BENCH_ITEMS ?? (QUICK ? 6 : 20));
const LOOP_ITEMS = Number(env.BENCH_LOOP_ITEMS ?? (QUICK ? 2 : 5));
const BATCH_MEANS = seconds(env.BENCH_BATCH_MEANS, QUICK ? [1.5] : [3, 12]);
const LATENCY_MEANS = seconds(env.BENCH_LATENCY_MEANS, QUICK ? [1, 3, 8] : [2, 10, 60]);
const SPEEDS: LatencyClass['renderingSpeed'][] = ['TURBO', 'DEFAULT', 'QUALITY'];

const started = Date.now();
const log = (line: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

function version(pkgDir: string): string {
	try {
		return (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
	} catch {
		return '?';
	}
}

const FIX_NOTES = `### Fixed in the package after this benchmark found them

- **A first batch checked blind** (nodes/shared/engine/poll.ts): every job of the first batch after n8n starts followed
  the same cold schedule (checks at ≈ 0.5, 1.75, 3.4, 5.5 s …), so the batch's first finished job was only seen at the
  next common instant and a job was seen ≈ 1–1.5 s after its end (cold RunComfy 10 s: median 1.36 s; 3 s batches
  1.28–1.61× the ideal). Now the jobs of a batch start their checks at points spread over the first gap (golden-ratio
  phases) and widen their own gaps the more of them already wait, so between them the batch is watched closely at no
  extra cost per job; the first finished job wakes the others (\`DurationTracker.onNextRecord\`) onto dense checks,
  on one 0.5 s grid all jobs share, so the batch's last job is seen within one step of its end. On the fake clock
  (\`npx tsx bench/pollSim.ts\`, 10 series of 20-job batches): cold 3 s batches from 1.35× to 1.06× the longest job,
  cold median latency from 574 to 244 ms (10 s jobs: 1634 to 337 ms), status checks per job 3.2 → 3.0 (10 s: 6.2 → 6.3).
- **The first warm batch learned a window opened seconds too early**: the cold batch's first jobs are found by sparse
  checks, and their last "still running" check lies long before their end. Such samples are now marked vague and do not
  open the window when others exist: the first warm 3 s batch went from 3.9 to 2.9 status checks per job (budget 3.5).
  The tracker keeps 64 jobs per kind (a whole batch, not its slowest 16) and judges "the jobs got shorter" on the 16
  most recent.
- **Learned poll window collapsing**: a job already done at its first check records "ended some time before" as a
  start of 0 ms; such jobs only reopen the window from 0 when they are more than 40 % of the recent ones (the jobs
  really got shorter), instead of whenever three of sixteen did.
- **Inline images sent as one more copy** (nodes/shared/engine/jsonBody.ts, n8nTransport.ts): a JSON body from 1 MB on
  (RunComfy and Runware with a binary image) is now a stream encoded while it is sent, with its Content-Length, instead
  of a Buffer of 4/3 the image next to the image. See "Memory: where it goes".
- **Downloads held twice at their end** (n8nTransport.ts): a response with a Content-Length is read straight into one
  Buffer of that size instead of a list of chunks concatenated at the end.
- **Multipart body copied once per part** (nodes/shared/providers/ideogramFamily.ts), then built from form-data's
  private \`_streams\`: then the package's own streamed encoder; now form-data's public API, the files appended as Buffers (nodes/shared/engine/multipart.ts); see "Memory: where it goes".
- **Masks decoded to RGBA** and **inputs held through polling**: see "Memory: where it goes".`;

const MEMORY_NOTES = `### Memory: where it goes

The second table measures the heavy steps of the package alone, with the same method, on the same 4096² image.

- The node holds the input image as one Buffer (n8n's \`getBinaryDataBuffer\` reads the whole file from the binary data
  store; an image given as a URL is downloaded once, unless the provider fetches it itself), 1× the image, until the
  job is submitted: an item's request lives only in the function that sends it (submitOnce, nodes/shared/pipeline/item.ts), so polling and
  downloads hold none of its inputs (test/workflows/releasesInputs.test.ts: a 12 MB image is no longer held while its
  job runs; before, the waiting function's frame kept it). With 5 items in flight at once the peak per item is lower
  than one alone (the many-items row): the items' images are read and sent one after another while the others wait.
- **Given as URLs** (the RunComfy URL row): RunComfy and Runware fetch an image given by URL themselves, so the package
  reads only the first 256 KB of the file (its header) and its Content-Length, then closes the connection
  (nodes/shared/pipeline/inputs.ts \`linkedImage\`; test/workflows/providers.test.ts, "An image given by URL": the file
  server sees the node's request cut short). The row fell from 2.4–3.0× (three full runs that downloaded the image whole)
  to 0.53–0.62× (runs with the baseline at the Edit); what is left is the mask, which is downloaded and converted.
  Without a Content-Length, or for an image that needs a downscale, the image is read whole as before.
- **Masks never reach JS as pixels** (nodes/shared/mask/classify.ts, binaryPng.ts): a same-size black/white mask is
  flattened onto the keep colour, taken to libvips' grey level, thresholded and written as a 1-bit PNG by libvips; the
  edit pixels are counted from its bits, inflated piece by piece, and it is re-encoded as the 8-bit PNG providers get.
  Preparing the 4096² RGBA mask alone went from 0.89× (one-band raster) to the figure below. The image is fitted to
  the provider before its mask is made, and a mask whose image was downscaled is scaled from its 1-bit form, so only
  the size sent is ever encoded as 8-bit (the print-size edit: two fewer passes over 12000×8000 pixels). Masks of
  another size than the image, transparency masks and threshold 0 keep the one-band raster path
  (test/unit/mask/vipsClassify.test.ts: both paths sort every pixel alike).
- **What the one-band grey level costs in time** (the Mask preparation row): libvips computes the luminance in linear
  light, in floating point, about 25 ms of a 2048² RGB mask's preparation. The stretch to the image's size is a
  whole-number one here (2048 → 4096): libvips repeats the pixels while it encodes the PNG, exactly as the JS resize
  does (test/unit/mask/sizes.test.ts), so no 16 MB raster is built in JS for V8 to collect; other factors keep the
  JS resize, which samples at pixel centres.
- **RunComfy and Runware** take binary images inside a JSON body as a base64 data URI, a stream encoded in 48 KiB
  slices while it is sent (nodes/shared/engine/jsonBody.ts), with its Content-Length. What it costs beyond the image
  (the step alone, below) is V8 freeing the slices only at its next collection: the base64 strings fill the young
  generation, and the slices' Buffers (axios turns any string chunk into one, as n8n sets maxBodyLength) wait for the
  same scavenge. Encoding straight into Buffers without strings was tried and is worse (no scavenge comes: every
  slice of the body stayed, 41 MB); reusing slice Buffers is unsafe (the socket may still hold them).
- **Ideogram and CometAPI** take multipart uploads of at most 10 MB per image. A larger image is first downscaled
  (sharp decodes and resizes it in strips: ≈ 1.8× the image with the image itself, the step below); a JPEG is
  re-encoded in one pass (no optimised Huffman tables, which keep every DCT coefficient: the print-size photo's
  downscale went from 192 to 59 MB). The multipart body is a form-data body built per attempt (nodes/shared/engine/multipart.ts):
  part headers and the files' own Buffers appended with their length, streamed with a Content-Length.
- **Print-size** (the 12000×8000 JPEG rows): the photo (1×), its downscale (≈ 59 MB of libvips' working memory,
  measured alone) and the mask read at full size (≈ 28 MB at 12000 px wide) then scaled, each in threads whose freed
  memory glibc keeps in per-thread malloc arenas, so the steps partly add up instead of reusing each other's memory. Tried and dropped: reading the
  JPEG from n8n's binary data file instead of a Buffer (libvips maps the file: 102 MB instead of 59). Run to run the
  row moved between about 3× and 4× with which threads (and so arenas) the steps land on, while the baseline still
  counted the stand-in's dead read chunks (three full runs: 3.95×, 3.09×, 3.14×); with the baseline at the Edit it is
  2.69–2.70× (two runs on the machine named above). The row run with \`MALLOC_ARENA_MAX=2\` (glibc's environment
  variable, read at process start) shows what fewer arenas give: 1.92–1.98× (2.72–3.22× with the old baseline). sharp's
  documentation recommends jemalloc on glibc Linux for the same reason; the README points n8n operators to both.
- **Hostile sizes**: an image or mask over 120 megapixels is refused from its header before any pixel is decoded
  (nodes/shared/mask/vips.ts; a 16000² PNG of one colour is a few hundred KB on disk and 768 MB of RGB pixels; the
  hostile table below), and every decode is capped at that size (sharp's \`limitInputPixels\`); sharp's operation
  cache is off (every image is used once).

Until 2026-12-07 every row also counted what the workflow's first node (a Read File stand-in streaming the file into
n8n's binary data store) left for V8 to free: up to 1× the image of dead read chunks when the Edit started, which moved
a row by up to 1× between runs of the same code (CometAPI's downscale row: 2.19× and 3.27×). The baseline is now taken
when the Edit gets its item, after those chunks are collected. The whole-Edit peaks still vary between runs (GC timing),
and more while other processes load the machine.`;

async function main() {
	if (env.BENCH_REPORT_FROM) {
		// Re-render the report from a saved run (bench/.out/results.json), without measuring.
		const saved = JSON.parse(fs.readFileSync(env.BENCH_REPORT_FROM, 'utf8')) as Results;
		console.log(`\n${consoleReport(saved)}\n`);
		const target = env.BENCH_OUT ?? path.join(__dirname, '.out', 'BENCHMARKS.rerendered.md');
		fs.writeFileSync(target, markdownReport(saved, { memoryNotes: MEMORY_NOTES, fixNotes: FIX_NOTES }));
		log(`wrote ${path.relative(process.cwd(), target)}`);
		return 0;
	}
	const results: Results = {
		env: {
			date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
			cpus: os.cpus().length,
			cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown CPU',
			memoryGb: Math.round(os.totalmem() / 1024 ** 3),
			node: process.versions.node,
			n8nCore: version(path.join(REPO_ROOT, 'node_modules/n8n-core')),
			n8nNodesBase: '?',
			platform: `${os.type()} ${os.release()}`,
			quick: QUICK,
			spread: SPREAD,
			command: 'npm run bench',
		},
		failures: [],
	};
	const attempt = async <T>(section: string, fn: () => Promise<T>): Promise<T | undefined> => {
		try {
			return await fn();
		} catch (error) {
			const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
			log(`${section} FAILED: ${message}`);
			results.failures.push({ section, error: message.split('\n')[0] });
			return undefined;
		}
	};

	// Load the built package (and the internals the meters wrap) now: other processes may rebuild
	// dist/ while the benchmark runs, and what is loaded stays loaded.
	await loadPackage();
	packageDurations();
	await withPackageMeters(async () => undefined);

	if (enabled('mask')) {
		log('mask preparation');
		results.mask = await attempt('mask', () => benchMaskPreparation(QUICK ? 5 : 15));
	}

	if (enabled('batch') || enabled('latency')) {
		log('loading n8n-nodes-base (HTTP Request, Wait, IF, Loop Over Items, No Operation)');
		results.env.n8nNodesBase = await registerN8nBaseNodes();
	}
	const photo = await makeImage({ width: 256, height: 192 });
	const mask = await makeMask(256, 192, { left: 64, top: 48, width: 96, height: 72 }, 'white');
	const images = await startImageServer({
		'photo.png': { data: photo, mimeType: 'image/png' },
		'mask.png': { data: mask, mimeType: 'image/png' },
	});
	const inputs = { imageUrl: images.url('photo.png'), maskUrl: images.url('mask.png') };

	const batchConfig: BatchConfig = {
		repeats: Number(env.BENCH_REPEATS ?? (QUICK ? 1 : 3)),
		items: ITEMS,
		loopItems: LOOP_ITEMS,
		meansMs: BATCH_MEANS,
		operations: ['replaceBackground', 'edit'],
		spread: SPREAD,
		otherProvidersMeanMs: BATCH_MEANS[0],
		inputs,
		log,
	};

	if (enabled('batch')) {
		log(`batch: ${ITEMS} items, jobs of ${BATCH_MEANS.map((m) => m / 1000).join(' / ')} s`);
		results.batch = await attempt('batch', () => benchBatch(batchConfig));
	}
	if (enabled('real')) {
		log(`batch in the real n8n: ${ITEMS} items, jobs of ${BATCH_MEANS[0] / 1000} s, \`n8n execute\``);
		results.realN8n = await attempt('real', () =>
			benchBatchInRealN8n({ ...batchConfig, meanMs: BATCH_MEANS[0], operation: 'replaceBackground' }),
		);
	}

	// The one-at-a-time loops only wait on timers and sockets, as the latency runs do: side by side.
	const oneAtATime = enabled('batch') ? attempt('one-at-a-time loop', () => benchOneAtATime(batchConfig)) : Promise.resolve(undefined);
	if (enabled('latency')) {
		log(`latency: jobs of ${LATENCY_MEANS.map((m) => m / 1000).join(' / ')} s`);
		results.latency = await attempt('latency', () =>
			benchLatency({
				classes: LATENCY_MEANS.map((meanMs, i) => ({ meanMs, renderingSpeed: SPEEDS[i % SPEEDS.length] })),
				providers: [
					{ provider: 'runComfy', items: QUICK ? 6 : 20 },
					{ provider: 'runware', items: QUICK ? 2 : 4 },
					// Polled since it moved to v2; 10 items of one image each fill its in-flight limit.
					{ provider: 'ideogram', items: QUICK ? 4 : 10 },
				],
				longWarmRounds: 1,
				minWarmRounds: QUICK ? 1 : 2,
				maxWarmRounds: QUICK ? 3 : 12,
				spread: SPREAD,
				inputs,
				log,
			}),
		);
	}
	results.oneAtATime = await oneAtATime;
	if (results.oneAtATime && results.batch) {
		// The 20-item ideal of the same case (the one-at-a-time loop ran fewer items).
		for (const r of results.oneAtATime) {
			const same = results.batch.filter((b) => b.provider === r.provider && b.operation === r.operation && b.meanMs === r.meanMs);
			if (same.length) r.idealMs = same.reduce((a, b) => a + b.idealMs, 0) / same.length;
		}
	}
	await images.close();

	if (enabled('overhead')) {
		log('per-item overhead');
		results.overhead = await attempt('overhead', () =>
			benchOverhead({ providers: ['runComfy', 'runware', 'cometApi', 'ideogram'], counts: QUICK ? [3, 8] : [5, 25], repeats: QUICK ? 1 : 3, log }),
		);
	}
	if (enabled('memory')) {
		log('memory (child processes)');
		const memory = await attempt('memory', () => benchMemory({ side: QUICK ? 2048 : 4096, items: Number(env.BENCH_MEMORY_ITEMS ?? 5), smallLimitBytes: 10 * 1024 * 1024, log }));
		results.memory = memory?.rows;
		results.memoryParts = memory?.parts;
		results.memoryHostile = memory?.hostile;
	}

	if (enabled('soak')) {
		const soak = {
			executions: Number(env.BENCH_SOAK_EXECUTIONS ?? (QUICK ? 100 : 1500)),
			concurrency: Number(env.BENCH_SOAK_CONCURRENCY ?? 6),
			window: Number(env.BENCH_SOAK_WINDOW ?? (QUICK ? 25 : 100)),
			binaryMode: env.BENCH_SOAK_BINARY_MODE === 'default' ? ('default' as const) : ('filesystem' as const),
			contenders: (env.BENCH_SOAK_CONTENDERS ?? 'package,n8n only').split(',').map((c) => c.trim()) as SoakContender[],
		};
		log(`soak: ${soak.executions} webhook executions in one n8n process, ${soak.concurrency} in flight, per contender`);
		results.soak = await attempt('soak', () => benchSoak({ ...soak, imagesPerExecution: 5, side: 256, jobMs: 20, log }));
	}

	results.env.runtimeS = (Date.now() - started) / 1000;
	console.log(`\n${consoleReport(results)}\n`);

	fs.mkdirSync(path.join(__dirname, '.out'), { recursive: true });
	fs.writeFileSync(path.join(__dirname, '.out', QUICK ? 'results.quick.json' : 'results.json'), JSON.stringify(results, null, 1));
	const out = env.BENCH_OUT ?? (QUICK ? path.join(__dirname, '.out', 'BENCHMARKS.quick.md') : only ? undefined : path.join(REPO_ROOT, 'BENCHMARKS.md'));
	if (out) {
		fs.mkdirSync(path.dirname(out), { recursive: true });
		fs.writeFileSync(out, markdownReport(results, { memoryNotes: MEMORY_NOTES, fixNotes: FIX_NOTES }));
		log(`wrote ${path.relative(process.cwd(), out)}`);
	}
	await shutdownEngine();
	return results.failures.length ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
