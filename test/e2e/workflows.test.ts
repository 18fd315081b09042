/**
 * Workflows run by the real n8n 2.41 CLI (`n8n execute`), binary data in filesystem mode (n8n's
 * default), against the fake providers; and the workflows in examples/.
 *
 * Per provider one workflow: Manual Trigger → Set (a PNG as base64) → Convert to File (binary
 * `data`, stored by n8n on disk) → Ideogram Edit (region mask) / Reframe / Replace Background, and
 * for the queued providers also Reframe without waiting → Ideogram Poll Result.
 */
import sharp from 'sharp';

import { failedNodes, listExampleFiles, runExampleWorkflows } from './examples';
import { closeAllFakes, credentialFixtures, credentialsFor, PROVIDERS, startAllFakes, type Fakes, type Provider } from './fixtures';
import { describeRun, outputItems, startN8nScratch, type ExecutionResult, type N8nScratch, type RunItem, type WorkflowJson } from './n8n';

const PACKAGE = 'n8n-nodes-ideogram-v3';
const QUEUED: Provider[] = ['runComfy', 'runware', 'ideogram'];

type Node = Record<string, unknown> & { name: string };

function providerWorkflow(provider: Provider, pngBase64: string): WorkflowJson {
	const credentials = credentialsFor(provider);
	const at = (x: number, y: number) => [x * 220, y * 160];
	const op = (name: string, type: string, y: number, parameters: Record<string, unknown>): Node => ({
		id: `${type}-${y}`,
		name,
		type: `${PACKAGE}.${type}`,
		typeVersion: 1,
		position: at(3, y),
		parameters: { provider, imageSource: 'binary', imageBinaryProperty: 'data', ...parameters },
		credentials,
	});
	const nodes: Node[] = [
		{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: at(0, 0), parameters: {} },
		{
			id: 'set',
			name: 'Image',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: at(1, 0),
			parameters: {
				mode: 'manual',
				assignments: { assignments: [{ id: 'png', name: 'png', value: pngBase64, type: 'string' }] },
				options: {},
			},
		},
		{
			id: 'file',
			name: 'To File',
			type: 'n8n-nodes-base.convertToFile',
			typeVersion: 1.1,
			position: at(2, 0),
			parameters: { operation: 'toBinary', sourceProperty: 'png', binaryPropertyName: 'data', options: { fileName: 'input.png', mimeType: 'image/png' } },
		},
		op('Edit', 'ideogramEdit', 0, {
			prompt: 'a red balloon',
			maskSource: 'region',
			maskRegions: { regions: [{ unit: 'percent', x: 25, y: 25, width: 50, height: 50 }] },
			// Runware takes no seed (the node refuses one).
			options: provider === 'runware' ? {} : { seed: 42 },
		}),
		op('Reframe', 'ideogramReframe', 1, { resolution: '1280x800', options: {} }),
		op('Replace Background', 'ideogramReplaceBackground', 2, { prompt: 'a beach at sunset', options: {} }),
	];
	const targets = ['Edit', 'Reframe', 'Replace Background'];
	const connections: Record<string, unknown> = {
		Start: { main: [[{ node: 'Image', type: 'main', index: 0 }]] },
		Image: { main: [[{ node: 'To File', type: 'main', index: 0 }]] },
	};
	if (QUEUED.includes(provider)) {
		nodes.push(op('Submit', 'ideogramReframe', 3, { resolution: '1024x1024', waitForCompletion: false, options: {} }));
		nodes.push({
			id: 'poll',
			name: 'Poll',
			type: `${PACKAGE}.ideogramPollResult`,
			typeVersion: 1,
			position: at(4, 3),
			parameters: { provider, operation: 'waitForResult', requestId: '={{ $json.requestId }}', options: {} },
			credentials,
		});
		targets.push('Submit');
		connections.Submit = { main: [[{ node: 'Poll', type: 'main', index: 0 }]] };
	}
	connections['To File'] = { main: [targets.map((node) => ({ node, type: 'main', index: 0 }))] };
	return { name: `e2e ${provider}`, nodes, connections, settings: { executionOrder: 'v1' } };
}

