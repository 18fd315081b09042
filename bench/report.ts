/** Turns the results into the console tables and BENCHMARKS.md. */
import type { BatchRow } from './batch';
import type { LatencyRow } from './latency';
import type { BenchResult as MaskResult } from './mask';
import type { MemoryHostileRow, MemoryPart, MemoryRow } from './memory';
import type { OverheadRow } from './overhead';
import type { SoakRow } from './soak';
import { fmt, mean, PROVIDER_LABEL, secondHalfGrowth } from './lib/common';

export interface Environment {
	date: string;
	cpus: number;
	cpuModel: string;
	memoryGb: number;
	node: string;
	n8nCore: string;
	n8nNodesBase: string;
	platform: string;
	runtimeS?: number;
	quick: boolean;
	spread: number;
	command: string;
}

export interface Results {
	env: Environment;
	batch?: BatchRow[];
	/** The package (cold) and the all-items loop run by the real n8n CLI. */
	realN8n?: BatchRow[];
	oneAtATime?: BatchRow[];
	latency?: LatencyRow[];
	memory?: MemoryRow[];
	memoryParts?: MemoryPart[];
	memoryHostile?: MemoryHostileRow[];
	overhead?: OverheadRow[];
	mask?: MaskResult;
	soak?: SoakRow[];
	/** Sections that failed to run, with the error. */
	failures: Array<{ section: string; error: string }>;
}

export const TARGETS = {
	batchRatio: 1.15,
	speedupVsAllItems3s: 1.6,
	speedupVsOneAtATime: 20,
	latencyShortMs: 500,
	latencyLongShare: 0.05,
	memoryMultiple: 3,
	overheadMs: 5,
	maskMedianMs: 150,
	soakGrowthMbPer100: 2,
};

const s = (ms: number | undefined, digits = 1) => (ms === undefined || Number.isNaN(ms) ? '–' : (ms / 1000).toFixed(digits));
const x = (r: number | undefined) => (r === undefined || Number.isNaN(r) ? '–' : `${r.toFixed(2)}×`);
const yes = (ok: boolean | undefined) => (ok === undefined ? '–' : ok ? 'met' : '**missed**');
const opLabel = (op: string) => (op === 'edit' ? 'Edit' : 'Replace Background');

