/**
 * Several sizes in one Reframe node and Max Images Per Execution, in the real n8n 2.41 CLI against
 * the Runware fake: the banner example; a run over the limit; n8n's Loop Over Items (Split In
 * Batches, batch size 1) over 5 items; and two executions of one workflow in one n8n process
 * (called twice as a sub-workflow), each counted on its own.
 *
 * One scratch n8n, one fake; the workflows are imported at once and run one after another, the
 * fake's record taken and cleared between them.
 */
import * as path from 'node:path';
import sharp from 'sharp';

import { loadExample } from './examples';
import { credentialFixtures, credentialsFor, type Fakes } from './fixtures';
import { describeRun, outputItems, startN8nScratch, type ExecutionResult, type N8nScratch, type NodeRun, type RunItem, type WorkflowJson } from './n8n';
import { startFake, type FakeServer, type JobSnapshot, type RecordedRequest } from '../fakes';

const PACKAGE = 'n8n-nodes-ideogram-v3';
const BANNER = path.join(__dirname, '..', '..', 'examples', 'reframe-banners-runware.json');
const BANNER_NODE = 'Reframe to Banner Sizes';
const NODE = 'Replace Background';

type Node = Record<string, unknown> & { name: string };
const main = (...targets: string[][]) => ({ main: targets.map((t) => t.map((node) => ({ node, type: 'main', index: 0 }))) });

/**
 * Start → 5 items `{ n: 0…4 }`, each with the same PNG as binary `data` → Loop Over Items (batch
 * size 1) → Replace Background (Runware, the given limit) → back to the loop; without `loop`, the
 * 5 items go to the node in one run. The Execute Workflow Trigger makes it callable as a
 * sub-workflow and is also where `n8n execute` starts.
 */
function loopWorkflow(id: string, limit: number, pngBase64: string, loop = true): WorkflowJson {
	const at = (x: number) => [x * 220, 0];
	const nodes: Node[] = [
		{ id: 'start', name: 'Start', type: 'n8n-nodes-base.executeWorkflowTrigger', typeVersion: 1.1, position: at(0), parameters: { inputSource: 'passthrough' } },
		{
			id: 'image',
			name: 'Image',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: at(1),
			parameters: { mode: 'manual', assignments: { assignments: [{ id: 'png', name: 'png', value: pngBase64, type: 'string' }] }, options: {} },
		},
		{
			id: 'file',
			name: 'To File',
			type: 'n8n-nodes-base.convertToFile',
			typeVersion: 1.1,
			position: at(2),
			parameters: { operation: 'toBinary', sourceProperty: 'png', binaryPropertyName: 'data', options: { fileName: 'input.png', mimeType: 'image/png' } },
		},
		{
			id: 'numbers',
			name: 'Numbers',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: at(3),
			parameters: {
				mode: 'manual',
				includeOtherFields: true,
				assignments: { assignments: [{ id: 'n', name: 'n', value: '={{ [0, 1, 2, 3, 4] }}', type: 'array' }] },
				options: { stripBinary: false },
			},
		},
		{
			id: 'split',
			name: 'Five Items',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: at(4),
			parameters: { fieldToSplitOut: 'n', include: 'noOtherFields', options: { includeBinary: true } },
		},
		{ id: 'loop', name: 'Loop', type: 'n8n-nodes-base.splitInBatches', typeVersion: 3, position: at(5), parameters: { batchSize: 1, options: {} } },
		{
			id: 'node',
			name: NODE,
			type: `${PACKAGE}.ideogramReplaceBackground`,
			typeVersion: 1,
			position: at(6),
			parameters: { provider: 'runware', imageSource: 'binary', imageBinaryProperty: 'data', prompt: 'a beach', options: { maxImagesPerExecution: limit } },
			credentials: credentialsFor('runware'),
		},
	];
	const connections: Record<string, unknown> = { Start: main(['Image']), Image: main(['To File']), 'To File': main(['Numbers']), Numbers: main(['Five Items']) };
	if (loop) Object.assign(connections, { 'Five Items': main(['Loop']), Loop: main([], [NODE]), [NODE]: main(['Loop']) });
	else connections['Five Items'] = main([NODE]);
	return {
		id,
		name: `e2e limit ${limit}${loop ? ' loop' : ''}`,
		nodes: loop ? nodes : nodes.filter((n) => n.name !== 'Loop'),
		connections,
		settings: { executionOrder: 'v1' },
	};
}

