/**
 * Turns a run's results into the console tables and BENCHMARKS.md: the targets (label, figures,
 * met) and per section its tables, each a list of columns. What the figures mean and how they came
 * to be is written by hand in BENCHMARKS.md between `<!-- notes: name -->` and `<!-- /notes -->`;
 * each run keeps those blocks where they stand.
 */
import type { BatchRow } from './batch';
import type { LatencyRow } from './latency';
import type { MaskResult } from './mask';
import type { MemoryResults } from './memory';
import type { OverheadRow } from './overhead';
import type { SoakRow } from './soak';
import { PROVIDER_LABEL, secondHalfGrowth } from './lib/common';

type Environment = { date: string; cpus: number; cpuModel: string; memoryGb: number; node: string; n8nCore: string; n8nNodesBase: string; platform: string; runtimeS?: number; quick: boolean; spread: number };
/** `realN8n`: the package (cold) and the all-items loop run by the real n8n CLI; `failures`: sections that failed to run. */
export type Results = { env: Environment; failures: Array<{ section: string; error: string }> } & Partial<MemoryResults> &
	Partial<{ batch: BatchRow[]; realN8n: BatchRow[]; oneAtATime: BatchRow[]; latency: LatencyRow[]; overhead: OverheadRow[]; mask: MaskResult; soak: SoakRow[] }>;

const TARGET = { batchRatio: 1.15, speedupVsAllItems: 1.6, speedupVsOneAtATime: 20, latencyShortMs: 500, latencyLongShare: 0.05, memoryMultiple: 3, overheadMs: 5, maskMedianMs: 150, soakGrowthMbPer100: 2 };

// ───────────── formatting ─────────────

