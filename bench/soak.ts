/**
 * 6. Soak: one real n8n (`n8n start`) per contender answering production webhooks, the package's
 * node or the same requests with n8n's own nodes; the lowest RSS, heap and external memory per
 * window of executions and their growth over the second half. The method is in BENCHMARKS.md's
 * notes (`soak`).
 */
import fs from 'node:fs';
import sharp from 'sharp';

import { credentialFixtures } from '../test/e2e/fixtures';
import { activateWorkflow, packPackage, postWebhook, REPO_ROOT, startN8nScratch, type N8nServer, type WorkflowJson } from '../test/e2e/n8n';
import { ideogramNode, OPERATIONS, webhookWorkflow } from '../test/e2e/queue/cluster';
import { startFake, type FakeServer } from '../test/fakes';
import { makeMask } from '../test/harness/workflows';
import type { Settings } from './run';
import { round, secondHalfGrowth, sleep, startImageServer } from './lib/common';
import { http, ifCompleted, node, PROMPT, RUNCOMFY_MODEL } from './lib/workflows';

export type SoakContender = 'package' | 'n8n only';
type Workload = 'replaceBackground' | 'edit';
/** Per window of executions (`executions` finished at its end), the lowest of each, in MB. */
type SoakWindow = { executions: number; rssMinMb: number; heapMinMb: number; externalMinMb: number };
export type SoakRow = Awaited<ReturnType<typeof drive>>;

const MB = 1024 * 1024;
const SAMPLE_MS = 100;
/** PNGs per execution, their side, the fakes' job length (ms). */
const [IMAGES, SIDE, JOB_MS] = [5, 256, 20];
const PATHS: Record<Workload, string> = { replaceBackground: 'soak-replace-background', edit: 'soak-edit' };

export async function benchSoak(s: Settings): Promise<SoakRow[]> {
	s.log(`soak: ${s.soak.executions} webhook executions in one n8n process, ${s.soak.concurrency} in flight, per contender`);
	const images = await Promise.all(Array.from({ length: IMAGES }, async (_, i) => (await photo(SIDE, i)).toString('base64')));
	const body = { items: images.map((png) => ({ png })) };
	const packed = await packPackage(process.env.N8N_E2E_PACKAGE_DIR ?? REPO_ROOT);
	try {
		const rows: SoakRow[] = [];
		for (const contender of s.soak.contenders) rows.push(await soakOne(contender, packed.tarball, body, s));
		return rows;
	} finally {
		fs.rmSync(packed.tarball, { force: true });
	}
}

async function soakOne(contender: SoakContender, tarball: string, body: unknown, s: Settings): Promise<SoakRow> {
	const fakeOptions = { jobDurationMs: JOB_MS, recordBodies: false, maxInflightImages: 1000 };
	const fakes = { runComfy: await startFake('runComfy', fakeOptions), ideogram: await startFake('ideogram', fakeOptions) };
	const q = SIDE / 4;
	const mask = await makeMask(SIDE, SIDE, { left: q, top: q, width: 2 * q, height: 2 * q }, 'black');
	const files = await startImageServer({ 'mask.png': { data: mask, mimeType: 'image/png' } });
	const scratch = await startN8nScratch({ tarball, credentials: credentialFixtures(fakes) });
	try {
		const server = await scratch.startServer({ env: { N8N_METRICS: 'true', N8N_LOG_LEVEL: 'warn', N8N_DEFAULT_BINARY_DATA_MODE: s.soak.binaryMode } });
		const workflows = contender === 'package' ? packageWorkflows() : n8nOnlyWorkflows(fakes, files.url('mask.png'));
		for (const workflow of Object.values(workflows)) await activateWorkflow(server, workflow);
		s.log(`soak, ${contender}: n8n pid ${server.pid}, ${s.soak.executions} executions, ${s.soak.concurrency} in flight, binary data mode ${s.soak.binaryMode}`);
		return await drive(contender, server, body, Object.values(fakes), s);
	} finally {
		await scratch.dispose();
		await files.close();
		await Promise.all(Object.values(fakes).map(async (fake) => await fake.close()));
	}
}