/**
 * Manual Trigger → Execute Workflow (the sub-workflow, published) → Execute Workflow (the same
 * again), each going on past its error: two executions of one workflow in one n8n process.
 */
function twiceWorkflow(id: string, subWorkflowId: string): WorkflowJson {
	const call = (name: string, x: number): Node => ({
		id: name,
		name,
		type: 'n8n-nodes-base.executeWorkflow',
		typeVersion: 1.2,
		position: [x * 220, 0],
		parameters: { source: 'database', workflowId: { __rl: true, value: subWorkflowId, mode: 'id' }, mode: 'once', options: {} },
		onError: 'continueRegularOutput',
	});
	return {
		id,
		name: 'e2e same workflow twice',
		nodes: [{ id: 'manual', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }, call('First', 1), call('Second', 2)],
		connections: { Manual: main(['First']), First: main(['Second']) },
		settings: { executionOrder: 'v1' },
	};
}

interface Observed {
	result: ExecutionResult;
	requests: RecordedRequest[];
	jobs: JobSnapshot[];
}

type Task = Record<string, unknown>;
const inferenceTasks = (requests: RecordedRequest[]): Task[] =>
	requests.filter((r) => r.kind === 'submit').flatMap((r) => (r.json as Task[]).filter((t) => t.taskType === 'imageInference'));
const nodeRuns = (o: Observed, node = NODE): NodeRun[] => o.result.output?.data.resultData.runData[node] ?? [];
const refusal = (asked: number, already: number, limit: number) =>
	`Max Images Per Execution reached: this asks for ${asked} image${asked === 1 ? '' : 's'}, ${already} were already requested by this node in this execution, and the limit is ${limit}`;