const fmt = (v: number | undefined, digits = 1) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));
const s = (ms: number | undefined, digits = 1) => fmt(ms === undefined ? ms : ms / 1000, digits);
const x = (r: number | undefined) => (r === undefined || Number.isNaN(r) ? '–' : `${r.toFixed(2)}×`);
const mb = (b: number, digits = 0) => (b / 1048576).toFixed(digits);
const ms = (v: number) => `${fmt(v)} ms`;
const signed = (v: number) => (Number.isNaN(v) ? '–' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`);
const opLabel = (op: string) => (op === 'edit' ? 'Edit' : 'Replace Background');
const jobs = (r: { operation: string; meanMs: number }) => `${opLabel(r.operation)} ${s(r.meanMs, 0)} s`;
const batchCase = (row: BatchRow) => `${opLabel(row.operation)}, ${row.items} items, ${s(row.meanMs, 0)} s jobs`;
const ratio = (r: BatchRow) => r.wallMs / r.idealMs;
const provider = (row: { provider: keyof typeof PROVIDER_LABEL }) => PROVIDER_LABEL[row.provider];
const error = (row: { error?: string }) => row.error ?? '';

function table<R>(rows: readonly R[] | undefined, columns: Array<[string, (row: R) => string]>): string {
	const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
	return [line(columns.map(([head]) => head)), `|${columns.map(() => '---').join('|')}|`, ...(rows ?? []).map((r) => line(columns.map(([, cell]) => cell(r))))].join('\n');
}

// ───────────── tables ─────────────

/** The RunComfy batch rows by case (operation and job length), in the order they ran. */
function batchCases(r: Results) {
	const cases: Array<{ operation: string; meanMs: number; rows: BatchRow[] }> = [];
	for (const row of [...(r.batch ?? []), ...(r.oneAtATime ?? [])].filter((b) => b.provider === 'runComfy')) {
		let c = cases.find((k) => k.operation === row.operation && k.meanMs === row.meanMs);
		if (!c) cases.push((c = { operation: row.operation, meanMs: row.meanMs, rows: [] }));
		c.rows.push(row);
	}
	return cases.map((c) => ({ ...c, pick: (contender: BatchRow['contender']) => c.rows.find((row) => row.contender === contender) }));
}

function batchTable(r: Results): string {
	const rows = batchCases(r).flatMap((c) => c.rows.map((row) => ({ row, cold: c.pick('package (cold)'), warm: c.pick('package (warm)') })));
	const faster = ({ row, cold, warm }: (typeof rows)[number]) =>
		cold && !row.contender.startsWith('package') ? `${(row.wallMs / cold.wallMs).toFixed(1)}× / ${warm ? (row.wallMs / warm.wallMs).toFixed(1) : '–'}× (ideal: ${ratio(row).toFixed(1)}×)` : '';
	return table(rows, [
		[`Case (${rows[0]?.row.items ?? '?'} items, RunComfy fake)`, ({ row }) => `${opLabel(row.operation)}, ${s(row.meanMs, 0)} s jobs`],
		['Contender', ({ row }) => row.contender + (row.contender === 'one-at-a-time loop' ? ` (${row.ranItems} items run, ×${row.items / row.ranItems})` : '')],
		['Wall (s)', ({ row }) => s(row.wallMs)], ['Ideal (s)', ({ row }) => s(row.idealMs)], ['× ideal', ({ row }) => x(ratio(row))], ['Package cold / warm is faster by', faster],
		['Status req./job', ({ row }) => fmt(row.statusPerJob)], ['Errors', ({ row }) => error(row)],
	]);
}

function realN8nTable(r: Results): string {
	const pkg = r.realN8n?.find((row) => row.contender === 'package (cold)');
	const faster = (row: BatchRow) => (pkg && row !== pkg ? `${(row.wallMs / pkg.wallMs).toFixed(2)}× (ideal: ${ratio(row).toFixed(2)}×)` : '');
	return table(r.realN8n, [['Case', batchCase], ['Contender', (row) => row.contender], ['Wall (s)', (row) => s(row.wallMs)], ['Ideal (s)', (row) => s(row.idealMs)], ['× ideal', (row) => x(ratio(row))], ['Package is faster by', faster], ['Status req./job', (row) => fmt(row.statusPerJob)], ['Runs', (row) => String(row.runs ?? 1)], ['Errors', error]]);
}

const otherProviders = (r: Results) => (r.batch ?? []).filter((row) => row.provider !== 'runComfy');
const otherProvidersTable = (r: Results) =>
	table(otherProviders(r), [['Provider', provider], ['Case', batchCase], ['In flight (default)', (row) => String(row.slots)], ['Wall (s)', (row) => s(row.wallMs)], ['Ideal at that limit (s)', (row) => s(row.idealMs)], ['× ideal', (row) => x(ratio(row))], ['Errors', error]]);

const latencyTable = (r: Results) =>
	table(r.latency, [
		['Provider', provider], ['Job (mean)', (row) => `${s(row.meanMs, 0)} s`], ['Schedule', (row) => row.phase], ['Jobs', (row) => String(row.jobs)],
		['Median (s)', (row) => s(row.medianMs, 2)], ['p95 (s)', (row) => s(row.p95Ms, 2)], ['Max (s)', (row) => s(row.maxMs, 2)],
		['Median / job', (row) => `${(row.medianShare * 100).toFixed(1)} %`], ['Status req./job mean (max)', (row) => `${fmt(row.statusMean)} (${row.statusMax})`],
		["Budget (mean of the jobs' own)", (row) => fmt(row.budget)],
		['Jobs within their own budget', (row) => `${row.withinBudget}/${row.jobs}${row.withinBudget < row.jobs ? ` (the others by at most ${row.maxOverBudget ?? 1})` : ''}`],
		['Batch tail (s)', (row) => s(row.batchTailMs, 2) + (row.errors.length ? ` ⚠ ${row.errors.join('; ')}` : '')],
	]);

const memoryTable = (r: Results) =>
	table(r.memory, [
		['Provider', provider], ['Image', (row) => row.image], ['Path', (row) => row.path], ['Peak RSS over baseline (MB)', (row) => mb(row.rssOverBaseline)],
		['× image', (row) => x(row.rssMultiple)], ['Peak external over baseline (MB)', (row) => mb(row.externalOverBaseline)], ['× image', (row) => x(row.externalMultiple)],
		['Time (s)', (row) => s(row.wallMs)], ['Errors', error],
	]);

const memoryPartsTable = (r: Results) =>
	table(r.memoryParts, [['Step, measured alone (same method)', (p) => p.step], ['Image', (p) => p.image], ['Peak RSS over baseline (MB)', (p) => mb(p.rssOverBaseline)], ['× image', (p) => x(p.rssMultiple) + (p.error ? ` ⚠ ${p.error}` : '')]]);

const memoryHostileTable = (r: Results) =>
	table(r.memoryHostile, [
		['Hostile input (Ideogram Edit)', (h) => h.what], ['File (MB)', (h) => mb(h.fileBytes, 2)], ['Decoded it would be (MB, RGB)', (h) => mb(h.claimedPixels * 3)],
		['Peak RSS over baseline (MB)', (h) => mb(h.rssOverBaseline, 1)], ['Time (ms)', (h) => String(h.wallMs)],
		['Outcome', (h) => `${h.refused ? 'refused' : '⚠ not refused'}: ${h.outcome}`],
	]);

const overheadTable = (r: Results) =>
	table(r.overhead, [
		['Provider', provider], ['Requests/item', (row) => fmt(row.requestsPerItem, 0)], ['Node time/item', (row) => ms(row.nodeMsPerItem)],
		['Poll waits', (row) => ms(row.waitMsPerItem)], ['HTTP via n8n', (row) => ms(row.n8nHttpMsPerItem)], ['HTTP bare', (row) => ms(row.bareHttpMsPerItem)],
		['n8n binary store', (row) => ms(row.binaryMsPerItem)], ['Overhead beyond HTTP via n8n', (row) => `**${ms(row.overheadMsPerItem)}**`],
		['…of it the package alone', (row) => ms(row.packageOnlyMsPerItem)],
		['Overhead beyond bare HTTP', (row) => ms(row.overheadBareMsPerItem) + (row.error ? ` ⚠ ${row.error}` : '')],
	]);

const soakTable = (r: Results) =>
	table(r.soak, [
		['Contender', (row) => row.contender], ['Executions', (row) => String(row.executions)], ['Errors', (row) => (row.errors ? `**${row.errors}**` : '0')],
		['In flight', (row) => String(row.concurrency)], ['Time (s)', (row) => String(row.wallS)],
		['Lowest RSS, first → last window (MB)', (row) => `${row.rssFirstMb} → ${row.rssLastMb}`],
		['RSS growth, 2nd half (MB/100)', (row) => `${signed(row.rssGrowthMbPer100)} ± ${secondHalfGrowth(row.windows, (w) => w.rssMinMb).stdErr.toFixed(2)}`],
		['Lowest heap, first → last (MB)', (row) => `${row.heapFirstMb} → ${row.heapLastMb}`], ['Heap growth (MB/100)', (row) => signed(row.heapGrowthMbPer100)],
		['External growth (MB/100)', (row) => signed(row.externalGrowthMbPer100)],
	]);

const soakSeries = (r: Results) =>
	(r.soak ?? []).map((row) => {
		const series = (value: (w: SoakRow['windows'][number]) => number) => row.windows.map((w) => value(w).toFixed(0)).join(', ');
		return `- ${row.contender}, per ${row.windows[0]?.executions ?? '?'} executions, lowest RSS (MB): ${series((w) => w.rssMinMb)}; lowest heap (MB): ${series((w) => w.heapMinMb)}${row.firstError ? `; first error: ${row.firstError}` : ''}`;
	}).join('\n'); // prettier-ignore

// ───────────── targets ─────────────

type Target = { target: string; measured: string; met: boolean };
/** A target over `rows` (none: no line): each row's figure, and whether every row meets it. */
const over = <R>(target: string, rows: R[] | undefined, figure: (row: R) => string, meets: (row: R) => boolean): Target[] =>
	rows?.length ? [{ target, measured: rows.map(figure).join('; '), met: rows.every(meets) }] : [];

function targets(r: Results): Target[] {
	const cases = batchCases(r);
	const shortest = cases.filter((c) => c.meanMs === Math.min(...cases.map((k) => k.meanMs)));
	const speedups = (phase: string, contender: BatchRow['contender'], set: typeof cases) =>
		set.flatMap((c) => {
			const [loop, pkg] = [c.pick(contender), c.pick(`package (${phase})` as BatchRow['contender'])];
			return loop && pkg ? [{ c, v: loop.wallMs / pkg.wallMs }] : [];
		});
	const realPackage = r.realN8n?.find((row) => row.contender === 'package (cold)');
	const realLoop = r.realN8n?.find((row) => row.contender === 'all-items loop');
	const latency = (phase: string) => r.latency?.filter((row) => row.phase === phase);
	const latencyLabel = (row: LatencyRow) => `${provider(row)} ${s(row.meanMs, 0)} s`;
	const soakN8n = r.soak?.find((row) => row.contender === 'n8n only');
	const phases = ['cold', 'warm'];
	return [
		...phases.flatMap((phase) =>
			over(`Batch wall time ≤ ${TARGET.batchRatio}× ideal (package, ${phase} schedule)`, cases.flatMap((c) => c.pick(`package (${phase})` as BatchRow['contender']) ?? []), (row) => `${jobs(row)}: ${x(ratio(row))} (+${s(row.wallMs - row.idealMs, 2)} s)`, (row) => ratio(row) <= TARGET.batchRatio && !row.error),
		),
		...phases.flatMap((phase) => over(`Package (${phase}) at least ${TARGET.speedupVsAllItems}× faster than the all-items loop (shortest jobs)`, speedups(phase, 'all-items loop', shortest), ({ c, v }) => `${jobs(c)}: ${v.toFixed(1)}×`, ({ v }) => v >= TARGET.speedupVsAllItems)),
		...phases.flatMap((phase) => over(`Package (${phase}) over ${TARGET.speedupVsOneAtATime}× faster than the one-at-a-time loop`, speedups(phase, 'one-at-a-time loop', cases), ({ c, v }) => `${jobs(c)}: ${v.toFixed(1)}×`, ({ v }) => v >= TARGET.speedupVsOneAtATime)),
		...over(
			`Package (cold) at least ${TARGET.speedupVsAllItems}× faster than the all-items loop, in the real n8n (\`n8n execute\`, ${s(realLoop?.meanMs, 0)} s jobs)`,
			realPackage && realLoop ? [{ pkg: realPackage, loop: realLoop, v: realLoop.wallMs / realPackage.wallMs }] : [],
			({ pkg, loop, v }) => `loop ${s(loop.wallMs)} s, package ${s(pkg.wallMs)} s (${x(ratio(pkg))} the ideal, +${s(pkg.wallMs - pkg.idealMs, 2)} s): ${v.toFixed(2)}×`,
			({ pkg, loop, v }) => v >= TARGET.speedupVsAllItems && !pkg.error && !loop.error,
		),
		...phases.flatMap((phase) => [
			...over(`Median completion latency ≤ 0.5 s up to 10 s jobs, ≤ 5 % beyond (${phase})`, latency(phase), (row) => `${latencyLabel(row)}: ${s(row.medianMs, 2)} s`, (row) => (row.meanMs <= 10_000 ? row.medianMs <= TARGET.latencyShortMs : row.medianShare <= TARGET.latencyLongShare)),
			// Per job of a given length, as the loops' own figures are: the mean over a class of jobs against the budget at their lengths.
			...over(
				`Status requests per job ≤ 2 + 1 per 2 s (≤ 10 s), ≤ 7 + 1 per 5 s beyond, mean per job length (${phase})`,
				latency(phase),
				(row) => `${latencyLabel(row)}: mean ${fmt(row.statusMean)} (budget ${fmt(row.budget)}, the mean of the jobs' own; max ${row.statusMax}, ${row.withinBudget}/${row.jobs} jobs within their own)`,
				(row) => row.statusMean <= row.budget,
			),
		]),
		...over(`Peak memory < ${TARGET.memoryMultiple}× the image (RSS over baseline)`, r.memory, (row) => `${provider(row)} ${row.image.split(',')[0]}${row.short ?? ''}: ${x(row.rssMultiple)}`, (row) => row.rssMultiple < TARGET.memoryMultiple && !row.error),
		...over(`Per-item overhead < ${TARGET.overheadMs} ms (beyond the HTTP round trips as n8n makes them)`, r.overhead, (row) => `${provider(row)}: ${ms(row.overheadMsPerItem)} (package alone ${ms(row.packageOnlyMsPerItem)}; beyond bare sockets ${ms(row.overheadBareMsPerItem)})`, (row) => row.overheadMsPerItem < TARGET.overheadMs),
		...over(`Mask preparation (2048² mask → 4096² image) median < ${TARGET.maskMedianMs} ms`, r.mask && [r.mask], (m) => `median ${m.medianMs} ms, p95 ${m.p95Ms} ms (${m.runs} runs)`, (m) => m.medianMs < TARGET.maskMedianMs),
		...over(
			`Soak: RSS growth over the second half < ${TARGET.soakGrowthMbPer100} MB per 100 executions, one n8n process`,
			r.soak?.filter((row) => row.contender === 'package'),
			(row) => `package ${signed(row.rssGrowthMbPer100)} MB/100 over ${row.executions} executions, ${row.errors} errors${soakN8n ? ` (n8n only: ${signed(soakN8n.rssGrowthMbPer100)}, ${soakN8n.errors} errors)` : ''}`,
			(row) => row.rssGrowthMbPer100 < TARGET.soakGrowthMbPer100 && row.errors === 0,
		),
	];
}

