/**
 * The workflow JSON fixtures in test/workflows/fixtures/ (n8n's saved-workflow shape, one per
 * node), loaded from disk and run through n8n's engine against the fakes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import type { WorkflowJson } from '../harness/engine';
import { PROVIDERS } from '../fakes';
import { checkImageBinary, maskMismatches, multipartFields, multipartFile, run, submits } from './support/engineTest';
import { fakesForFile } from './support/fakes';

const DIR = path.join(__dirname, 'fixtures');

const fakes = fakesForFile(PROVIDERS, { jobDurationMs: 10 });

function load(file: string): WorkflowJson {
	return JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as WorkflowJson;
}

async function runFixture(file: string) {
	const workflow = load(file);
	const result = await run(workflow, Object.values(fakes));
	for (const node of workflow.nodes) {
		const error = result.error(node.name);
		if (error) throw new Error(`${file}: node "${node.name}" failed: ${error.message}`);
	}
	return result;
}

test('there is one fixture per node of the package', () => {
	const types = readdirSync(DIR)
		.filter((f) => f.endsWith('.json'))
		.flatMap((f) => load(f).nodes.map((n) => n.type))
		.filter((t) => t.startsWith('n8n-nodes-ideogram-v3.'));
	expect(new Set(types)).toEqual(
		new Set(['ideogramEdit', 'ideogramReframe', 'ideogramReplaceBackground', 'ideogramPollResult'].map((n) => `n8n-nodes-ideogram-v3.${n}`)),
	);
});

test('ideogramEdit.json: Ideogram edit with a region mask', async () => {
	const result = await runFixture('ideogramEdit.json');
	const [submit] = submits(fakes.ideogram);
	// A workflow saved for the v1 API runs unchanged on v2.
	expect(submit.path).toBe('/v2/image/inpaint/ideogram-3');
	expect(multipartFields(submit)).toMatchObject({ prompt: ['a red balloon'], seed: ['42'], rendering_speed: ['turbo'], async: ['true'] });
	// 25%..75% of 64×48 in black, the rest white.
	const check = await maskMismatches(multipartFile(submit, 'mask').data, { left: 16, top: 12, width: 32, height: 24 }, 'black');
	expect(check.first).toBeUndefined();
	const out = result.output('Ideogram Edit');
	expect(out).toHaveLength(1);
	expect(out[0].json).toMatchObject({ provider: 'ideogram', operation: 'edit', status: 'completed', seed: 42, maskEditShare: 0.25, requestId: fakes.ideogram.jobs()[0].id });
	await checkImageBinary(out[0], { operation: 'edit', imageIndex: 0, width: 64, height: 48 });
});

test('ideogramReframe.json: RunComfy reframe to 1024x1024', async () => {
	const result = await runFixture('ideogramReframe.json');
	const [submit] = submits(fakes.runComfy);
	expect(submit.json).toMatchObject({ resolution: '1024:1024 (1:1)', seed: 7, rendering_speed: 'BALANCED' });
	const out = result.output('Ideogram Reframe');
	expect(out).toHaveLength(1);
	expect(out[0].json).toMatchObject({ provider: 'runComfy', operation: 'reframe', status: 'completed', requestId: fakes.runComfy.jobs()[0].id });
	await checkImageBinary(out[0], { operation: 'reframe', imageIndex: 0, width: 1024, height: 1024 });
});

test('ideogramReplaceBackground.json: CometAPI, prompt from an expression, two images', async () => {
	const result = await runFixture('ideogramReplaceBackground.json');
	const [submit] = submits(fakes.cometApi);
	expect(multipartFields(submit)).toMatchObject({ prompt: ['a beach behind A-1'], num_images: ['2'], magic_prompt: ['OFF'] });
	const out = result.output('Ideogram Replace Background');
	expect(out.map((o) => o.json.imageIndex)).toEqual([0, 1]);
	for (const [n, o] of out.entries()) {
		expect(o.json).toMatchObject({ provider: 'cometApi', operation: 'replaceBackground', prompt: 'a beach behind A-1' });
		await checkImageBinary(o, { operation: 'replaceBackground', imageIndex: n, width: 64, height: 48 });
	}
});

test('ideogramPollResult.json: Runware submit only, collected by Ideogram Poll Result', async () => {
	const result = await runFixture('ideogramPollResult.json');
	const [submitted] = result.output('Submit Reframe');
	expect(submitted.json).toEqual({
		provider: 'runware',
		operation: 'reframe',
		requestId: (submits(fakes.runware)[0].json as IDataObject[])[0].taskUUID,
		status: 'submitted',
		numImages: 2,
	});
	const out = result.output('Ideogram Poll Result');
	expect(out).toHaveLength(2);
	for (const [n, o] of out.entries()) {
		expect(o.json).toMatchObject({ provider: 'runware', operation: 'reframe', status: 'completed', requestId: submitted.json.requestId, imageIndex: n });
		await checkImageBinary(o, { operation: 'reframe', imageIndex: n, width: 1280, height: 800 });
	}
});
