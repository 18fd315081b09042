/**
 * `npm run bench`: the package against the loops built from n8n's own nodes, through n8n's
 * engine, against the package's fake providers. Prints the tables and writes BENCHMARKS.md,
 * keeping its hand-written notes. The environment variables are listed in BENCHMARKS.md,
 * "Running it"; BENCH_MEMORY_ITEMS (5) is the many-items memory row's items in flight.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { loadPackage, shutdownEngine } from '../test/harness/engine';
import { makeImage, makeMask } from '../test/harness/workflows';
import { benchBatch, benchBatchInRealN8n, benchOneAtATime } from './batch';
import { benchLatency } from './latency';
import { benchMaskPreparation } from './mask';
import { benchMemory } from './memory';
import { benchOverhead } from './overhead';
import { consoleReport, markdownReport, type Results } from './report';
import { benchSoak, type SoakContender } from './soak';
import { forgetLearnedDurations, REPO_ROOT, startImageServer, withPackageMeters } from './lib/common';
import { registerN8nBaseNodes } from './lib/n8nBase';
import type { ItemInputs } from './lib/workflows';

const env = process.env;
const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
const only = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined;
const on = (section: string) => !only || only.has(section);
const number = (name: string, full: number, short = full) => Number(env[name] ?? (quick ? short : full));
const msList = (name: string, full: number[], short: number[]) => (env[name]?.split(',').map(Number) ?? (quick ? short : full)).map((s) => Math.round(s * 1000));
const started = Date.now();
const log = (line: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

const settings = {
	quick,
	log,
	spread: number('BENCH_SPREAD', 0.2),
	items: number('BENCH_ITEMS', 20, 6),
	loopItems: number('BENCH_LOOP_ITEMS', 5, 2),
	repeats: number('BENCH_REPEATS', 3, 1),
	batchMeansMs: msList('BENCH_BATCH_MEANS', [3, 12], [1.5]),
	latencyMeansMs: msList('BENCH_LATENCY_MEANS', [2, 10, 60], [1, 3, 8]),
	memory: { side: quick ? 2048 : 4096, items: number('BENCH_MEMORY_ITEMS', 5) },
	soak: {
		executions: number('BENCH_SOAK_EXECUTIONS', 1500, 100),
		concurrency: number('BENCH_SOAK_CONCURRENCY', 6),
		window: number('BENCH_SOAK_WINDOW', 100, 25),
		binaryMode: env.BENCH_SOAK_BINARY_MODE === 'default' ? ('default' as const) : ('filesystem' as const),
		contenders: (env.BENCH_SOAK_CONTENDERS ?? 'package,n8n only').split(',').map((c) => c.trim() as SoakContender),
	},
};
/** What every section is given: the settings above and the input images served over HTTP. */
export type Settings = typeof settings & { inputs: ItemInputs };

const NOTES_FROM = path.join(REPO_ROOT, 'BENCHMARKS.md');
function write(target: string, results: Results) {
	fs.mkdirSync(path.dirname(target), { recursive: true });
	fs.writeFileSync(target, markdownReport(results, fs.existsSync(NOTES_FROM) ? fs.readFileSync(NOTES_FROM, 'utf8') : ''));
	log(`wrote ${path.relative(process.cwd(), target)}`);
}

async function main() {
	if (env.BENCH_REPORT_FROM) {
		const saved = JSON.parse(fs.readFileSync(env.BENCH_REPORT_FROM, 'utf8')) as Results;
		console.log(`\n${consoleReport(saved)}\n`);
		write(env.BENCH_OUT ?? path.join(__dirname, '.out', 'BENCHMARKS.rerendered.md'), saved);
		return 0;
	}
	const version = (pkg: string) => (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
	const [cpu, platform] = [os.cpus()[0]?.model?.trim() ?? 'unknown CPU', `${os.type()} ${os.release()}`];
	const date = new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
	const machine = { cpus: os.cpus().length, cpuModel: cpu, memoryGb: Math.round(os.totalmem() / 1024 ** 3), node: process.versions.node, platform };
	const results: Results = { env: { date, ...machine, n8nCore: version('n8n-core'), n8nNodesBase: '?', quick, spread: settings.spread }, failures: [] };
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
	forgetLearnedDurations();
	await withPackageMeters(async () => undefined);
	const images = await startImageServer({
		'photo.png': { data: await makeImage({ width: 256, height: 192 }), mimeType: 'image/png' },
		'mask.png': { data: await makeMask(256, 192, { left: 64, top: 48, width: 96, height: 72 }, 'white'), mimeType: 'image/png' },
	});
	const s: Settings = { ...settings, inputs: { imageUrl: images.url('photo.png'), maskUrl: images.url('mask.png') } };

	// In this order. The one-at-a-time loops only wait on timers and sockets, as the latency runs do: side by side.
	const LOOPS_AND_LATENCY = 'one-at-a-time loops, latency';
	const sections: Array<[string, boolean, () => Promise<Partial<Results> | undefined>]> = [
		['mask', on('mask'), async () => ({ mask: await benchMaskPreparation(quick ? 5 : 15) })],
		['n8n-nodes-base', on('batch') || on('latency'), async () => void (results.env.n8nNodesBase = await registerN8nBaseNodes())],
		['batch', on('batch'), async () => ({ batch: await benchBatch(s) })],
		['real', on('real'), async () => ({ realN8n: await benchBatchInRealN8n(s) })],
		[LOOPS_AND_LATENCY, on('latency') || on('batch'), async () => {
			const [oneAtATime, latency] = await Promise.all([
				on('batch') ? attempt('one-at-a-time loop', () => benchOneAtATime(s, results.batch ?? [])) : undefined,
				on('latency') ? attempt('latency', () => benchLatency(s)) : undefined,
			]);
			return { oneAtATime, latency };
		}],
		['overhead', on('overhead'), async () => ({ overhead: await benchOverhead(s) })],
		['memory', on('memory'), () => benchMemory(s)],
		['soak', on('soak'), async () => ({ soak: await benchSoak(s) })],
	];
	for (const [name, enabled, run] of sections) {
		if (!enabled) continue;
		log(name);
		Object.assign(results, await attempt(name, run));
		if (name === LOOPS_AND_LATENCY) await images.close();
	}

	results.env.runtimeS = (Date.now() - started) / 1000;
	console.log(`\n${consoleReport(results)}\n`);
	fs.mkdirSync(path.join(__dirname, '.out'), { recursive: true });
	fs.writeFileSync(path.join(__dirname, '.out', quick ? 'results.quick.json' : 'results.json'), JSON.stringify(results, null, 1));
	const out = env.BENCH_OUT ?? (quick ? path.join(__dirname, '.out', 'BENCHMARKS.quick.md') : only ? undefined : NOTES_FROM);
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
