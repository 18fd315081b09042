import type { INodeExecutionData } from 'n8n-workflow';

import type { ItemPlan } from '../../../nodes/shared/parameters/plan';
import { cachedResult, MAX_RUNS, rememberResult } from '../../../nodes/shared/pipeline/completedItems';
import { runComfyAdapter } from '../../../nodes/shared/providers/runComfy';

const plan: ItemPlan = {
	adapter: runComfyAdapter,
	operation: 'replaceBackground',
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
	waitForCompletion: true,
	downloadImages: true,
	outputBinaryProperty: 'data',
	timeoutMs: 300_000,
	concurrency: 0,
	maxImagesPerExecution: 1000,
};
const items: INodeExecutionData[] = [{ json: { status: 'completed' } }];

it('answers the same run of the node (a Retry On Fail), not a later run (a loop going round)', () => {
	rememberResult({ key: 'e1|n', runIndex: 0 }, 0, plan, items);
	expect(cachedResult({ key: 'e1|n', runIndex: 0 }, 0, plan)).toBe(items);
	expect(cachedResult({ key: 'e1|n', runIndex: 1 }, 0, plan)).toBeUndefined();
	expect(cachedResult({ key: 'e1|n', runIndex: 0 }, 1, plan)).toBeUndefined();
	expect(cachedResult({ key: 'e1|n', runIndex: 0 }, 0, { ...plan, prompt: 'a forest' })).toBeUndefined();
	// A later run replaces the earlier one's results.
	rememberResult({ key: 'e1|n', runIndex: 1 }, 0, plan, items);
	expect(cachedResult({ key: 'e1|n', runIndex: 0 }, 0, plan)).toBeUndefined();
});

it(`keeps at most ${MAX_RUNS} node runs, forgetting the least recently used first`, () => {
	for (let n = 0; n <= MAX_RUNS; n++) rememberResult({ key: `bound-${n}|n`, runIndex: 0 }, 0, plan, items);
	expect(cachedResult({ key: 'bound-0|n', runIndex: 0 }, 0, plan)).toBeUndefined();
	expect(cachedResult({ key: 'bound-1|n', runIndex: 0 }, 0, plan)).toBe(items);
	expect(cachedResult({ key: `bound-${MAX_RUNS}|n`, runIndex: 0 }, 0, plan)).toBe(items);
});
