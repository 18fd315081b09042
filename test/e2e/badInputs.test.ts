/**
 * A selection of the bad-input table (test/workflows/support/badInputs.ts) run by the real n8n
 * CLI: each refused with the parameter named, and not one request at any fake. Among them the
 * saved options the panel hides for the chosen provider, which n8n itself would otherwise drop.
 */
import sharp from 'sharp';

import { BAD_INPUTS, RUN_IN_REAL_N8N } from '../workflows/support/badInputs';
import { closeAllFakes, credentialFixtures, credentialsFor, startAllFakes, type Fakes } from './fixtures';
import { describeRun, startN8nScratch, type N8nScratch, type WorkflowJson } from './n8n';

const cases = RUN_IN_REAL_N8N.map((name) => {
	const found = BAD_INPUTS.find((c) => c.name === name);
	if (!found) throw new Error(`no bad-input case named "${name}"`);
	return found;
});

/** Manual Trigger → Set (the case's JSON and a PNG) → Convert to File (binary `data`) → the node. */
function workflowOf(c: (typeof cases)[number], pngBase64: string, n: number): WorkflowJson {
	return {
		name: `bad input ${n}: ${c.name}`,
		nodes: [
			{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: 'set', name: 'Item', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [220, 0], parameters: { mode: 'raw', jsonOutput: JSON.stringify({ ...c.json, png: pngBase64 }), options: {} } },
			{
				id: 'file',
				name: 'To File',
				type: 'n8n-nodes-base.convertToFile',
				typeVersion: 1.1,
				position: [440, 0],
				parameters: { operation: 'toBinary', sourceProperty: 'png', binaryPropertyName: 'data', options: { fileName: 'input.png', mimeType: 'image/png' } },
			},
			{ id: 'node', name: 'Ideogram', type: `n8n-nodes-ideogram-v3.${c.node}`, typeVersion: 1, position: [660, 0], parameters: c.parameters, credentials: credentialsFor(c.provider) },
		],
		connections: {
			Start: { main: [[{ node: 'Item', type: 'main', index: 0 }]] },
			Item: { main: [[{ node: 'To File', type: 'main', index: 0 }]] },
			'To File': { main: [[{ node: 'Ideogram', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

describe('bad input in the real n8n CLI', () => {
	let fakes: Fakes | undefined;
	let n8n: N8nScratch | undefined;
	let results: Awaited<ReturnType<N8nScratch['executeAll']>> = [];

	beforeAll(async () => {
		fakes = await startAllFakes();
		n8n = await startN8nScratch({ credentials: credentialFixtures(fakes) });
		const png = await sharp({ create: { width: 256, height: 192, channels: 3, background: '#3366cc' } }).png().toBuffer();
		results = await n8n.executeAll(cases.map((c, n) => workflowOf(c, png.toString('base64'), n)));
	}, 15 * 60_000);

	afterAll(async () => {
		await n8n?.dispose();
		await closeAllFakes(fakes);
	}, 60_000);

	it('runs at least ten of the table', () => expect(cases.length).toBeGreaterThanOrEqual(10));

	it.each(cases.map((c, n) => [c.name, n] as const))('%s: refused, naming the parameter', (_name, n) => {
		const run = results[n];
		const error = run.output?.data.resultData.runData.Ideogram?.[0]?.error ?? run.output?.data.resultData.error;
		if (!error) throw new Error(`not refused:\n${describeRun(run)}`);
		expect(error.message).toContain(cases[n].says[0]);
		for (const words of cases[n].says) expect(`${error.message}. ${error.description}`).toContain(words);
	});

	it('sent not one request to any provider', () => {
		for (const fake of Object.values(fakes!)) expect(fake.requests).toEqual([]);
	});
});
