import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemPlan } from '../../../nodes/shared/parameters/plan';
import { nodeRunOf, rememberedResult, rememberResult } from '../../../nodes/shared/pipeline/completedItems';
import { runComfyAdapter } from '../../../nodes/shared/providers/runComfy';

const plan: ItemPlan = {
	adapter: runComfyAdapter,
	operation: 'replaceBackground',
	model: 'ideogram-3',
	imageLimits: runComfyAdapter.limits,
	image: { kind: 'binary', property: 'data' },
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

/** The parts of n8n's IExecuteFunctions that nodeRunOf reads: one node's run in one execution. */
function nodeRun(executionId: string, runIndex = 0, finished: Array<() => unknown> = []) {
	const ctx = {
		getWorkflowDataProxy: () => ({ $runIndex: runIndex }),
		getExecutionId: () => executionId,
		getNode: () => ({ id: 'node-1', name: 'Ideogram' }),
		onExecutionFinish: (handler: () => unknown) => finished.push(handler),
	};
	// Cast: a stand-in for the few functions above.
	return nodeRunOf(ctx as unknown as IExecuteFunctions);
}

it('answers the same run of the node (a Retry On Fail), not a later run (a loop going round)', () => {
	rememberResult(nodeRun('e1'), 0, plan, items);
	expect(rememberedResult(nodeRun('e1'), 0, plan)).toEqual([{ json: { status: 'completed' } }]);
	expect(rememberedResult(nodeRun('e1', 1), 0, plan)).toBeUndefined();
	expect(rememberedResult(nodeRun('e1'), 1, plan)).toBeUndefined();
	expect(rememberedResult(nodeRun('e1'), 0, { ...plan, prompt: 'a forest' })).toBeUndefined();
	expect(rememberedResult(nodeRun('e2'), 0, plan)).toBeUndefined();
	// A later run replaces the earlier one's results.
	rememberResult(nodeRun('e1', 1), 0, plan, items);
	expect(rememberedResult(nodeRun('e1'), 0, plan)).toBeUndefined();
});

it('keeps binary data that n8n stored as its reference, and inline binary data without its bytes', () => {
	const run = nodeRun('e-binary');
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
	const run = nodeRun('e-no-url');
	const { imageUrl: _none, ...withoutUrl } = json;
	rememberResult(run, 0, plan, [{ json: withoutUrl, binary: { data: { data: IMAGE_BASE64, mimeType: 'image/png' } } }]);
	expect(rememberedResult(run, 0, plan)).toBeUndefined();
});

it("drops a run's results when n8n says its execution ended", () => {
	const finished: Array<() => unknown> = [];
	rememberResult(nodeRun('e-ends', 0, finished), 0, plan, items);
	expect(rememberedResult(nodeRun('e-ends'), 0, plan)).toBeDefined();
	for (const handler of finished) handler();
	expect(rememberedResult(nodeRun('e-ends'), 0, plan)).toBeUndefined();
});