function table(head: string[], rows: string[][]): string {
	return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

// ───────────── batch ─────────────

interface BatchCase {
	operation: string;
	meanMs: number;
	rows: BatchRow[];
}

function batchCases(results: Results): BatchCase[] {
	const all = [...(results.batch ?? []), ...(results.oneAtATime ?? [])].filter((r) => r.provider === 'runComfy');
	const cases: BatchCase[] = [];
	for (const r of all) {
		let c = cases.find((k) => k.operation === r.operation && k.meanMs === r.meanMs);
		if (!c) cases.push((c = { operation: r.operation, meanMs: r.meanMs, rows: [] }));
		c.rows.push(r);
	}
	return cases;
}

const ratio = (r: BatchRow) => r.wallMs / r.idealMs;
const pick = (c: BatchCase, contender: BatchRow['contender']) => c.rows.find((r) => r.contender === contender);

function batchTable(results: Results): string {
	const rows: string[][] = [];
	const cases = batchCases(results);
	for (const c of cases) {
		const cold = pick(c, 'package (cold)');
		for (const r of c.rows) {
			const speedup = cold && r.contender !== 'package (cold)' && !r.contender.startsWith('package') ? r.wallMs / cold.wallMs : undefined;
			const warm = pick(c, 'package (warm)');
			const speedupWarm = warm && !r.contender.startsWith('package') ? r.wallMs / warm.wallMs : undefined;
			rows.push([
				`${opLabel(c.operation)}, ${s(c.meanMs, 0)} s jobs`,
				r.contender + (r.contender === 'one-at-a-time loop' ? ` (${r.ranItems} items run, ×${r.items / r.ranItems})` : ''),
				s(r.wallMs),
				s(r.idealMs),
				x(ratio(r)),
				speedup ? `${speedup.toFixed(1)}× / ${speedupWarm?.toFixed(1) ?? '–'}× (ideal: ${(r.wallMs / r.idealMs).toFixed(1)}×)` : '',
				fmt(r.statusPerJob, 1),
				r.error ?? '',
			]);
		}
	}
	return table(
		[`Case (${cases[0]?.rows[0]?.items ?? '?'} items, RunComfy fake)`, 'Contender', 'Wall (s)', 'Ideal (s)', '× ideal', 'Package cold / warm is faster by', 'Status req./job', 'Errors'],
		rows,
	);
}

function realN8nTable(results: Results): string {
	const rows = results.realN8n ?? [];
	const pkg = rows.find((r) => r.contender === 'package (cold)');
	return table(
		['Case', 'Contender', 'Wall (s)', 'Ideal (s)', '× ideal', 'Package is faster by', 'Status req./job', 'Runs', 'Errors'],
		rows.map((r) => [
			`${opLabel(r.operation)}, ${r.items} items, ${s(r.meanMs, 0)} s jobs`,
			r.contender,
			s(r.wallMs),
			s(r.idealMs),
			x(ratio(r)),
			pkg && r !== pkg ? `${(r.wallMs / pkg.wallMs).toFixed(2)}× (ideal: ${(r.wallMs / r.idealMs).toFixed(2)}×)` : '',
			fmt(r.statusPerJob, 1),
			String(r.runs ?? 1),
			r.error ?? '',
		]),
	);
}

function otherProvidersTable(results: Results): string {
	const rows = (results.batch ?? []).filter((r) => r.provider !== 'runComfy');
	if (!rows.length) return '';
	return table(
		['Provider', 'Case', 'In flight (default)', 'Wall (s)', 'Ideal at that limit (s)', '× ideal', 'Errors'],
		rows.map((r) => [
			PROVIDER_LABEL[r.provider],
			`${opLabel(r.operation)}, ${r.items} items, ${s(r.meanMs, 0)} s jobs`,
			String(r.slots),
			s(r.wallMs),
			s(r.idealMs),
			x(ratio(r)),
			r.error ?? '',
		]),
	);
}

// ───────────── latency ─────────────

function latencyTable(results: Results): string {
	return table(
		['Provider', 'Job (mean)', 'Schedule', 'Jobs', 'Median (s)', 'p95 (s)', 'Max (s)', 'Median / job', 'Status req./job mean (max)', 'Budget (mean of the jobs\' own)', 'Jobs within their own budget', 'Batch tail (s)'],
		(results.latency ?? []).map((r) => [
			PROVIDER_LABEL[r.provider],
			`${s(r.meanMs, 0)} s`,
			r.phase,
			String(r.jobs),
			s(r.medianMs, 2),
			s(r.p95Ms, 2),
			s(r.maxMs, 2),
			`${(r.medianShare * 100).toFixed(1)} %`,
			`${fmt(r.statusMean, 1)} (${r.statusMax})`,
			fmt(r.budget, 1),
			`${r.withinBudget}/${r.jobs}`,
			s(r.batchTailMs, 2) + (r.errors.length ? ` ⚠ ${r.errors.join('; ')}` : ''),
		]),
	);
}

// ───────────── memory, overhead ─────────────

const mb = (b: number) => (b / 1048576).toFixed(0);

function memoryTable(results: Results): string {
	return table(
		['Provider', 'Image', 'Path', 'Peak RSS over baseline (MB)', '× image', 'Peak external over baseline (MB)', '× image', 'Time (s)', 'Errors'],
		(results.memory ?? []).map((r) => [
			PROVIDER_LABEL[r.provider],
			r.image,
			r.path,
			mb(r.rssOverBaseline),
			x(r.rssMultiple),
			mb(r.externalOverBaseline),
			x(r.externalMultiple),
			s(r.wallMs),
			r.error ?? '',
		]),
	);
}

function memoryPartsTable(results: Results): string {
	if (!results.memoryParts?.length) return '';
	return table(
		['Step, measured alone (same method)', 'Image', 'Peak RSS over baseline (MB)', '× image'],
		results.memoryParts.map((p) => [p.step, p.image, mb(p.rssOverBaseline), x(p.rssMultiple) + (p.error ? ` ⚠ ${p.error}` : '')]),
	);
}

function memoryHostileTable(results: Results): string {
	if (!results.memoryHostile?.length) return '';
	return table(
		['Hostile input (Ideogram Edit)', 'File (MB)', 'Decoded it would be (MB, RGB)', 'Peak RSS over baseline (MB)', 'Time (ms)', 'Outcome'],
		results.memoryHostile.map((h) => [
			h.what,
			(h.fileBytes / 1048576).toFixed(2),
			mb(h.claimedPixels * 3),
			(h.rssOverBaseline / 1048576).toFixed(1),
			String(h.wallMs),
			`${h.refused ? 'refused' : '⚠ not refused'}: ${h.outcome}`,
		]),
	);
}

function overheadTable(results: Results): string {
	return table(
		['Provider', 'Requests/item', 'Node time/item', 'Poll waits', 'HTTP via n8n', 'HTTP bare', 'n8n binary store', 'Overhead beyond HTTP via n8n', '…of it the package alone', 'Overhead beyond bare HTTP'],
		(results.overhead ?? []).map((r) => [
			PROVIDER_LABEL[r.provider],
			fmt(r.requestsPerItem, 0),
			`${fmt(r.nodeMsPerItem, 1)} ms`,
			`${fmt(r.waitMsPerItem, 1)} ms`,
			`${fmt(r.n8nHttpMsPerItem, 1)} ms`,
			`${fmt(r.bareHttpMsPerItem, 1)} ms`,
			`${fmt(r.binaryMsPerItem, 1)} ms`,
			`**${fmt(r.overheadMsPerItem, 1)} ms**`,
			`${fmt(r.packageOnlyMsPerItem, 1)} ms`,
			`${fmt(r.overheadBareMsPerItem, 1)} ms` + (r.error ? ` ⚠ ${r.error}` : ''),
		]),
	);
}

// ───────────── targets ─────────────

interface TargetLine {
	target: string;
	measured: string;
	met: boolean | undefined;
	why?: string;
}

function targetLines(results: Results): TargetLine[] {
	const lines: TargetLine[] = [];
	const cases = batchCases(results);
	if (cases.length) {
		for (const phase of ['cold', 'warm'] as const) {
			const rows = cases.map((c) => pick(c, `package (${phase})`)).filter((r): r is BatchRow => !!r);
			const worst = Math.max(...rows.map(ratio));
			lines.push({
				target: `Batch wall time ≤ ${TARGETS.batchRatio}× ideal (package, ${phase} schedule)`,
				measured: rows.map((r) => `${opLabel(r.operation)} ${s(r.meanMs, 0)} s: ${x(ratio(r))}`).join('; '),
				met: rows.every((r) => ratio(r) <= TARGETS.batchRatio && !r.error),
				why:
					worst > TARGETS.batchRatio
						? `A batch ends when its slowest job is seen done and its image is downloaded: ${rows.map((r) => `${opLabel(r.operation)} ${s(r.meanMs, 0)} s: +${((r.wallMs - r.idealMs) / 1000).toFixed(2)} s`).join(', ')} past the ideal. ` +
							(phase === 'cold'
								? 'Cold, nothing is known until the first jobs of the batch finish: the batch\'s jobs start their checks at points spread over the first gap, so between them the batch is checked every few tenths of a second and its first finished job is seen early; that wakes the others onto dense checks. '
								: '') +
							'Inside the expected window all jobs check on one shared 0.5 s grid (or 6 % of the time waited), so the slowest is seen on average ≈ 0.25 s after it ends; the result read (RunComfy), the download and n8n writing the output add ≈ 0.1–0.3 s. On a 3 s job (ideal ≈ 3.6 s) that is about the whole 15 % allowance; a finer grid would cost more status requests than the budget gives jobs that end late in the window.'
						: undefined,
			});
		}
		const three = cases.filter((c) => c.meanMs === Math.min(...cases.map((k) => k.meanMs)));
		for (const [label, contender, goal] of [
			[`at least ${TARGETS.speedupVsAllItems3s}× faster than the all-items loop (shortest jobs)`, 'all-items loop', TARGETS.speedupVsAllItems3s],
			[`over ${TARGETS.speedupVsOneAtATime}× faster than the one-at-a-time loop`, 'one-at-a-time loop', TARGETS.speedupVsOneAtATime],
		] as const) {
			const set = contender === 'all-items loop' ? three : cases;
			for (const phase of ['cold', 'warm'] as const) {
				const speedups = set
					.map((c) => ({ c, loop: pick(c, contender), pkg: pick(c, `package (${phase})`) }))
					.filter((k) => k.loop && k.pkg)
					.map((k) => ({ c: k.c, v: k.loop!.wallMs / k.pkg!.wallMs }));
				if (!speedups.length) continue;
				lines.push({
					target: `Package (${phase}) ${label}`,
					measured: speedups.map((k) => `${opLabel(k.c.operation)} ${s(k.c.meanMs, 0)} s: ${k.v.toFixed(1)}×`).join('; '),
					met: speedups.every((k) => k.v >= goal),
					why: speedups.some((k) => k.v < goal) ? speedupWhy(contender, set, phase, goal) : undefined,
				});
			}
		}
	}
	const real = results.realN8n ?? [];
	const realPackage = real.find((r) => r.contender === 'package (cold)');
	const realLoop = real.find((r) => r.contender === 'all-items loop');
	if (realPackage && realLoop) {
		const speedup = realLoop.wallMs / realPackage.wallMs;
		const perfect = realLoop.wallMs / realLoop.idealMs;
		lines.push({
			target: `Package (cold) at least ${TARGETS.speedupVsAllItems3s}× faster than the all-items loop, in the real n8n (\`n8n execute\`, ${s(realLoop.meanMs, 0)} s jobs)`,
			measured: `loop ${s(realLoop.wallMs)} s, package ${s(realPackage.wallMs)} s (${x(ratio(realPackage))} the ideal): ${speedup.toFixed(2)}×`,
			met: speedup >= TARGETS.speedupVsAllItems3s && !realPackage.error && !realLoop.error,
			why:
				speedup < TARGETS.speedupVsAllItems3s
					? `The loop sees a ${s(realLoop.meanMs, 0)} s job at its first check, 5 s after submit, and ends ${s(realLoop.wallMs)} s after it started; the jobs' lengths are drawn in mean × [0.8, 1.2], so the longest of 20 ends near ${s(realLoop.idealMs)} s and even a perfect client would be ${perfect.toFixed(2)}× faster than the loop` +
						(perfect < TARGETS.speedupVsAllItems3s
							? `: ${TARGETS.speedupVsAllItems3s}× cannot be met against this loop. The package sees the slowest job and has its image ${s(realPackage.wallMs - realPackage.idealMs, 2)} s after the ideal (see batch wall time).`
							: `. ${TARGETS.speedupVsAllItems3s}× needs the package within ${(perfect / TARGETS.speedupVsAllItems3s).toFixed(2)}× of the ideal, i.e. to see the slowest job and fetch its image within ${s(realLoop.wallMs / TARGETS.speedupVsAllItems3s - realLoop.idealMs, 2)} s of its end; it takes ${s(realPackage.wallMs - realPackage.idealMs, 2)} s (see batch wall time).`)
					: undefined,
		});
	}
	const latency = results.latency ?? [];
	for (const phase of ['cold', 'warm'] as const) {
		const rows = latency.filter((r) => r.phase === phase);
		if (!rows.length) continue;
		const ok = (r: LatencyRow) => (r.meanMs <= 10_000 ? r.medianMs <= TARGETS.latencyShortMs : r.medianShare <= TARGETS.latencyLongShare);
		lines.push({
			target: `Median completion latency ≤ 0.5 s up to 10 s jobs, ≤ 5 % beyond (${phase})`,
			measured: rows.map((r) => `${PROVIDER_LABEL[r.provider]} ${s(r.meanMs, 0)} s: ${s(r.medianMs, 2)} s`).join('; '),
			met: rows.every(ok),
			why: rows.some((r) => !ok(r))
				? phase === 'cold'
					? `${rows.filter((r) => !ok(r)).map((r) => `${PROVIDER_LABEL[r.provider]} ${s(r.meanMs, 0)} s (${r.jobs} jobs): ${s(r.medianMs, 2)} s`).join('; ')}. Cold, a lone job's gaps grow with the time waited (1.3 s + 0.3 × elapsed, up to 5 s) to stay within the request budget for a job of unknown length. A batch's jobs share the watch and switch to dense checks once its first ones finish, but those first ones are seen at their own sparse checks (≈ 1–2 s after their end around 10 s); in a small batch (Runware runs 4 at a time) they are a large share of the jobs, and one execution of 4 jobs decides the median.`
					: 'Warm, checks are dense only inside the learned window; jobs that end outside it (the window is the 10th–90th percentile of recent jobs) fall back to the wider gaps.'
				: undefined,
		});
		// The target is per job of a given length, as the issue's own loop figures are: the mean over
		// a class of jobs against the budget at their mean length. Single jobs are reported too.
		const budgetOk = rows.every((r) => r.statusMean <= r.budget);
		const over = rows.filter((r) => r.withinBudget < r.jobs);
		lines.push({
			target: `Status requests per job ≤ 2 + 1 per 2 s (≤ 10 s), ≤ 7 + 1 per 5 s beyond, mean per job length (${phase})`,
			measured: rows
				.map((r) => `${PROVIDER_LABEL[r.provider]} ${s(r.meanMs, 0)} s: mean ${fmt(r.statusMean, 1)} (budget ${fmt(r.budget, 1)}, the mean of the jobs' own; max ${r.statusMax}, ${r.withinBudget}/${r.jobs} jobs within their own)`)
				.join('; '),
			met: budgetOk,
			why: budgetOk
				? over.length
					? `Met on average for every job length. Single jobs can go over the budget for their own length (${over.map((r) => `${PROVIDER_LABEL[r.provider]} ${s(r.meanMs, 0)} s: ${r.jobs - r.withinBudget} of ${r.jobs}, by at most ${r.maxOverBudget ?? 1}`).join('; ')}): a job is seen at the first check after it ends, so one that ends just after a check pays for the next, and its budget is counted from its own, shorter length (a 1.7 s job seen at a third check has a budget of 2.85). The schedule keeps to the budget for a kind of job, not for each job's unknown length.`
					: undefined
				: `${rows.filter((r) => r.statusMean > r.budget).map((r) => `${PROVIDER_LABEL[r.provider]} ${s(r.meanMs, 0)} s: mean ${fmt(r.statusMean, 1)} > ${fmt(r.budget, 1)}`).join('; ')}.`,
		});
	}
	if (results.memory?.length) {
		const worst = results.memory.reduce((a, b) => (b.rssMultiple > a.rssMultiple ? b : a));
		lines.push({
			target: `Peak memory < ${TARGETS.memoryMultiple}× the image (RSS over baseline)`,
			measured: results.memory
				.map((r) => `${PROVIDER_LABEL[r.provider]} ${r.image.split(',')[0]}${r.path.includes('URL') ? ' as URL' : r.path.startsWith('downscaled') ? ' (downscaled)' : r.path.includes('in flight') ? ` × ${r.path.split(' ')[0]} in flight, per item` : r.path.includes('MALLOC_ARENA_MAX') ? ' with MALLOC_ARENA_MAX=2' : ''}: ${x(r.rssMultiple)}`)
				.join('; '),
			met: results.memory.every((r) => r.rssMultiple < TARGETS.memoryMultiple && !r.error),
			why:
				worst.rssMultiple >= TARGETS.memoryMultiple
					? 'See "Memory: where it goes" below.'
					: undefined,
		});
	}
	if (results.overhead?.length) {
		lines.push({
			target: `Per-item overhead < ${TARGETS.overheadMs} ms (beyond the HTTP round trips as n8n makes them)`,
			measured: results.overhead.map((r) => `${PROVIDER_LABEL[r.provider]}: ${fmt(r.overheadMsPerItem, 1)} ms (package alone ${fmt(r.packageOnlyMsPerItem, 1)} ms; beyond bare sockets ${fmt(r.overheadBareMsPerItem, 1)} ms)`).join('; '),
			met: results.overhead.every((r) => r.overheadMsPerItem < TARGETS.overheadMs),
			why: results.overhead.some((r) => r.overheadMsPerItem >= TARGETS.overheadMs)
				? "Beyond the requests as n8n makes them, the package's own work is ≈ 2–5 ms per item (reading the image header with sharp, parsing answers, the poll loop, building the output; column \"package alone\"); the rest is n8n's binary data store in filesystem mode (writing the output image and its metadata, reading the input), which any node that outputs files pays, and which varies with the disk. Counted from the bare sockets, n8n's own request helper adds ≈ 2–4 ms per request on top (credential, axios, proxy agent). The figures move by about 1 ms between runs of the same code, more while the machine is busy (run `BENCH_ONLY=overhead npm run bench` a few times to see it)."
				: undefined,
		});
	}
	if (results.mask) {
		lines.push({
			target: `Mask preparation (2048² mask → 4096² image) median < ${TARGETS.maskMedianMs} ms`,
			measured: `median ${results.mask.medianMs} ms, p95 ${results.mask.p95Ms} ms (${results.mask.runs} runs)`,
			met: results.mask.medianMs < TARGETS.maskMedianMs,
		});
	}
	const soakPackage = results.soak?.find((r) => r.contender === 'package');
	if (soakPackage) {
		const own = results.soak?.find((r) => r.contender === 'n8n only');
		const ok = soakPackage.rssGrowthMbPer100 < TARGETS.soakGrowthMbPer100 && soakPackage.errors === 0;
		lines.push({
			target: `Soak: RSS growth over the second half < ${TARGETS.soakGrowthMbPer100} MB per 100 executions, one n8n process`,
			measured: `package ${signed(soakPackage.rssGrowthMbPer100)} MB/100 over ${soakPackage.executions} executions, ${soakPackage.errors} errors${own ? ` (n8n only: ${signed(own.rssGrowthMbPer100)}, ${own.errors} errors)` : ''}`,
			met: ok,
			why: ok ? undefined : 'See "6. Soak".',
		});
	}
	return lines;
}

const span = (values: number[], digits = 1, unit = '') => {
	const lo = Math.min(...values).toFixed(digits);
	const hi = Math.max(...values).toFixed(digits);
	return lo === hi ? `${lo}${unit}` : `${lo}–${hi}${unit}`;
};

function speedupWhy(contender: 'all-items loop' | 'one-at-a-time loop', set: BatchCase[], phase: 'cold' | 'warm', goal: number): string {
	const loops = set.map((c) => pick(c, contender)).filter((r): r is BatchRow => !!r);
	const idealSpeedups = loops.map((r) => r.wallMs / r.idealMs);
	const bound = idealSpeedups.every((v) => v < goal)
		? `Even a perfect client would be only ${span(idealSpeedups)}× faster than it here (column "ideal" in the batch table), so ${goal}× cannot be met in this harness.`
		: `A perfect client would be ${span(idealSpeedups)}× faster (column "ideal"); the package is not, because of its detection lag (see batch wall time).`;
	if (contender === 'all-items loop') {
		const pkg = set.map((c) => pick(c, `package (${phase})`)).filter((r): r is BatchRow => !!r);
		return (
			`A ${s(set[0].meanMs, 0)} s job is seen by the loop at its first check, 5 s after submit; here, in n8n-core's engine in-process with no database, the loop then finishes in ${span(loops.map((r) => r.wallMs / 1000), 1, ' s')} ` +
			'(the issue measured 6.2 s in the real n8n, where every node execution is also saved; see the real n8n\'s own row, "In the real n8n 2.41.1"). ' +
			bound +
			` The package (${phase}) takes ${span(pkg.map((r) => r.wallMs / 1000), 1, ' s')}, ${span(pkg.map(ratio), 2, '×')} the ideal` +
			'.'
		);
	}
	const perItem = loops.map((r) => `${opLabel(r.operation)} ${s(r.meanMs, 0)} s: ${(r.wallMs / r.items / 1000).toFixed(1)} s per item`);
	const capped = loops.filter((r) => r.wallMs / r.idealMs < goal * 1.05);
	const tight = capped.length
		? ` For ${capped.map((r) => `${opLabel(r.operation)} ${s(r.meanMs, 0)} s`).join(' and ')} even a perfect client is only ${span(capped.map((r) => r.wallMs / r.idealMs))}× faster than the loop, so ${goal}× needs the package within ${span(capped.map((r) => r.wallMs / r.idealMs / goal), 2)}× of the ideal.`
		: '';
	return `The one-at-a-time loop sees each job at the next 5 s mark after it ends (${perItem.join('; ')}). ${bound}${tight}`;
}

// ───────────── soak ─────────────

const signed = (v: number) => (Number.isNaN(v) ? '–' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`);

function soakTable(results: Results): string {
	return table(
		['Contender', 'Executions', 'Errors', 'In flight', 'Time (s)', 'Lowest RSS, first → last window (MB)', 'RSS growth, 2nd half (MB/100)', 'Lowest heap, first → last (MB)', 'Heap growth (MB/100)', 'External growth (MB/100)'],
		(results.soak ?? []).map((r) => [
			r.contender,
			String(r.executions),
			r.errors ? `**${r.errors}**` : '0',
			String(r.concurrency),
			String(r.wallS),
			`${r.rssFirstMb} → ${r.rssLastMb}`,
			`${signed(r.rssGrowthMbPer100)} ± ${secondHalfGrowth(r.windows, (w) => w.rssMinMb).stdErr.toFixed(2)}`,
			`${r.heapFirstMb} → ${r.heapLastMb}`,
			signed(r.heapGrowthMbPer100),
			signed(r.externalGrowthMbPer100),
		]),
	);
}

function soakSeries(results: Results): string {
	return (results.soak ?? [])
		.map((r) => {
			const series = (value: (w: SoakRow['windows'][number]) => number) => r.windows.map((w) => value(w).toFixed(0)).join(', ');
			return `- ${r.contender}, per ${r.windows[0]?.executions ?? '?'} executions, lowest RSS (MB): ${series((w) => w.rssMinMb)}; lowest heap (MB): ${series((w) => w.heapMinMb)}${r.firstError ? `; first error: ${r.firstError}` : ''}`;
		})
		.join('\n');
}

// ───────────── console ─────────────

export function consoleReport(results: Results): string {
	const parts: string[] = [];
	if (results.batch?.length || results.oneAtATime?.length) parts.push('1. Batch wall time', batchTable(results), otherProvidersTable(results));
	if (results.realN8n?.length) parts.push('1b. Batch wall time in the real n8n', realN8nTable(results));
	if (results.latency?.length) parts.push('2–3. Completion latency and polling cost', latencyTable(results));
	if (results.memory?.length) parts.push('4. Memory', memoryTable(results), memoryPartsTable(results), memoryHostileTable(results));
	if (results.overhead?.length) parts.push('5. Per-item overhead (instant fake)', overheadTable(results));
	if (results.soak?.length) parts.push('6. Soak (one n8n process, webhook executions)', soakTable(results), soakSeries(results));
	if (results.mask) parts.push(`Mask preparation: median ${results.mask.medianMs} ms, p95 ${results.mask.p95Ms} ms`);
	parts.push('Targets', table(['Target', 'Measured', 'Result'], targetLines(results).map((t) => [t.target, t.measured, yes(t.met)])));
	for (const f of results.failures) parts.push(`SECTION FAILED: ${f.section}: ${f.error}`);
	return parts.filter(Boolean).join('\n\n');
}

// ───────────── BENCHMARKS.md ─────────────

export function markdownReport(results: Results, notes: { memoryNotes: string; fixNotes: string }): string {
	const e = results.env;
	const lines = targetLines(results);
	const out: string[] = [];
	out.push(
		'# Benchmarks',
		'',
		`Generated by \`npm run bench\` (bench/run.ts) on ${e.date}${e.quick ? ' — **BENCH_QUICK smoke run: shortened cases, not the benchmark**' : ''}.`,
		'',
		`Machine: ${e.cpus} × ${e.cpuModel}, ${e.memoryGb} GB RAM, ${e.platform}; Node ${e.node}; n8n-core ${e.n8nCore}, n8n-nodes-base ${e.n8nNodesBase}.` +
			(e.runtimeS !== undefined ? ` The whole run took ${Math.round(e.runtimeS)} s.` : ''),
		'',
		'All contenders run through the same engine: n8n-core\'s `WorkflowExecute`, in this process, with the built package (dist/)',
		'loaded by n8n-core\'s `PackageDirectoryLoader`, n8n\'s own HTTP Request, Wait, IF, Loop Over Items and No Operation nodes',
		'loaded from n8n-nodes-base of the real n8n 2.41.1 install (`scripts/install-n8n.js`, shared with the e2e tests), and binary',
		'data in filesystem mode. The providers are the package\'s fake servers (test/fakes) on 127.0.0.1; every job\'s length is',
		`drawn at random in mean × [${1 - e.spread}, ${1 + e.spread}], so no poll schedule can aim at fixed instants. Wall times are n8n's own`,
		'(`startedAt` → `stoppedAt` of the run), not the process\'s.',
		'',
		'## Targets',
		'',
		table(['Target', 'Measured', 'Result'], lines.map((t) => [t.target, t.measured, yes(t.met)])),
		'',
	);
	const missed = lines.filter((t) => t.met === false);
	if (missed.length) {
		out.push('### Why targets are missed', '');
		for (const t of missed) out.push(`- **${t.target}**: ${t.why ?? 'see the section below.'}`);
		out.push('');
	}
	const noted = lines.filter((t) => t.met === true && t.why);
	if (noted.length) {
		out.push('### Notes on met targets', '');
		for (const t of noted) out.push(`- **${t.target}**: ${t.why}`);
		out.push('');
	}
	out.push(notes.fixNotes, '');
	out.push(
		'### Which schedule a user sees',
		'',
		'The package learns how long recent jobs of the same kind took (provider, operation, rendering speed, images per job) and',
		'keeps that in the n8n process for as long as it runs. **Cold** is what the first execution after n8n (or a queue-mode',
		'worker) starts sees for a kind of job, and every item of that first batch, because all of them are submitted before any',
		'finishes. **Warm** is every later execution in the same process: a workflow that runs on a schedule or per incoming',
		'record is warm from its second run on. In the first execution, a batch’s own first finished jobs already move the rest to dense checks.',
		'',
	);
	if (results.batch?.length || results.oneAtATime?.length) {
		const runs = Math.max(1, ...(results.batch ?? []).map((r) => r.runs ?? 1));
		out.push(
			'## 1. Batch wall time',
			'',
			'20 items on the RunComfy fake, which runs all jobs in parallel; images given as URLs (an image server on 127.0.0.1), so',
			'the package and the loops send the same request. **Ideal** = the longest job of that run (as the fake timed it) + one',
			'round trip (a bare submit POST + one status GET, measured against an instant fake). ' +
				(runs > 1
					? `The package (cold and warm) and the all-items loop run ${runs} times per case, every job length drawn afresh; the row is the run with the median ratio to its ideal. `
					: '') +
				'Contenders:',
			'',
			'- **package (cold / warm)**: the package\'s node at its default settings (Concurrency 0 = 20 on RunComfy), first with',
			'  nothing learned, then again in the same process.',
			'- **all-items loop**: HTTP Request (submit) → Wait 5 s → HTTP Request (status) → IF `status = completed` → HTTP Request',
			'  (result) → HTTP Request (download, response as file); IF false → back to Wait. n8n sends an HTTP Request node\'s items',
			'  concurrently, so the 20 jobs run side by side.',
			'- **one-at-a-time loop**: the same inside Loop Over Items (batch size 1). Its items run strictly one after another, so it',
			`  runs fewer items and its time is scaled to 20 (its ideal is the 20-item ideal of the same case); it runs side by side`,
			'  with the latency benchmark (both only wait on timers and sockets).',
			'',
			batchTable(results),
			'',
		);
		const other = otherProvidersTable(results);
		if (other) {
			out.push(
				'Other providers (package only, cold). Their ideal is the best schedule of the run\'s own job lengths under the',
				'package\'s default concurrency, which follows each provider\'s documented limit (Ideogram: 10 images in flight; Runware',
				'recommends 2–4 concurrent requests; CometAPI documents none, 5 is a cautious default), with one round trip per job:',
				'',
				other,
				'',
			);
		}
	}
	if (results.realN8n?.length) {
		out.push(
			'### In the real n8n 2.41.1',
			'',
			'The issue measured the loops in the real n8n, where every node execution is also saved to the database: there the',
			'all-items loop is slower than in-process. Here the package (installed as n8n installs community packages) and the',
			'all-items loop run by `n8n execute` against the same RunComfy fake; each `n8n execute` is a new process, so the package',
			`is cold. Each runs ${results.realN8n[0].runs ?? 1} times; the row is the run with the median ratio to its ideal.`,
			'',
			realN8nTable(results),
			'',
		);
	}
	if (results.latency?.length) {
		out.push(
			'## 2. Completion latency and 3. polling cost',
			'',
			'Replace Background, images as URLs, default settings; each job length is its own kind of job (Rendering Speed Turbo,',
			'Default, Quality), and all run side by side, each on its own fake. RunComfy runs 20 items per execution; Runware 4',
			'(its default concurrency). **Latency of a job** = when the package\'s download of that job\'s image reached the fake −',
			'when the fake marked the job done. The download follows the status check that saw the job done (and, on RunComfy, the',
			'result read) immediately, so it is when the node has the result; measured per job, a batch\'s slowest job does not',
			'hide the others. The node hands its items to n8n when the whole batch is done: **batch tail** = node end − the last',
			'job\'s completion (median over executions). **Cold** = the first execution with nothing learned; **warm** = the',
			'following executions. Status requests are RunComfy `GET …/status` and Runware `getResponse` calls naming the job',
			'(RunComfy adds one `GET …/result` per job after it is done, as the loops do); the budget is the mean over the jobs of',
			'the budget for each one\'s own length (the target is per job of a length), and the jobs within their own are counted too.',
			'',
			latencyTable(results),
			'',
		);
	}
	if (results.memory?.length) {
		out.push(
			'## 4. Memory',
			'',
			'Edit of one large PNG (with a mask of the same size) per provider, each in a fresh child process; the fake runs in the',
			'parent so its copies of the upload do not count. The files are streamed into n8n\'s binary data store (filesystem mode)',
			'as a Read File node does. After a warm-up edit of a small image, the baseline is taken when the Edit is about to get',
			'its item: the files are in the store and two GCs have freed the dead chunks reading them left (up to the file\'s size,',
			'not the Edit\'s; runs before 2026-12-07 counted them). Then the kernel\'s peak-RSS mark is reset and memory is sampled',
			'every 10 ms. Peak RSS is the kernel\'s high-water mark (VmHWM); peak external is V8\'s external memory (Buffers).',
			'Multiples are of the image file\'s size.',
			'',
			memoryTable(results),
			'',
			notes.memoryNotes,
			'',
			memoryPartsTable(results),
			'',
			...(results.memoryHostile?.length
				? [
						'Decompression bombs through the whole Edit (same method): a small file that claims an enormous image is refused from its',
						'header before any pixel is decoded. Multiples of such a file mean nothing; the peak is in MB.',
						'',
						memoryHostileTable(results),
						'',
					]
				: []),
		);
	}
	if (results.overhead?.length) {
		out.push(
			'## 5. Per-item overhead',
			'',
			'Replace Background of a 256×192 PNG from binary data, instant fake (jobs take 0 ms), Concurrency 1 so items run one after',
			'another and times add up. Overhead = node time (n8n\'s `executionTime`) − scheduled poll waits (measured on the package\'s',
			'clock) − HTTP time, as the slope between runs of ' +
				`${results.overhead[0].counts[0]} and ${results.overhead[0].counts[1]} items (per-execution costs cancel), the median of three such pairs. ` +
				'**HTTP via n8n** is the time inside the package\'s transport, i.e. n8n\'s',
			'own request helper (credential, axios, proxy agent) + network + the fake; **HTTP bare** is the fake\'s own time on each',
			'request during the run + the bare client/network floor of the same requests replayed with Node\'s `http`. Per-item',
			'columns are per item at the larger count.',
			'',
			overheadTable(results),
			'',
		);
	}
	if (results.soak?.length) {
		const r = results.soak[0];
		out.push(
			'## 6. Soak',
			'',
			`One real n8n 2.41.1 (\`n8n start\`, SQLite, binary data in ${r.binaryMode === 'default' ? 'memory (mode `default`, base64 in the items)' : 'filesystem mode'}, executions saved as by default) per contender, with`,
			'the package installed as n8n installs community packages, answering production webhooks (response when the last node',
			`ends) ${r.executions} times, ${r.concurrency} calls in flight, alternating RunComfy Replace Background and Ideogram Edit (v2 API) over`,
			`${r.imagesPerExecution} PNGs of 256×256 each. The images come base64 in the webhook's JSON body and become binary data with Convert`,
			'To File; the fakes (test/fakes) on 127.0.0.1 finish each job in 20 ms. **package**: the package\'s node (Edit with a',
			'rectangular region as its mask, so the package draws the mask). **n8n only**: the same requests with n8n\'s own nodes:',
			'Extract From File (base64) → HTTP Request submit (RunComfy: JSON with a data URI; Ideogram: multipart with the image and',
			'a mask file an HTTP Request fetched) → Wait 0.5 s → HTTP Request status → IF completed (false: back to Wait) →',
			'(RunComfy: HTTP Request result) → HTTP Request download as file. The n8n process\'s RSS (`/proc/<pid>/status` VmRSS) is',
			'read after every execution and every 100 ms, its JS heap (`nodejs_heap_size_used_bytes`) and external memory',
			`(\`nodejs_external_memory_bytes\`) from n8n\'s \`/metrics\` (\`N8N_METRICS=true\`) every 10 executions; per window of`,
			`${r.windows[0]?.executions ?? 100} executions the lowest of each is kept (what stays held, not the garbage between two collections). **Growth** is`,
			'the least-squares slope of those window minima over the second half of the run, in MB per 100 executions (± its',
			'standard error, from how far the windows scatter about the line); the first half is warm-up (code loaded, caches and',
			'pools filled, the database\'s first pages).',
			'',
			soakTable(results),
			'',
			soakSeries(results),
			'',
		);
	}
	if (results.mask) {
		out.push(
			'## Mask preparation',
			'',
			`\`benchMaskPreparation()\` (bench/mask.ts): a 2048² editor-style PNG mask prepared for a 4096² image (decode, threshold, resize, count, encode): median **${results.mask.medianMs} ms**, p95 ${results.mask.p95Ms} ms over ${results.mask.runs} runs (target < ${TARGETS.maskMedianMs} ms).`,
			'',
		);
	}
	if (results.failures.length) {
		out.push('## Sections that failed', '', ...results.failures.map((f) => `- ${f.section}: ${f.error}`), '');
	}
	out.push(
		'## Running it',
		'',
		'`npm run bench` builds the package and runs everything (about 13 minutes on 2 cores, and 12 more for the soak; the first run also installs n8n',
		'2.41.1 into `~/.cache/n8n-ideogram`, which takes a few minutes). Environment: `BENCH_QUICK=1` a short smoke run that',
		'writes `bench/.out/BENCHMARKS.quick.md` instead of this file; `BENCH_ONLY=batch,real,latency,memory,overhead,mask,soak` a',
		'subset (then this file is not rewritten unless `BENCH_OUT` is set); `BENCH_OUT=path` where to write; `BENCH_REPEATS=3`',
		'runs per batch case; `BENCH_SPREAD=0.2` the job-length spread; `BENCH_ITEMS`, `BENCH_LOOP_ITEMS`,',
		'`BENCH_BATCH_MEANS=3,12`, `BENCH_LATENCY_MEANS=2,10,60` (seconds); `BENCH_SOAK_EXECUTIONS=1500` (100 with',
		'`BENCH_QUICK`), `BENCH_SOAK_CONCURRENCY=6`, `BENCH_SOAK_WINDOW=100` (25 with `BENCH_QUICK`) for the soak (section',
		'`soak`: two real n8n processes one after the other, about six minutes each; `BENCH_SOAK_CONTENDERS=package` runs one,',
		'`BENCH_SOAK_BINARY_MODE=default` keeps binary data in memory instead of files, `N8N_E2E_PACKAGE_DIR=<dir>` soaks the',
		'build in that directory, e.g. an older commit\'s);',
		'`BENCH_REPORT_FROM=bench/.out/results.json`',
		're-renders the report from the last run without measuring. `npx tsx bench/pollSim.ts [seconds …]` runs the poll',
		'schedule alone on a fake clock (batches of 20, cold, first warm and warm) in seconds.',
		'',
	);
	return out.join('\n');
}

export function averageOf(values: number[]): number {
	return values.length ? mean(values) : NaN;
}