function expectImageItems(items: RunItem[], provider: Provider, operation: string): void {
	expect(items.length).toBeGreaterThan(0);
	for (const item of items) {
		expect(item.json).toEqual(expect.objectContaining({ provider, operation, status: 'completed' }));
		const binary = item.binary?.data;
		expect(binary).toBeDefined();
		expect(binary!.mimeType).toMatch(/^image\/(png|jpeg|webp)$/);
		// filesystem mode: n8n stored the bytes on disk, the item carries only a reference
		expect(binary!.id).toMatch(/^filesystem-v2:/);
	}
}

let PNG: Buffer | undefined;

describe('workflows on the real n8n CLI', () => {
	let fakes: Fakes | undefined;
	let n8n: N8nScratch | undefined;
	const runs = new Map<Provider, ExecutionResult>();

	beforeAll(async () => {
		fakes = await startAllFakes();
		n8n = await startN8nScratch({ credentials: credentialFixtures(fakes) });
		const png = await sharp({ create: { width: 256, height: 192, channels: 3, background: '#3366cc' } }).png().toBuffer();
		PNG = png;
		const results = await n8n.executeAll(PROVIDERS.map((p) => providerWorkflow(p, png.toString('base64'))));
		PROVIDERS.forEach((p, i) => runs.set(p, results[i]));
	}, 30 * 60_000);

	afterAll(async () => {
		await n8n?.dispose();
		await closeAllFakes(fakes);
	}, 60_000);

	describe.each(PROVIDERS)('%s', (provider) => {
		it('runs to success', () => {
			const run = runs.get(provider)!;
			if (run.exitCode !== 0) throw new Error(describeRun(run));
			expect(failedNodes(run)).toEqual([]);
		});

		it('edits, reframes and replaces the background, output in n8n binary storage', () => {
			const run = runs.get(provider)!;
			expectImageItems(outputItems(run, 'Edit'), provider, 'edit');
			expectImageItems(outputItems(run, 'Reframe'), provider, 'reframe');
			expectImageItems(outputItems(run, 'Replace Background'), provider, 'replaceBackground');
		});

		if (QUEUED.includes(provider)) {
			it('submits without waiting, then Poll Result fetches the image', () => {
				const run = runs.get(provider)!;
				const submitted = outputItems(run, 'Submit');
				expect(submitted.length).toBeGreaterThan(0);
				for (const item of submitted) expect(item.json).toEqual(expect.objectContaining({ provider, status: 'submitted' }));
				expectImageItems(outputItems(run, 'Poll'), provider, 'reframe');
			});
		}

		it('billed one job per image the workflow asked for', () => {
			const expected = QUEUED.includes(provider) ? 4 : 3;
			expect(fakes![provider].paidJobs()).toBe(expected);
		});
	});

	// n8n's SSRF protection is off by default in 2.41. When an admin turns it on, the package's
	// requests go through it like n8n's own (they use n8n's request helpers): loopback addresses
	// (a local proxy as baseUrl, or these fakes) then need N8N_SSRF_ALLOWED_IP_RANGES.
	it('honours n8n SSRF protection: blocked on loopback unless N8N_SSRF_ALLOWED_IP_RANGES allows it', async () => {
		const { workflowId } = runs.get('ideogram')!;
		const blocked = await n8n!.executeById(workflowId, { env: { N8N_SSRF_PROTECTION_ENABLED: 'true' } });
		expect(blocked.exitCode).toBe(1);
		expect(JSON.stringify(blocked.output?.data.resultData ?? blocked.stdout)).toMatch(/blocked|restricted/i);
		const allowed = await n8n!.executeById(workflowId, {
			env: { N8N_SSRF_PROTECTION_ENABLED: 'true', N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.0/8' },
		});
		if (allowed.exitCode !== 0) throw new Error(describeRun(allowed));
		expectImageItems(outputItems(allowed, 'Reframe'), 'ideogram', 'reframe');
	}, 5 * 60_000);

	// Poll Result keeps nothing in memory between runs: a second `n8n execute` (a new process) given
	// only the first run's submitted item collects the job.
	it.each(QUEUED)('%s: Poll Result picks the job up in a separate execution from the submitted item alone', async (provider) => {
		const credentials = credentialsFor(provider);
		const first = runs.get(provider)!;
		const submitted = outputItems(first, 'Submit')[0]?.json;
		expect(submitted).toEqual(expect.objectContaining({ provider, operation: 'reframe', status: 'submitted', numImages: 1 }));
		const second: WorkflowJson = {
			name: `e2e ${provider} poll later`,
			nodes: [
				{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'item',
					name: 'Submitted Item',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					position: [220, 0],
					parameters: { mode: 'raw', jsonOutput: JSON.stringify(submitted), options: {} },
				},
				{
					id: 'poll',
					name: 'Poll',
					type: `${PACKAGE}.ideogramPollResult`,
					typeVersion: 1,
					position: [440, 0],
					parameters: { provider, operation: 'waitForResult', requestId: '={{ $json.requestId }}', options: {} },
					credentials,
				},
			],
			connections: {
				Start: { main: [[{ node: 'Submitted Item', type: 'main', index: 0 }]] },
				'Submitted Item': { main: [[{ node: 'Poll', type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		};
		const paidBefore = fakes![provider].paidJobs();
		const run = await n8n!.execute(second);
		if (run.exitCode !== 0) throw new Error(describeRun(run));
		const items = outputItems(run, 'Poll');
		expectImageItems(items, provider, 'reframe');
		expect(items[0].json.requestId).toBe(submitted!.requestId);
		// Collecting costs nothing: no new job was submitted.
		expect(fakes![provider].paidJobs()).toBe(paidBefore);
	}, 5 * 60_000);

	// Ideogram Edit with the Precise Edit 4.6 model on the two providers that serve it: a region mask,
	// a reference image (the same binary field), Quality High; what the fake received and the images out.
	it.each(['ideogram', 'runware'] as const)('%s: a Precise Edit 4.6 workflow runs through the real n8n CLI', async (provider) => {
		const all = providerWorkflow(provider, PNG!.toString('base64'));
		const nodes = all.nodes
			.filter((n) => ['Start', 'Image', 'To File', 'Edit'].includes(String(n.name)))
			.map((n) =>
				n.name === 'Edit'
					? { ...n, parameters: { ...(n.parameters as object), model: 'ideogram-4.6', options: { quality: 'high', referenceImageFields: 'data' } } }
					: n,
			);
		const connections = { Start: all.connections.Start, Image: all.connections.Image, 'To File': { main: [[{ node: 'Edit', type: 'main', index: 0 }]] } };
		const fake = fakes![provider];
		fake.reset();
		const run = await n8n!.execute({ ...all, name: `e2e ${provider} precise edit 4.6`, nodes, connections });
		if (run.exitCode !== 0) throw new Error(describeRun(run));
		const items = outputItems(run, 'Edit');
		expectImageItems(items, provider, 'edit');
		for (const item of items) expect(item.json.cost).toBeGreaterThan(0);
		const [submit, ...more] = fake.requests.filter((r) => r.kind === 'submit');
		expect(more).toHaveLength(0);
		if (provider === 'ideogram') {
			expect(submit.path).toBe('/v2/image/precise-edit/ideogram-4-6');
			expect(submit.multipart!.fields.quality).toEqual(['high']);
			expect(submit.multipart!.files.reference_images).toHaveLength(1);
			expect(submit.multipart!.files.mask).toHaveLength(1);
		} else {
			const [task] = submit.json as Array<Record<string, any>>;
			expect(task.model).toBe('ideogram:4.6@precise-edit');
			expect(task.settings).toEqual({ quality: 'high' });
			expect(task.inputs.referenceImages).toHaveLength(1);
			expect(task.inputs.maskImage).toBeDefined();
		}
		// The region (25% inset, half the image) arrived in the provider's mask convention.
		expect(fake.jobs()[0].editFraction).toBeCloseTo(0.25, 2);
	}, 5 * 60_000);

	/** Start → Image → To File → Edit only, for the Ideogram v2 cases below. */
	function ideogramEditOnly(options: Record<string, unknown>): WorkflowJson {
		const all = providerWorkflow('ideogram', PNG!.toString('base64'));
		const nodes = all.nodes
			.filter((n) => ['Start', 'Image', 'To File', 'Edit'].includes(String(n.name)))
			.map((n) => (n.name === 'Edit' ? { ...n, parameters: { ...(n.parameters as object), options } } : n));
		const connections = { ...all.connections, 'To File': { main: [[{ node: 'Edit', type: 'main', index: 0 }]] } };
		for (const name of ['Submit']) delete (connections as Record<string, unknown>)[name];
		return { ...all, name: `e2e ideogram edit ${JSON.stringify(options)}`, nodes, connections };
	}

	describe('Ideogram v2', () => {
		it('reports the cost of each image and submitted asynchronously', () => {
			const run = runs.get('ideogram')!;
			for (const name of ['Edit', 'Reframe', 'Replace Background'])
				for (const item of outputItems(run, name)) expect(item.json.cost).toBeGreaterThan(0);
		});

		it('Price Quote Only: a quote item, nothing generated', async () => {
			const fake = fakes!.ideogram;
			fake.reset();
			const run = await n8n!.execute(ideogramEditOnly({ dryRun: true, numImages: 2 }));
			if (run.exitCode !== 0) throw new Error(describeRun(run));
			const [quote, ...more] = outputItems(run, 'Edit');
			expect(more).toHaveLength(0);
			expect(quote.json).toEqual({ provider: 'ideogram', operation: 'edit', dryRun: true, costUsd: 0.12, qualifier: 'exact', billingIdentifier: 'ideogram_v3_inpaint', quantity: 2 });
			expect(quote.binary).toBeUndefined();
			expect(fake.jobs()).toHaveLength(0);
			expect(fake.requests.map((r) => [r.kind, r.query.dry_run])).toEqual([['submit', 'true']]);
		}, 5 * 60_000);

		it('a failed generation names its failure_reason and the generation id', async () => {
			const fake = fakes!.ideogram;
			fake.reset();
			fake.inject({ on: 'any', kind: 'jobFailed' });
			const run = await n8n!.execute(ideogramEditOnly({}));
			expect(run.exitCode).toBe(1);
			const text = JSON.stringify(run.output?.data.resultData ?? run.stdout);
			expect(text).toMatch(/generation_error/);
			expect(text).toContain(fake.jobs()[0].id);
		}, 5 * 60_000);

		it('a poll answered 429 with Retry-After is asked again after that wait', async () => {
			const fake = fakes!.ideogram;
			fake.reset();
			fake.inject({ on: 'status', kind: 'status', status: 429, retryAfter: '2' });
			const run = await n8n!.execute(ideogramEditOnly({}));
			if (run.exitCode !== 0) throw new Error(describeRun(run));
			const [limited, next] = fake.requests.filter((r) => r.kind === 'status');
			expect(next.at - limited.at).toBeGreaterThanOrEqual(1980);
			expectImageItems(outputItems(run, 'Edit'), 'ideogram', 'edit');
		}, 5 * 60_000);
	});

	it('runs every workflow in examples/', async () => {
		const files = listExampleFiles();
		if (files.length === 0) throw new Error('examples/ holds no workflow JSON files yet');
		for (const fake of Object.values(fakes!)) fake.reset();
		const results = await runExampleWorkflows(n8n!, fakes!);
		const failures = results.filter((r) => r.result.exitCode !== 0 || failedNodes(r.result).length > 0);
		if (failures.length) {
			throw new Error(failures.map((f) => `${f.file} (${f.name}):\n${describeRun(f.result)}`).join('\n\n'));
		}
		expect(results.map((r) => r.file)).toHaveLength(files.length);
	}, 15 * 60_000);
});
