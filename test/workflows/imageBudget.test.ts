/**
 * Max Images Per Execution: counted over every run of a node in one execution (loops) and over
 * items × images × sizes, checked before anything is submitted, and counted afresh in each
 * execution.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { TEST_LOOP_NODE, type RunResult, type WorkflowJson } from '../harness/engine';
import { chain, imageItem, makeImage, packageNode } from '../harness/workflows';
import { nodeError, oneNode, run, submits } from './support/engineTest';
import { fakeForFile } from './support/fakes';

const fake = fakeForFile('runComfy', { jobDurationMs: 50 });

const items = async (n: number) => {
	const image = await makeImage();
	return Array.from({ length: n }, (_, i) => imageItem(image, { json: { n: i } }));
};
const replaceBackground = (options: IDataObject) => ({ provider: 'runComfy', prompt: 'a beach', options });

it('a single run over the limit is refused with zero requests, saying the numbers and how to raise it', async () => {
	const result = await run(oneNode('ideogramReplaceBackground', replaceBackground({ maxImagesPerExecution: 3 }), await items(5)), [fake]);
	const error = nodeError(result);
	expect(error.message).toBe(
		'Max Images Per Execution reached: this asks for 5 images, 0 were already requested by this node in this execution, and the limit is 3',
	);
	expect(error.description).toContain('raise Max Images Per Execution (in Options) to at least 5, or set it to 0 for no limit');
	expect(fake.requests).toHaveLength(0);
});

it('counts items × images × sizes', async () => {
	const params = { provider: 'runComfy', resolution: '1280x800', additionalResolutions: ['768x1344', '1024x1024'], options: { numImages: 2, maxImagesPerExecution: 11 } };
	const result = await run(oneNode('ideogramReframe', params, await items(2)), [fake]);
	expect(nodeError(result).message).toContain('this asks for 12 images');
	expect(fake.requests).toHaveLength(0);
	const allowed = await run(oneNode('ideogramReframe', { ...params, options: { numImages: 2, maxImagesPerExecution: 12 } }, await items(2)), [fake]);
	expect(allowed.output('Ideogram')).toHaveLength(12);
});

it('with Continue On Fail the items that fit go on and the others become error items', async () => {
	const workflow = oneNode('ideogramReplaceBackground', replaceBackground({ maxImagesPerExecution: 3, concurrency: 1 }), await items(5), {
		onError: 'continueRegularOutput',
	});
	const out = (await run(workflow, [fake])).output('Ideogram');
	expect(out.map((i) => (i.json.error ? 'error' : i.json.status))).toEqual(['completed', 'completed', 'completed', 'error', 'error']);
	expect(out[3].json.error).toContain('this asks for 1 image, 3 were already requested');
	expect(out.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
	expect(submits(fake)).toHaveLength(3);
});

it('refuses a value that is not a whole number of 0 or more before anything is sent', async () => {
	const result = await run(oneNode('ideogramReplaceBackground', replaceBackground({ maxImagesPerExecution: -2 }), await items(1)), [fake]);
	expect(nodeError(result).message).toBe('Max Images Per Execution -2 is out of range');
	expect(nodeError(result).description).toContain('Use a whole number of 0 or more');
	expect(fake.requests).toHaveLength(0);
});

/** Start (5 items) → Loop (batch size 1) → Ideogram → back to Loop. */
async function loopWorkflow(limit: number): Promise<WorkflowJson> {
	const loop = { id: 'loop-id', name: 'Loop', type: TEST_LOOP_NODE, typeVersion: 1, position: [100, 0], parameters: { batchSize: 1 } } as INode;
	const ideogram = packageNode('Ideogram', 'ideogramReplaceBackground', replaceBackground({ maxImagesPerExecution: limit }) as INodeParameters);
	const workflow = chain(await items(5), loop, ideogram);
	workflow.connections.Loop = { main: [[], [{ node: 'Ideogram', type: 'main', index: 0 }]] };
	workflow.connections.Ideogram = { main: [[{ node: 'Loop', type: 'main', index: 0 }]] };
	return workflow;
}

const runsOf = (result: RunResult, node: string) => result.run.data.resultData.runData[node] ?? [];

describe('a loop in one execution', () => {
	it('with limit 3 over 5 items: exactly 3 submissions, then the node stops with the message', async () => {
		const result = await run(await loopWorkflow(3), [fake]);
		expect(submits(fake)).toHaveLength(3);
		const runs = runsOf(result, 'Ideogram');
		expect(runs).toHaveLength(4);
		expect(runs.slice(0, 3).every((r) => r.data?.main?.[0]?.length === 1)).toBe(true);
		expect(runs[3].error?.message).toBe(
			'Max Images Per Execution reached: this asks for 1 image, 3 were already requested by this node in this execution, and the limit is 3',
		);
	});

	it('with 0 (no limit): all 5', async () => {
		const result = await run(await loopWorkflow(0), [fake]);
		expect(submits(fake)).toHaveLength(5);
		expect(runsOf(result, 'Ideogram').every((r) => !r.error)).toBe(true);
		expect(runsOf(result, 'Loop').at(-1)?.data?.main?.[0]).toHaveLength(5);
	});
});

it('two executions of the same workflow each get their own count', async () => {
	const workflow = await loopWorkflow(3);
	for (const execution of [1, 2]) {
		const result = await run(workflow, [fake]);
		expect(submits(fake)).toHaveLength(3 * execution);
		expect(runsOf(result, 'Ideogram')[3].error?.message).toContain('3 were already requested');
	}
});
