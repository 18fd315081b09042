/**
 * `npm run bench`: the package against the loops built from n8n's own nodes, through n8n's
 * engine, against the package's fake providers. Prints the tables and writes BENCHMARKS.md.
 *
 * Environment (all optional):
 *   BENCH_QUICK=1          short smoke run (writes bench/.out/BENCHMARKS.quick.md, not BENCHMARKS.md)
 *   BENCH_ONLY=a,b         sections: batch, latency, memory, overhead, mask (BENCHMARKS.md is then
 *                          only written when BENCH_OUT is set)
 *   BENCH_OUT=path         where to write the report
 *   BENCH_SPREAD=0.2       job lengths are drawn in mean × [1 - spread, 1 + spread]
 *   BENCH_REPORT_FROM=path re-render the report from a saved run (bench/.out/results.json)
 *   BENCH_REPEATS=3        runs per contender and batch case (the median run is reported)
 *   BENCH_ITEMS=20  BENCH_LOOP_ITEMS=5  BENCH_BATCH_MEANS=3,12  BENCH_LATENCY_MEANS=2,10,60 (s)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { makeImage, makeMask } from '../test/harness/workflows';
import { loadPackage, shutdownEngine } from '../test/harness/engine';
import { benchBatch, benchOneAtATime, type BatchConfig } from './batch';
import { benchLatency, type LatencyClass } from './latency';
import { benchMaskPreparation } from './mask';
import { benchMemory } from './memory';
import { benchOverhead } from './overhead';
import { consoleReport, markdownReport, type Results } from './report';
import { packageDurations, REPO_ROOT, startImageServer, withPackageMeters } from './lib/common';
import { registerN8nBaseNodes } from './lib/n8nBase';

const env = process.env;
const QUICK = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
const SECTIONS = ['batch', 'latency', 'memory', 'overhead', 'mask'] as const;
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

- **Learned poll window collapsing** (nodes/shared/engine/poll.ts, \`DurationTracker.expected\`): a job already done at
  its first check records "ended some time before" as a start of 0 ms. With the first check at the learned window's
  start, about a tenth of jobs do that by design, so whenever three of the last sixteen did, the window's start (10th
  percentile) fell to 0 and the next batch was checked densely from its first second: up to 16 status requests for a
  10 s job (budget 7; 60 of 220 warm 10 s jobs over budget in one run). Such jobs now only reopen the window from 0 when
  they are more than 40 % of the recent ones (the jobs really got shorter). \`npx tsx bench/pollSim.ts\` runs the schedule
  on a fake clock (10 series of 12 executions of 20 jobs): warm jobs over their own budget went from 140 to 0 of 2200
  for 10 s jobs and from 233 to 28 for 5 s jobs, with the same median latency; a drop from 10 s to 2 s jobs is still
  learned within one execution.
- **Multipart body copied once per part** (nodes/shared/providers/ideogramFamily.ts): see "Memory: where it goes".`;

const MEMORY_NOTES = `### Memory: where it goes

The second table measures the heavy steps of the package alone, with the same method, on the same 4096² image.

- The node holds the input image as one Buffer (n8n's \`getBinaryDataBuffer\` reads the whole file from the binary data
  store), 1× the image, for as long as the item is in flight.
- **Edit prepares the mask at its own size.** The benchmark's 4096² mask has an alpha channel (RGBA), so it is decoded
  to 64 MB of raw pixels; the one-byte-per-pixel classification is written over the front of that same Buffer
  (nodes/shared/mask/classify.ts) instead of into a new 16 MB one, which took the step alone from ≈ 91 MB (2.93× a
  31 MB image) to ≈ 74 MB (2.38×). The decoded pixels are still held until the mask is re-encoded; they are
  short-lived, but V8 frees them at its next GC, so they can still count when the upload follows. (A greyscale mask
  decodes to one band, a quarter of that.) Decoding in horizontal strips (sharp \`extract\`) was tried and did not
  lower the peak; libvips' own luma (\`recomb\`) can be made exact but adds ≈ 80 ms for a 2048² mask (the JS pass: ≈ 5 ms).
- **RunComfy and Runware** take binary images inside a JSON body as a base64 data URI. The body used to be built as
  strings: the data URI (4/3 of the image), the flat copy JSON.stringify makes of it, the JSON string, and the Buffer
  n8n's request helper (axios) makes of that string: ≈ 6× the image at the moment of sending (6.34× measured alone).
  The adapters now hand the image as a \`Base64Text\` (prefix + the image's bytes) and the transport renders the JSON
  straight into one Buffer, encoding the base64 in 48 KiB slices (nodes/shared/engine/jsonBody.ts), byte for byte
  the JSON.stringify text: the image plus a body of 4/3 of it (2.73× measured alone, with the image read from
  disk). The whole Edit went from 9.25× to ≈ 5.3× (RunComfy) and 9.69× to ≈ 5.2× (Runware); its peak is now about
  that of the same Edit with the image given as a URL: the held image and the mask preparation below, not the body.
  Giving the image as a URL (Image Source: URL) still skips the body's copy (RunComfy and Runware fetch the image
  themselves; the package still downloads it once to check it).
- **Ideogram and CometAPI** take multipart uploads of at most 10 MB per image. A larger image is first downscaled (sharp
  decodes and resizes it in strips: ≈ 1.8× the image); the multipart body is one Buffer the size of the files. The
  body used to be rendered with form-data's \`getBuffer()\`, which copies everything rendered so far once per part
  (≈ 20 copies of a 10 MB image: 16.6× the image at the peak for the largest accepted one); it is now rendered with a
  single copy (nodes/shared/providers/ideogramFamily.ts), byte for byte the same body.

What would bring the peak under 3×: not holding a mask's full decoded pixels at all (the Edit rows carry them on top
of the held image and, for RunComfy and Runware, the 4/3 body). The whole-Edit peaks vary by ±0.5× between runs (GC
timing), so the mask step's saving (≈ 0.55× alone) does not show reliably in them.`;

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
		const memory = await attempt('memory', () => benchMemory({ side: QUICK ? 2048 : 4096, smallLimitBytes: 10 * 1024 * 1024, log }));
		results.memory = memory?.rows;
		results.memoryParts = memory?.parts;
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