async function drive(contender: SoakContender, server: N8nServer, body: unknown, fakes: FakeServer[], s: Settings) {
	let [rssMin, heapMin, externalMin] = [Infinity, Infinity, Infinity];
	const sampleRss = () => (rssMin = Math.min(rssMin, rssOf(server.pid)));
	const sampleMetrics = async () => {
		const res = await server.anonymousRequest<string>('GET', '/metrics');
		// prom-client's default metrics, behind n8n's prefix (N8N_METRICS_PREFIX, `n8n_` by default)
		const metric = (name: string) => Number(new RegExp(`^\\w*${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(res.text)?.[1] ?? NaN);
		heapMin = Math.min(heapMin, metric('nodejs_heap_size_used_bytes'));
		externalMin = Math.min(externalMin, metric('nodejs_external_memory_bytes'));
	};
	const timer = setInterval(sampleRss, SAMPLE_MS);
	const windows: SoakWindow[] = [];
	let [errors, done] = [0, 0];
	let firstError: string | undefined;
	const started = Date.now();
	try {
		for (let from = 0; from < s.soak.executions; from += s.soak.window) {
			const to = Math.min(s.soak.executions, from + s.soak.window);
			let next = from;
			const worker = async () => {
				while (next < to) {
					const workload: Workload = next++ % 2 === 0 ? 'replaceBackground' : 'edit';
					const problem = await execute(server, workload, body, IMAGES);
					if (problem) firstError ??= `${workload}: ${problem}`;
					errors += problem ? 1 : 0;
					done++;
					sampleRss();
					if (done % 10 === 0) await sampleMetrics();
				}
			};
			await Promise.all(Array.from({ length: s.soak.concurrency }, worker));
			// The fakes keep every job and its images: forget them between windows, when none is in flight.
			for (const fake of fakes) fake.reset();
			await sleep(2 * SAMPLE_MS);
			await sampleMetrics();
			windows.push({ executions: done, rssMinMb: rssMin / MB, heapMinMb: heapMin / MB, externalMinMb: externalMin / MB });
			s.log(`soak, ${contender}: ${done} executions, ${errors} errors, lowest RSS ${(rssMin / MB).toFixed(0)} MB, heap ${(heapMin / MB).toFixed(0)} MB, external ${(externalMin / MB).toFixed(0)} MB`);
			[rssMin, heapMin, externalMin] = [Infinity, Infinity, Infinity];
		}
	} finally {
		clearInterval(timer);
	}
	const [first, last] = [windows[0], windows[windows.length - 1]];
	const growth = (value: (w: SoakWindow) => number) => round(secondHalfGrowth(windows, value).per100, 2);
	const { concurrency, binaryMode } = s.soak;
	return {
		contender, executions: done, errors, ...(firstError ? { firstError } : {}), concurrency, imagesPerExecution: IMAGES, binaryMode, wallS: round((Date.now() - started) / 1000, 0),
		// The lowest of the first and of the last window; growth in MB per 100 executions over the second half.
		rssFirstMb: round(first.rssMinMb, 0), rssLastMb: round(last.rssMinMb, 0), rssGrowthMbPer100: growth((w) => w.rssMinMb),
		heapFirstMb: round(first.heapMinMb, 0), heapLastMb: round(last.heapMinMb, 0), heapGrowthMbPer100: growth((w) => w.heapMinMb),
		externalGrowthMbPer100: growth((w) => w.externalMinMb),
		windows: windows.map((w) => ({ executions: w.executions, rssMinMb: round(w.rssMinMb, 1), heapMinMb: round(w.heapMinMb, 1), externalMinMb: round(w.externalMinMb, 1) })),
	};
}

/** One webhook call: undefined when the execution answered with all its images, else what went wrong. */
async function execute(server: N8nServer, workload: Workload, body: unknown, expected: number): Promise<string | undefined> {
	try {
		const res = await postWebhook<{ images?: number }>(server, PATHS[workload], body);
		if (res.status !== 200) return `HTTP ${res.status}: ${res.text.slice(0, 300)}`;
		return Number(res.body.images) === expected ? undefined : `${String(res.body.images)} images of ${expected}: ${res.text.slice(0, 300)}`;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}

function rssOf(pid: number): number {
	try {
		return Number(/^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Infinity) * 1024;
	} catch {
		return Infinity; // the process has exited
	}
}

/** A photo-like PNG (gradients and grain, each one different; ≈ 55 KB at 256²), not a flat colour that compresses to nothing. */
async function photo(side: number, seed: number): Promise<Buffer> {
	const pixels = Buffer.alloc(side * side * 3);
	let noise = 1 + seed;
	for (let i = 0; i < pixels.length; i += 3) {
		const [x, y] = [(i / 3) % side, Math.floor(i / 3 / side)];
		noise = (noise * 1103515245 + 12345) & 0x7fffffff;
		const jitter = (noise >> 16) % 8;
		[pixels[i], pixels[i + 1], pixels[i + 2]] = [(x + seed * 40 + jitter) & 255, (y + jitter) & 255, ((x + y) / 2 + seed * 20) & 255];
	}
	return await sharp(pixels, { raw: { width: side, height: side, channels: 3 } }).png({ adaptiveFiltering: true }).toBuffer();
}

// ───────────── workflows ─────────────

/** A webhook workflow whose Done node also answers how many items came out with an image; with `loop`, IF false goes back to Wait. */
function counted(webhookPath: string, steps: Array<{ name: string }>, loop = false): WorkflowJson {
	const workflow = webhookWorkflow(webhookPath, steps as Array<Record<string, unknown> & { name: string }>);
	const done = workflow.nodes.find((n) => n.name === 'Done') as { parameters: { assignments: { assignments: unknown[] } } };
	done.parameters.assignments.assignments.push({ id: 'i', name: 'images', value: '={{ $input.all().filter((item) => item.binary?.data).length }}', type: 'number' });
	if (loop) (workflow.connections['Completed?'] as { main: unknown[][] }).main[1] = [{ node: 'Wait', type: 'main', index: 0 }];
	return workflow;
}

function packageWorkflows(): Record<Workload, WorkflowJson> {
	const [editType, editParameters] = OPERATIONS.Edit;
	return {
		replaceBackground: counted(PATHS.replaceBackground, [ideogramNode('Ideogram', 'ideogramReplaceBackground', 'runComfy', { prompt: PROMPT, options: {} })]),
		edit: counted(PATHS.edit, [ideogramNode('Ideogram', editType, 'ideogram', { ...editParameters })]),
	};
}

function n8nOnlyWorkflows({ runComfy: rc, ideogram: ig }: { runComfy: FakeServer; ideogram: FakeServer }, maskUrl: string): Record<Workload, WorkflowJson> {
	const wait = () => node('Wait', 'wait', 1.1, { resume: 'timeInterval', amount: 0.5, unit: 'seconds' });
	const apiKey = { sendHeaders: true, headerParameters: { parameters: [{ name: 'Api-Key', value: ig.apiKey }] } };
	const asFile = (property = 'data') => ({ options: { response: { response: { responseFormat: 'file', outputPropertyName: property } } } });
	const file = (name: string) => ({ parameterType: 'formBinaryData', name, inputDataFieldName: name === 'image' ? 'data' : name });
	const parameters = [file('image'), file('mask'), { parameterType: 'formData', name: 'prompt', value: String(OPERATIONS.Edit[1].prompt) }, { parameterType: 'formData', name: 'async', value: 'true' }];
	return {
		replaceBackground: counted(PATHS.replaceBackground, [
			node('To Base64', 'extractFromFile', 1, { operation: 'binaryToPropery', binaryPropertyName: 'data', destinationKey: 'image', options: {} }),
			http('Submit', 'POST', `${rc.url}/v1/models/${RUNCOMFY_MODEL.replaceBackground}`, rc.apiKey, { sendBody: true, specifyBody: 'json', jsonBody: `={{ JSON.stringify({ image: 'data:image/png;base64,' + $json.image, prompt: ${JSON.stringify(PROMPT)} }) }}` }),
			wait(),
			http('Get Status', 'GET', `=${rc.url}/v1/requests/{{ $json.request_id }}/status`, rc.apiKey),
			ifCompleted(),
			http('Get Result', 'GET', `=${rc.url}/v1/requests/{{ $json.request_id }}/result`, rc.apiKey),
			http('Download Image', 'GET', '={{ $json.output.image }}', undefined, asFile()),
		], true),
		edit: counted(PATHS.edit, [
			http('Get Mask', 'GET', maskUrl, undefined, asFile('mask')),
			http('Submit', 'POST', `${ig.url}/v2/image/inpaint/ideogram-3`, undefined, { ...apiKey, sendBody: true, contentType: 'multipart-form-data', bodyParameters: { parameters } }),
			wait(),
			http('Get Status', 'GET', `=${ig.url}/v2/generations/{{ $json.generation_id }}`, undefined, apiKey),
			ifCompleted(),
			http('Download Image', 'GET', '={{ $json.data[0].url }}', undefined, asFile()),
		], true),
	};
}
