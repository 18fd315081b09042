import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemPlan } from '../../../nodes/shared/parameters/plan';
import {
	MAX_RUNS,
	nodeRunOf,
	rememberedResult,
	rememberedRuns,
	rememberResult,
} from '../../../nodes/shared/pipeline/completedItems';
import { runComfyAdapter } from '../../../nodes/shared/providers/runComfy';

const plan: ItemPlan = {
	adapter: runComfyAdapter,
	operation: 'replaceBackground',
	model: 'ideogram-3',
	imageLimits: runComfyAdapter.limits,
	image: { kind: 'binary', property: 'data' },
	maskEditColor: 'black',
	maskThreshold: 128,
	maskSizeMismatch: 'resize',
	providerMaskColor: 'white',
	allowDownscale: true,
	prompt: 'a beach',
	sizes: [],
	generation: { numImages: 1 },
	styleReferenceProperties: [],
	referenceProperties: [],
	waitForCompletion: true,
	downloadImages: true,
	outputBinaryProperty: 'data',
	timeoutMs: 300_000,
	concurrency: 0,
	maxImagesPerExecution: 1000,
};
const IMAGE_BASE64 = Buffer.alloc(3000, 7).toString('base64');
const json = { provider: 'runComfy', requestId: 'r-1', status: 'completed', imageUrl: 'https://cdn.example/r-1.png', seed: 5 };
const items: INodeExecutionData[] = [{ json: { status: 'completed' } }];

it('answers the same run of the node (a Retry On Fail), not a later run (a loop going round)', () => {
	rememberResult({ key: 'e1|n', runIndex: 0 }, 0, plan, items);
	expect(rememberedResult({ key: 'e1|n', runIndex: 0 }, 0, plan)).toEqual([{ json: { status: 'completed' } }]);
	expect(rememberedResult({ key: 'e1|n', runIndex: 1 }, 0, plan)).toBeUndefined();
	expect(rememberedResult({ key: 'e1|n', runIndex: 0 }, 1, plan)).toBeUndefined();
	expect(rememberedResult({ key: 'e1|n', runIndex: 0 }, 0, { ...plan, prompt: 'a forest' })).toBeUndefined();
	// A later run replaces the earlier one's results.
	rememberResult({ key: 'e1|n', runIndex: 1 }, 0, plan, items);
	expect(rememberedResult({ key: 'e1|n', runIndex: 0 }, 0, plan)).toBeUndefined();
});

it('keeps binary data that n8n stored as its reference, and inline binary data without its bytes', () => {
	const run = { key: 'e-binary|n', runIndex: 0 };
	const stored = { data: 'filesystem-v2', id: 'filesystem-v2:workflows/w/executions/e/binary_data/abc', mimeType: 'image/png', fileName: 'a.png', bytes: 3000 };
	const inline = { data: IMAGE_BASE64, mimeType: 'image/png', fileName: 'b.png', fileExtension: 'png', fileSize: '3 kB', bytes: 3000 };
	rememberResult(run, 0, plan, [
		{ json, binary: { data: stored }, pairedItem: { item: 0 } },
		{ json: { ...json, imageIndex: 1 }, binary: { data: inline }, pairedItem: { item: 0 } },
	]);
	const kept = rememberedResult(run, 0, plan)!;
	expect(kept).toEqual([
		{ json, binary: { data: { stored } } },
		{ json: { ...json, imageIndex: 1 }, binary: { data: { downloadAgain: { fileName: 'b.png', mimeType: 'image/png' } } } },
	]);
	expect(JSON.stringify(kept)).not.toContain(IMAGE_BASE64.slice(0, 100));
	// A copy: n8n changing the output item afterwards does not change what a retry gets.
	stored.fileName = 'changed.png';
	expect(kept[0].binary?.data).toEqual({ stored: { ...stored, fileName: 'a.png' } });
});

it('does not remember an item whose inline bytes could not be downloaded again (no image URL)', () => {
	const run = { key: 'e-no-url|n', runIndex: 0 };
	const { imageUrl: _none, ...withoutUrl } = json;
	rememberResult(run, 0, plan, [{ json: withoutUrl, binary: { data: { data: IMAGE_BASE64, mimeType: 'image/png' } } }]);
	expect(rememberedResult(run, 0, plan)).toBeUndefined();
});

it(`stays within ${MAX_RUNS} node runs after many executions, forgetting the least recently used first`, () => {
	for (let n = 0; n < 5 * MAX_RUNS; n++) {
		rememberResult({ key: `bound-${n}|n`, runIndex: 0 }, 0, plan, items);
		expect(rememberedRuns()).toBeLessThanOrEqual(MAX_RUNS);
	}
	expect(rememberedRuns()).toBe(MAX_RUNS);
	expect(rememberedResult({ key: `bound-${4 * MAX_RUNS - 1}|n`, runIndex: 0 }, 0, plan)).toBeUndefined();
	expect(rememberedResult({ key: `bound-${4 * MAX_RUNS}|n`, runIndex: 0 }, 0, plan)).toBeDefined();
	expect(rememberedResult({ key: `bound-${5 * MAX_RUNS - 1}|n`, runIndex: 0 }, 0, plan)).toBeDefined();
});

it("drops a run's results when n8n says its execution ended", () => {
	const finished: Array<() => unknown> = [];
	const ctx = {
		getWorkflowDataProxy: () => ({ $runIndex: 0 }),
		getExecutionId: () => 'e-ends',
		getNode: () => ({ id: 'node-1', name: 'Ideogram' }),
		onExecutionFinish: (handler: () => unknown) => finished.push(handler),
	};
	// Cast: the parts of n8n's IExecuteFunctions that nodeRunOf reads.
	const run = nodeRunOf(ctx as unknown as IExecuteFunctions);
	rememberResult(run, 0, plan, items);
	expect(rememberedResult(run, 0, plan)).toBeDefined();
	const before = rememberedRuns();
	for (const handler of finished) handler();
	expect(rememberedResult(run, 0, plan)).toBeUndefined();
	expect(rememberedRuns()).toBe(before - 1);
	// n8n may run the handler more than once.
	for (const handler of finished) handler();
	expect(rememberedRuns()).toBe(before - 1);
});