const targetTable = (r: Results) => table(targets(r), [['Target', (t) => t.target], ['Measured', (t) => t.measured], ['Result', (t) => (t.met ? 'met' : '**missed**')]]);

// ───────────── the report ─────────────

/**
 * Per section its heading and body: a generated line with the run's settings (`intro`), the
 * hand-written notes and the tables; a section without results is left out.
 */
function sections(r: Results, notes: (name: string) => string, intro: (line: string) => string): Array<[string, string[] | false]> {
	const runs = (rows: BatchRow[] | undefined) => Math.max(1, ...(rows ?? []).map((row) => row.runs ?? 1));
	const [soak, mask] = [r.soak?.[0], r.mask];
	return [
		['## 1. Batch wall time', !!(r.batch?.length || r.oneAtATime?.length) && [
			intro(`${batchCases(r)[0]?.rows[0]?.items ?? '?'} items per case; the package (cold and warm) and the all-items loop run ${runs(r.batch)} time(s) per case, every job length drawn afresh; the row is the run with the median ratio to its ideal.`),
			notes('batch'),
			batchTable(r),
			...(otherProviders(r).length ? [notes('batch-other-providers'), otherProvidersTable(r)] : []),
		]],
		['### In the real n8n 2.41.1', !!r.realN8n?.length && [intro(`Each contender runs ${runs(r.realN8n)} time(s); the row is the run with the median ratio to its ideal.`), notes('real'), realN8nTable(r)]],
		['## 2. Completion latency and 3. polling cost', !!r.latency?.length && [notes('latency'), latencyTable(r)]],
		['## 4. Memory', !!r.memory?.length && [
			notes('memory-method'),
			memoryTable(r),
			notes('memory'),
			...(r.memoryParts?.length ? [memoryPartsTable(r)] : []),
			...(r.memoryHostile?.length ? [notes('memory-hostile'), memoryHostileTable(r)] : []),
		]],
		['## 5. Per-item overhead', !!r.overhead?.length && [intro(`Overhead as the slope between runs of ${r.overhead?.[0].counts.join(' and ')} items.`), notes('overhead'), overheadTable(r)]],
		['## 6. Soak', !!soak && [
			intro(`Binary data in ${soak.binaryMode === 'default' ? 'memory (mode `default`, base64 in the items)' : 'filesystem mode'}; ${soak.executions} executions, ${soak.concurrency} calls in flight, ${soak.imagesPerExecution} PNGs of 256×256 each; the lowest RSS and heap kept per window of ${soak.windows[0]?.executions ?? '?'} executions.`),
			notes('soak'),
			soakTable(r),
			soakSeries(r),
		]],
		['## Mask preparation', !!mask && [`\`benchMaskPreparation()\` (bench/mask.ts): a 2048² editor-style PNG mask prepared for a 4096² image (decode, threshold, resize, count, encode): median **${mask.medianMs} ms**, p95 ${mask.p95Ms} ms over ${mask.runs} runs (target < ${TARGET.maskMedianMs} ms).`]],
		['## Sections that failed', r.failures.length > 0 && [r.failures.map((f) => `- ${f.section}: ${f.error}`).join('\n')]],
		['## Running it', [notes('running')]],
	];
}