describe('sizes and Max Images Per Execution on the real n8n CLI', () => {
	let fake: FakeServer | undefined;
	let n8n: N8nScratch | undefined;
	let bannerPng: Buffer;
	const seen = new Map<string, Observed>();

	beforeAll(async () => {
		fake = await startFake('runware');
		const fakes: Partial<Fakes> = { runware: fake };
		n8n = await startN8nScratch({ credentials: credentialFixtures(fakes) });
		const png = (await sharp({ create: { width: 96, height: 64, channels: 3, background: '#cc6633' } }).png().toBuffer()).toString('base64');
		const banner = loadExample(BANNER, fakes);
		const sample = banner.nodes.find((n) => n.type === 'n8n-nodes-base.set') as { parameters: { assignments: { assignments: Array<{ value: string }> } } };
		bannerPng = Buffer.from(sample.parameters.assignments.assignments[0].value, 'base64');
		const workflows: Record<string, WorkflowJson> = {
			banner,
			single: loopWorkflow('e2eSizesSingle', 3, png, false),
			loop3: loopWorkflow('e2eSizesLoop3', 3, png),
			loop0: loopWorkflow('e2eSizesLoop0', 0, png),
			twice: twiceWorkflow('e2eSizesTwice', 'e2eSizesLoop3'),
		};
		const ids = await n8n.importWorkflows(Object.values(workflows));
		// Outside manual runs n8n 2.41 calls only the published version of a sub-workflow, and with its
		// publication service (on by default) only once a running server has processed the publishing;
		// without the service it reads the published version straight from the database.
		const published = await n8n.cli(['publish:workflow', '--id=e2eSizesLoop3']);
		if (published.exitCode !== 0) throw new Error(describeRun(published));
		const env = { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' };
		for (const [i, name] of Object.keys(workflows).entries()) {
			fake.reset();
			const result = await n8n.executeById(ids[i], name === 'twice' ? { env } : {});
			seen.set(name, { result, requests: [...fake.requests], jobs: fake.jobs() });
		}
	}, 30 * 60_000);

	afterAll(async () => {
		await n8n?.dispose();
		await fake?.close();
	}, 60_000);

	describe('the banner example: one Reframe node, three sizes', () => {
		const sizes = ['1344x768', '768x1344', '1024x1024'];

		it('gives 3 items in the documented order, each saying its size, paired to the input item, with its cost', () => {
			const { result } = seen.get('banner')!;
			if (result.exitCode !== 0) throw new Error(describeRun(result));
			const items = outputItems(result, BANNER_NODE);
			expect(items.map((i) => i.json.resolution)).toEqual(sizes);
			items.forEach((item, i) => {
				expect(item.json).toEqual(expect.objectContaining({ provider: 'runware', operation: 'reframe', status: 'completed', imageIndex: 0 }));
				expect(item.pairedItem).toEqual({ item: 0 });
				expect(item.binary?.data).toEqual(expect.objectContaining({ fileName: `reframe-${sizes[i]}-0.jpg`, mimeType: 'image/jpeg' }));
				expect(item.binary!.data.id).toMatch(/^filesystem-v2:/);
				// Include Cost is on by default: the fake reports 0.03 USD per TURBO image.
				expect(item.json.cost).toBe(0.03);
			});
			expect(new Set(items.map((i) => i.json.requestId)).size).toBe(3);
		});

		it('made one job per size at the fake, each with the sample photo and its own width and height', () => {
			const { requests, jobs } = seen.get('banner')!;
			expect(jobs).toHaveLength(3);
			const tasks = inferenceTasks(requests);
			expect(tasks.map((t) => `${String(t.width)}x${String(t.height)}`).sort()).toEqual([...sizes].sort());
			for (const task of tasks) {
				expect(task).toEqual(expect.objectContaining({ model: 'ideogram:4@4', numberResults: 1, includeCost: true }));
				expect(task.providerSettings).toEqual({ ideogram: { renderingSpeed: 'TURBO' } });
				const seed = String((task.inputs as Task).seedImage);
				expect(seed.startsWith('data:image/png;base64,')).toBe(true);
				expect(Buffer.from(seed.slice(seed.indexOf(',') + 1), 'base64').equals(bannerPng)).toBe(true);
			}
			expect(new Set(tasks.map((t) => t.taskUUID)).size).toBe(3);
		});
	});

	describe('Max Images Per Execution', () => {
		it('a single run over the limit is refused with zero requests, with the message the user sees', () => {
			const o = seen.get('single')!;
			expect(o.result.exitCode).not.toBe(0);
			expect(o.requests).toEqual([]);
			const error = nodeRuns(o)[0]?.error;
			expect(error?.message).toBe(refusal(5, 0, 3));
			expect(error?.description).toContain('raise Max Images Per Execution (in Options) to at least 5, or set it to 0 for no limit');
			expect(o.result.output?.data.resultData.error?.message).toBe(refusal(5, 0, 3));
		});

		it('Loop Over Items with limit 3 over 5 items: exactly 3 submissions, then the node stops with the message', () => {
			const o = seen.get('loop3')!;
			expect(o.result.exitCode).not.toBe(0);
			expect(inferenceTasks(o.requests)).toHaveLength(3);
			expect(o.jobs).toHaveLength(3);
			const runs = nodeRuns(o);
			expect(runs).toHaveLength(4);
			expect(runs.slice(0, 3).map((r) => r.data?.main?.[0]?.length)).toEqual([1, 1, 1]);
			expect(runs[3].error?.message).toBe(refusal(1, 3, 3));
			expect(o.result.output?.data.resultData.error?.message).toBe(refusal(1, 3, 3));
		});

		it('with 0 (no limit) the loop makes all 5', () => {
			const o = seen.get('loop0')!;
			if (o.result.exitCode !== 0) throw new Error(describeRun(o.result));
			expect(inferenceTasks(o.requests)).toHaveLength(5);
			expect(nodeRuns(o).every((r) => !r.error)).toBe(true);
			expect(outputItems(o.result, 'Loop', 0, nodeRuns(o, 'Loop').length - 1)).toHaveLength(5);
		});

		it('two executions of the same workflow in one n8n process each get their own count', () => {
			const o = seen.get('twice')!;
			if (o.result.exitCode !== 0) throw new Error(describeRun(o.result));
			// 3 each: a count shared between the executions would have stopped the second at once.
			expect(inferenceTasks(o.requests)).toHaveLength(6);
			const items = ['First', 'Second'].map((call) => outputItems(o.result, call)[0] as RunItem & { metadata?: { subExecution?: { executionId?: string } } });
			for (const item of items) expect(item.json.error).toBe(refusal(1, 3, 3));
			expect(new Set(items.map((i) => i.metadata?.subExecution?.executionId)).size).toBe(2);
		});
	});
});
