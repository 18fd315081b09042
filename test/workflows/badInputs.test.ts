/**
 * Bad input is refused before the first request: the table of inputs (test/workflows/support/badInputs.ts)
 * over the four nodes and four providers, each with zero requests at every fake and a message
 * naming the parameter; and the whole batch checked before the first item is sent.
 */
import type { IDataObject } from 'n8n-workflow';

import { imageItem, makeImage } from '../harness/workflows';
import { PROVIDERS } from '../fakes';
import { BAD_INPUTS, RUN_IN_REAL_N8N, validParameters } from './support/badInputs';
import { nodeError, oneNode, run, submits } from './support/engineTest';
import { fakesForFile } from './support/fakes';

const fakes = fakesForFile(PROVIDERS, { jobDurationMs: 10 });
let image: Buffer;
beforeAll(async () => {
	image = await makeImage();
});

const requestsAtAllFakes = () => Object.values(fakes).reduce((sum, f) => sum + f.requests.length, 0);

it('the table covers all four nodes and all four providers with at least 60 inputs', () => {
	expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(60);
	expect(new Set(BAD_INPUTS.map((c) => c.node)).size).toBe(4);
	expect(new Set(BAD_INPUTS.map((c) => c.provider)).size).toBe(4);
	expect(RUN_IN_REAL_N8N.filter((name) => !BAD_INPUTS.some((c) => c.name === name))).toEqual([]);
});

test.each(BAD_INPUTS)('$name', async ({ node, provider, parameters, json, says }) => {
	const result = await run(oneNode(node, parameters, [imageItem(image, { json })]), [fakes[provider]]);
	const error = nodeError(result);
	expect(error.name).toBe('NodeOperationError');
	expect(error.message).toContain(says[0]);
	for (const words of says) expect(`${error.message}. ${error.description}`).toContain(words);
	expect(error.description).toBeTruthy();
	expect(requestsAtAllFakes()).toBe(0);
});

describe('the whole batch is checked before the first submission', () => {
	const tenItems = () => Array.from({ length: 10 }, (_, n) => imageItem(image, { json: { caption: n === 7 ? undefined : `caption ${n}` } }));
	const params = (): IDataObject => ({ ...validParameters('replaceBackground', 'runComfy', { concurrency: 1 }), prompt: '={{ $json.caption }}' });

	it('without Continue On Fail, a bad item 7 of 10 stops the node with nothing sent', async () => {
		const result = await run(oneNode('ideogramReplaceBackground', params(), tenItems()), [fakes.runComfy]);
		expect(nodeError(result).message).toContain('Prompt');
		expect(requestsAtAllFakes()).toBe(0);
	});

	it('with Continue On Fail, the bad item becomes an error item paired to it and the others run', async () => {
		const result = await run(oneNode('ideogramReplaceBackground', params(), tenItems(), { onError: 'continueRegularOutput' }), [fakes.runComfy]);
		const out = result.output('Ideogram');
		expect(out.map((o) => (o.json.error ? 'error' : o.json.status))).toEqual([...Array(7).fill('completed'), 'error', 'completed', 'completed']);
		expect(out[7].pairedItem).toEqual({ item: 7 });
		expect(out[7].json.details).toEqual(expect.objectContaining({ parameter: 'prompt' }));
		expect(submits(fakes.runComfy)).toHaveLength(9);
	});
});