export function consoleReport(r: Results): string {
	const parts = sections(r, () => '', () => '').flatMap(([heading, body]) => (body && heading !== '## Running it' ? [heading.replace(/^#+ /, ''), ...body] : []));
	return [...parts, 'Targets', targetTable(r)].filter(Boolean).join('\n\n');
}

/** BENCHMARKS.md; `previous`: the BENCHMARKS.md whose notes are kept. */
export function markdownReport(r: Results, previous: string): string {
	const e = r.env;
	const kept = new Map([...previous.matchAll(/<!-- notes: ([\w-]+) -->\n([\s\S]*?)\n?<!-- \/notes -->/g)].map((m) => [m[1], m[2]]));
	const notes = (name: string) => `<!-- notes: ${name} -->\n${kept.get(name) ?? '(No notes yet: write them here; `npm run bench` keeps them.)'}\n<!-- /notes -->`;
	return `${[
		'# Benchmarks',
		`Generated by \`npm run bench\` (bench/run.ts) on ${e.date}${e.quick ? ' — **BENCH_QUICK smoke run: shortened cases, not the benchmark**' : ''}; the notes between \`<!-- notes -->\` marks are written by hand and kept by each run.`,
		`Machine: ${e.cpus} × ${e.cpuModel}, ${e.memoryGb} GB RAM, ${e.platform}; Node ${e.node}; n8n-core ${e.n8nCore}, n8n-nodes-base ${e.n8nNodesBase}.${e.runtimeS !== undefined ? ` The whole run took ${Math.round(e.runtimeS)} s.` : ''} Job lengths are drawn at random in mean × [${1 - e.spread}, ${1 + e.spread}].`,
		notes('method'),
		'## Targets',
		targetTable(r),
		notes('targets'),
		...sections(r, notes, (line) => line).flatMap(([heading, body]) => (body ? [heading, ...body] : [])),
	].join('\n\n')}\n`;
}
