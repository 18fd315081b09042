/**
 * `npm run bench`: the package against the loops built from n8n's own nodes, through n8n's
 * engine, against the package's fake providers. Prints the tables and writes BENCHMARKS.md,
 * keeping its hand-written notes. The environment variables (BENCH_QUICK, BENCH_ONLY=batch,real,
 * latency,memory,overhead,mask,soak, BENCH_OUT, BENCH_REPORT_FROM …) are listed in BENCHMARKS.md,
 * "Running it"; BENCH_MEMORY_ITEMS (5) is the many-items memory row's items in flight.
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
const only = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined;
const enabled = (section: 'batch' | 'real' | 'latency' | 'memory' | 'overhead' | 'mask' | 'soak') => !only || only.has(section);
const number = (value: string | undefined, full: number, quick: number) => Number(value ?? (QUICK ? quick : full));
const seconds = (text: string | undefined, full: number[], quick: number[]) => (text ? text.split(',').map(Number) : QUICK ? quick : full).map((s) => Math.round(s * 1000));

const SPREAD = Number(env.BENCH_SPREAD ?? 0.2);
const ITEMS = number(env.BENCH_ITEMS, 20, 6);
const BATCH_MEANS = seconds(env.BENCH_BATCH_MEANS, [3, 12], [1.5]);
const LATENCY_MEANS = seconds(env.BENCH_LATENCY_MEANS, [2, 10, 60], [1, 3, 8]);
const SPEEDS: Array<LatencyClass['renderingSpeed']> = ['TURBO', 'DEFAULT', 'QUALITY'];

const started = Date.now();
const log = (line: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const NOTES_FROM = path.join(REPO_ROOT, 'BENCHMARKS.md');

function write(target: string, results: Results) {
	const notes = fs.existsSync(NOTES_FROM) ? fs.readFileSync(NOTES_FROM, 'utf8') : '';
	fs.mkdirSync(path.dirname(target), { recursive: true });
	fs.writeFileSync(target, markdownReport(results, notes));
	log(`wrote ${path.relative(process.cwd(), target)}`);
}

async function main() {
	if (env.BENCH_REPORT_FROM) {
		const saved = JSON.parse(fs.readFileSync(env.BENCH_REPORT_FROM, 'utf8')) as Results;
		console.log(`\n${consoleReport(saved)}\n`);
		write(env.BENCH_OUT ?? path.join(__dirname, '.out', 'BENCHMARKS.rerendered.md'), saved);
		return 0;
	}
	const n8nCore = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules/n8n-core/package.json'), 'utf8')) as { version: string };
	const results: Results = {
		env: {
			date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
			cpus: os.cpus().length,
			cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown CPU',
			memoryGb: Math.round(os.totalmem() / 1024 ** 3),
			node: process.versions.node,
			n8nCore: n8nCore.version,
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
	const images = await startImageServer({
		'photo.png': { data: await makeImage({ width: 256, height: 192 }), mimeType: 'image/png' },
		'mask.png': { data: await makeMask(256, 192, { left: 64, top: 48, width: 96, height: 72 }, 'white'), mimeType: 'image/png' },
	});
	const inputs = { imageUrl: images.url('photo.png'), maskUrl: images.url('mask.png') };
	const batchConfig: BatchConfig = {
		repeats: number(env.BENCH_REPEATS, 3, 1),
		items: ITEMS,
		loopItems: number(env.BENCH_LOOP_ITEMS, 5, 2),
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
		results.realN8n = await attempt('real', () => benchBatchInRealN8n({ ...batchConfig, meanMs: BATCH_MEANS[0], operation: 'replaceBackground' }));
	}
	// The one-at-a-time loops only wait on timers and sockets, as the latency runs do: side by side.
	const oneAtATime = enabled('batch') ? attempt('one-at-a-time loop', () => benchOneAtATime(batchConfig)) : Promise.resolve(undefined);
	if (enabled('latency')) {
		log(`latency: jobs of ${LATENCY_MEANS.map((m) => m / 1000).join(' / ')} s`);
		results.latency = await attempt('latency', () =>
			benchLatency({
				classes: LATENCY_MEANS.map((meanMs, i) => ({ meanMs, renderingSpeed: SPEEDS[i % SPEEDS.length] })),
				// Runware's default concurrency; Ideogram's 10 items of one image each fill its in-flight limit.
				providers: [
					{ provider: 'runComfy', items: QUICK ? 6 : 20 },
					{ provider: 'runware', items: QUICK ? 2 : 4 },
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
	// Its ideal is the 20-item ideal of the same case (the loop ran fewer items).
	for (const r of results.oneAtATime ?? []) {
		const same = (results.batch ?? []).filter((b) => b.provider === r.provider && b.operation === r.operation && b.meanMs === r.meanMs);
		if (same.length) r.idealMs = same.reduce((a, b) => a + b.idealMs, 0) / same.length;
	}
	await images.close();

	if (enabled('overhead')) {
		log('per-item overhead');
		const counts: [number, number] = QUICK ? [3, 8] : [5, 25];
		results.overhead = await attempt('overhead', () => benchOverhead({ providers: ['runComfy', 'runware', 'cometApi', 'ideogram'], counts, repeats: QUICK ? 1 : 3, log }));
	}
	if (enabled('memory')) {
		log('memory (child processes)');
		const memory = await attempt('memory', () => benchMemory({ side: QUICK ? 2048 : 4096, items: Number(env.BENCH_MEMORY_ITEMS ?? 5), log }));
		[results.memory, results.memoryParts, results.memoryHostile] = [memory?.rows, memory?.parts, memory?.hostile];
	}
	if (enabled('soak')) {
		const soak = {
			executions: number(env.BENCH_SOAK_EXECUTIONS, 1500, 100),
			concurrency: Number(env.BENCH_SOAK_CONCURRENCY ?? 6),
			window: number(env.BENCH_SOAK_WINDOW, 100, 25),
			binaryMode: env.BENCH_SOAK_BINARY_MODE === 'default' ? ('default' as const) : ('filesystem' as const),
			contenders: (env.BENCH_SOAK_CONTENDERS ?? 'package,n8n only').split(',').map((c) => c.trim() as SoakContender),
		};
		log(`soak: ${soak.executions} webhook executions in one n8n process, ${soak.concurrency} in flight, per contender`);
		results.soak = await attempt('soak', () => benchSoak({ ...soak, imagesPerExecution: 5, side: 256, jobMs: 20, log }));
	}

	results.env.runtimeS = (Date.now() - started) / 1000;
	console.log(`\n${consoleReport(results)}\n`);
	fs.mkdirSync(path.join(__dirname, '.out'), { recursive: true });
	fs.writeFileSync(path.join(__dirname, '.out', QUICK ? 'results.quick.json' : 'results.json'), JSON.stringify(results, null, 1));
	const out = env.BENCH_OUT ?? (QUICK ? path.join(__dirname, '.out', 'BENCHMARKS.quick.md') : only ? undefined : NOTES_FROM);
	if (out) write(out, results);
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
