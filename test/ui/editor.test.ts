/**
 * The nodes as a user meets them in the n8n 2.41 editor (npm run test:ui). One n8n, one browser; each
 * test opens its own tab and saves a screenshot of what it asserts under test-results/ui/.
 */
import * as path from 'node:path';

import { NodeHelpers, type INodeProperties, type INodeTypeDescription, type NodeParameterValue } from 'n8n-workflow';
import type { Page } from 'playwright-core';

import { listExampleFiles } from '../e2e/examples';
import { CREDENTIAL_OF, credentialsFor, PROVIDERS, type Provider } from '../e2e/fixtures';
import { REPO_ROOT } from '../e2e/n8n';
import {
	addOptionLabels,
	canvasNode,
	closeNode,
	createWorkflow,
	creatorSearch,
	dropdownLabels,
	dropdownValue,
	exampleWorkflow,
	openNode,
	PACKAGE,
	parameterLabels,
	pickDropdown,
	providerNotice,
	savedNode,
	shot,
	startEditor,
	TRIGGER,
	type Editor,
} from './editor';

const NODES = ['Ideogram Edit', 'Ideogram Reframe', 'Ideogram Replace Background', 'Ideogram Poll Result'];
const NODE_TYPES: Record<string, string> = {
	'Ideogram Edit': 'IdeogramEdit',
	'Ideogram Reframe': 'IdeogramReframe',
	'Ideogram Replace Background': 'IdeogramReplaceBackground',
	'Ideogram Poll Result': 'IdeogramPollResult',
};
const LABEL: Record<Provider, string> = { runComfy: 'RunComfy', runware: 'Runware', cometApi: 'CometAPI', ideogram: 'Ideogram' };

let editor: Editor;
let page: Page;

beforeAll(async () => {
	editor = await startEditor();
});
afterAll(async () => {
	await editor?.close();
});
beforeEach(async () => {
	page = await editor.context.newPage();
});
afterEach(async () => {
	await page.close();
});

function description(node: string): INodeTypeDescription {
	const file = path.join(REPO_ROOT, 'dist', 'nodes', NODE_TYPES[node], `${NODE_TYPES[node]}.node.js`);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const NodeClass = (require(file) as Record<string, new () => { description: INodeTypeDescription }>)[NODE_TYPES[node]];
	return new NodeClass().description;
}

/** What the package's description says the panel shows for a provider (and Edit model), by n8n-workflow's own display rules. */
function expectedPanel(node: string, provider: Provider, set: string[] = [], model?: string): { parameters: string[]; options: string[] } {
	const desc = description(node);
	const values = NodeHelpers.getNodeParameters(desc.properties, { provider, ...(model ? { model } : {}) }, true, false, null, desc) ?? {};
	const shown = (p: INodeProperties, nodeValues: Record<string, unknown>) =>
		NodeHelpers.displayParameter(nodeValues as Record<string, NodeParameterValue>, p, null, desc, values as Record<string, NodeParameterValue>);
	const parameters = desc.properties.filter((p) => p.name !== 'provider' && p.type !== 'notice' && shown(p, values));
	const collection = desc.properties.find((p) => p.name === 'options');
	// the Add Option list offers what is shown and not set yet
	const options = ((collection?.options ?? []) as INodeProperties[]).filter((o) => shown(o, {}) && !set.includes(o.name));
	return { parameters: parameters.map((p) => p.displayName), options: options.map((o) => o.displayName).sort() };
}

/** Labels of the entries that show a saved value of an option the provider (or the Edit model) does not take. */
const NOT_AVAILABLE = / \(Not Available for This (Provider|Model)\)$/;

/** The node's options the provider does not take (on Edit, with its default model), by n8n-workflow's display rules. */
function notTaken(node: string, provider: Provider): string[] {
	const desc = description(node);
	const values = (NodeHelpers.getNodeParameters(desc.properties, { provider }, true, false, null, desc) ?? {}) as Record<string, NodeParameterValue>;
	const options = (desc.properties.find((p) => p.name === 'options')?.options ?? []) as INodeProperties[];
	const own = options.filter((o) => !NOT_AVAILABLE.test(o.displayName));
	const shown = (o: INodeProperties) => NodeHelpers.displayParameter({}, o, null, desc, values);
	// an option may have one entry per group of providers: it is lacking when none of them is shown
	const taken = new Set(own.filter(shown).map((o) => o.displayName));
	return [...new Set(own.filter((o) => !shown(o)).map((o) => o.displayName))].filter((name) => !taken.has(name));
}

/** The subtitle under the node's name on the canvas. */
const SUBTITLE: Record<string, string> = {
	'Ideogram Edit': 'Edit',
	'Ideogram Reframe': 'Reframe',
	'Ideogram Replace Background': 'Replace Background',
	'Ideogram Poll Result': 'Wait for Result',
};

/** A workflow with one of our nodes after the trigger, valid as it stands. */
function nodeWorkflow(node: string, provider: Provider, parameters: Record<string, unknown> = {}) {
	const type = NODE_TYPES[node].replace(/^I/, 'i');
	return {
		name: `${node} (${provider})`,
		nodes: [
			TRIGGER,
			{ id: 'node', name: node, type: `${PACKAGE}.${type}`, typeVersion: 1, position: [240, 0], parameters: { provider, prompt: 'a red balloon', ...parameters }, credentials: credentialsFor(provider) },
		],
		connections: { [TRIGGER.name]: { main: [[{ node, type: 'main', index: 0 }]] } },
	};
}

describe('node creator', () => {
	const ALIASES: Array<[string, string]> = [
		['inpaint', 'Ideogram Edit'],
		['outpaint', 'Ideogram Reframe'],
	];

	async function expectFound(where: string): Promise<void> {
		expect(await creatorSearch(page, 'Ideogram')).toEqual(expect.arrayContaining(NODES));
		// the Tool variants are for an AI Agent's tool picker, not the main list
		expect((await creatorSearch(page, 'Ideogram')).filter((n) => n.startsWith('Ideogram'))).toHaveLength(NODES.length);
		await shot(page, `creator-${where}-ideogram`);
		if (where === 'top-plus') await shot(page.getByTestId('node-creator'), 'node-creator-search.jpeg');
		for (const [alias, node] of ALIASES) {
			expect(await creatorSearch(page, alias)).toContain(node);
			await shot(page, `creator-${where}-${alias}`);
		}
	}

	test('on an empty canvas, typing "Ideogram", "inpaint" or "outpaint" finds the nodes', async () => {
		await page.goto('/workflow/new');
		await page.getByTestId('canvas-add-button').click();
		await expectFound('empty-canvas');
	});

	test('from the top +, typing "Ideogram", "inpaint" or "outpaint" finds the nodes', async () => {
		await page.goto(`/workflow/${await createWorkflow(page, { name: 'Top plus', nodes: [TRIGGER], connections: {} })}`);
		await page.getByTestId('node-creator-plus-button').click();
		await expectFound('top-plus');
	});

	test('from a node\'s +, typing "Ideogram", "inpaint" or "outpaint" finds the nodes', async () => {
		await page.goto(`/workflow/${await createWorkflow(page, { name: 'Node plus', nodes: [TRIGGER], connections: {} })}`);
		await canvasNode(page, TRIGGER.name).getByTestId('canvas-handle-plus').click();
		await expectFound('node-plus');
	});

	test("the Tool variants are in an AI Agent's tool picker", async () => {
		const agent = { id: 'agent', name: 'AI Agent', type: '@n8n/n8n-nodes-langchain.agent', typeVersion: 2.2, position: [300, 0], parameters: {} };
		await page.goto(`/workflow/${await createWorkflow(page, { name: 'Agent', nodes: [TRIGGER, agent], connections: {} })}`);
		await canvasNode(page, 'AI Agent').getByTestId('canvas-node-input-handle').filter({ hasText: 'Tool' }).getByTestId('canvas-handle-plus').click();
		const found = await creatorSearch(page, 'Ideogram');
		expect(found.filter((n) => n.startsWith('Ideogram'))).toEqual(expect.arrayContaining(NODES.map((n) => `${n} Tool`)));
		expect(found).not.toContain('Ideogram Edit');
		await shot(page, 'creator-agent-tools');
	});
});

describe('panels', () => {
	// every provider each node offers
	const offered = (node: string) => (description(node).properties.find((p) => p.name === 'provider')?.options ?? []).map((o) => ('value' in o ? o.value : undefined));
	const cases = NODES.flatMap((node) => PROVIDERS.filter((p) => offered(node).includes(p)).map((p) => [node, p] as const));

	test.each(cases)('%s with %s: its parameters and options are shown, the provider is named, no issue', async (node, provider) => {
		await page.goto(`/workflow/${await createWorkflow(page, nodeWorkflow(node, provider))}`);
		const ndv = await openNode(page, node);
		const expected = expectedPanel(node, provider);
		expect(await credentialShown(page)).toBe(CREDENTIAL_OF[provider].name);
		expect(await providerNotice(ndv).innerText()).toMatch(new RegExp(`^Runs on ${LABEL[provider]} `));
		expect(await parameterLabels(ndv)).toEqual(expected.parameters);
		const offered = await addOptionLabels(page, ndv);
		expect(offered.sort()).toEqual(expected.options);
		expect(offered.filter((label) => NOT_AVAILABLE.test(label))).toEqual([]);
		expect(await ndv.getByTestId('parameter-issues').count()).toBe(0);
		await shot(page, `panel-${NODE_TYPES[node]}-${provider}`);
		if (node === 'Ideogram Edit' && provider === 'runComfy') await shot(ndv, 'panel-edit.jpeg');
		await page.keyboard.press('Escape');
		expect(await canvasNode(page, node).getByTestId('node-issues').count()).toBe(0);
		expect(await canvasNode(page, node).innerText()).toContain(`${LABEL[provider]} · ${SUBTITLE[node]}`);
	});
});

describe('the Add Option list', () => {
	const cases: Array<[string, Provider]> = [
		['Ideogram Edit', 'runware'],
		['Ideogram Edit', 'runComfy'],
		['Ideogram Reframe', 'cometApi'],
	];

	test.each(cases)('%s on %s offers only the options the provider takes, none marked not available', async (node, provider) => {
		const lacking = notTaken(node, provider);
		expect(lacking.length).toBeGreaterThan(0);
		await page.goto(`/workflow/${await createWorkflow(page, nodeWorkflow(node, provider))}`);
		const ndv = await openNode(page, node);
		const offered = await addOptionLabels(page, ndv, `add-option-${NODE_TYPES[node]}-${provider}`);
		expect(offered.filter((label) => NOT_AVAILABLE.test(label))).toEqual([]);
		expect(offered.filter((label) => lacking.includes(label))).toEqual([]);
		expect(offered.sort()).toEqual(expectedPanel(node, provider).options);
		// what the provider takes is all there
		expect(offered.length).toBe(new Set((description(node).properties.find((p) => p.name === 'options')?.options ?? []).map((o) => o.name)).size - lacking.length);
	});

	test('a saved option the provider does not take stays shown, is not offered again, and the node refuses it', async () => {
		const node = 'Ideogram Edit';
		// Runware's Ideogram 3.0 models take no seed
		expect(notTaken(node, 'runware')).toContain('Seed');
		const id = await createWorkflow(page, nodeWorkflow(node, 'runware', { options: { seed: 7 } }));
		await page.goto(`/workflow/${id}`);
		const ndv = await openNode(page, node);
		expect(await parameterLabels(ndv)).toContain('Seed (Not Available for This Provider)');
		expect(await ndv.getByTestId('parameter-input-seed').locator('input').inputValue()).toBe('7');
		const offered = await addOptionLabels(page, ndv, 'add-option-saved-seed-runware');
		expect(offered).not.toContain('Seed');
		expect(offered.filter((label) => NOT_AVAILABLE.test(label))).toEqual([]);
		await shot(ndv, 'saved-seed-runware-panel');

		const submitted = editor.fakes.runware.requests.length;
		await closeNode(page);
		await page.getByTestId('execute-workflow-button').click();
		// n8n 2.41 marks a node whose run failed with its issues icon
		await canvasNode(page, node).getByTestId('node-issues').waitFor({ timeout: 60_000 });
		await shot(page, 'saved-seed-runware-run');
		const opened = await openNode(page, node);
		expect(await opened.getByTestId('node-error-message').innerText()).toContain('Seed is not available on Runware with Ideogram 3.0 (Inpainting) for Edit');
		expect(await opened.getByTestId('node-error-description').innerText()).toMatch(/^Remove Seed from Options/);
		await shot(page, 'saved-seed-runware-refused');
		// refused before any request
		expect(editor.fakes.runware.requests.length).toBe(submitted);
		expect((await savedNode(page, id, node)).parameters).toEqual({ provider: 'runware', prompt: 'a red balloon', options: { seed: 7 } });
	});
});

describe('switching provider', () => {
	test('picking a credential of another provider switches the options to what it takes; a set option it lacks stays, marked not available', async () => {
		const set = { seed: 7, renderingSpeed: 'TURBO' };
		const id = await createWorkflow(page, nodeWorkflow('Ideogram Edit', 'runComfy', { options: set }));
		await page.goto(`/workflow/${id}`);
		const ndv = await openNode(page, 'Ideogram Edit');
		expect(await parameterLabels(ndv)).toEqual(expect.arrayContaining(['Wait for Completion', 'Rendering Speed', 'Seed']));
		await shot(page, 'switch-1-runComfy');

		await pickCredential(page, 'runware');
		// Runware's Ideogram 3.0 models take no seed and no colour palette
		expect(await providerNotice(ndv).innerText()).toMatch(/^Runs on Runware .*Not taken by Runware: .*Color Palette.*Seed/);
		const runware = await parameterLabels(ndv);
		expect(runware).toEqual(expect.arrayContaining(['Rendering Speed', 'Seed (Not Available for This Provider)']));
		expect(runware).not.toContain('Seed');
		const runwareOptions = await addOptionLabels(page, ndv);
		expect(runwareOptions.sort()).toEqual(expectedPanel('Ideogram Edit', 'runware', Object.keys(set)).options);
		expect(runwareOptions.filter((label) => NOT_AVAILABLE.test(label))).toEqual([]);
		expect(runwareOptions).toEqual(expect.arrayContaining(['Runware: Output Format', 'Character Reference Image Field']));
		expect(runwareOptions).not.toContain('Color Palette');
		await shot(page, 'switch-2-runware');

		await Promise.all([page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes(`/rest/workflows/${id}`)), page.keyboard.press('Control+s')]);
		const saved = await savedNode(page, id, 'Ideogram Edit');
		// the seed is kept, for the node to refuse with its reason rather than drop it unseen
		expect(saved.parameters).toEqual({ provider: 'runware', prompt: 'a red balloon', options: set });
		expect(saved.credentials).toEqual(credentialsFor('runware'));

		// CometAPI answers synchronously: nothing to wait for
		await pickCredential(page, 'cometApi');
		expect(await providerNotice(ndv).innerText()).toMatch(/^Runs on CometAPI .*Not taken by CometAPI: .*Wait for Completion/);
		const cometApi = await parameterLabels(ndv);
		expect(cometApi).not.toContain('Wait for Completion');
		expect(cometApi).toEqual(expect.arrayContaining(['Rendering Speed', 'Seed']));
		await shot(page, 'switch-3-cometApi');
	});
});

describe('models', () => {
	const EDIT = 'Ideogram Edit';
	const MODEL = { 'ideogram-3': 'Ideogram 3.0 (Inpainting)', 'ideogram-4.5': 'Ideogram 4.5 (Precise Edit)', 'ideogram-4.6': 'Ideogram 4.6 (Precise Edit)' };
	/** Options only Ideogram 3.0 takes, and options only Precise Edit takes. */
	const INPAINT_OPTIONS = ['Rendering Speed', 'Style Codes', 'Style Preset', 'Style Reference Image Fields', 'Style Type'];
	const PRECISE_OPTIONS = ['Quality', 'Reference Image Fields', 'Edit Region', 'Edit Region Box'];
	const MASK_SOURCES = ['Binary Property', 'URL', 'Regions'];

	test.each<Provider>(['ideogram', 'runware'])(
		'Ideogram Edit on %s: 3.0 shows Rendering Speed and the style options, Mask Source without None; switching Model to 4.6 shows Quality, references, Edit Region and None instead',
		async (provider) => {
			await page.goto(`/workflow/${await createWorkflow(page, nodeWorkflow(EDIT, provider))}`);
			const ndv = await openNode(page, EDIT);
			// a node saved without a model is 3.0, as every workflow saved before the Model field
			expect(await dropdownValue(ndv, 'model')).toBe(MODEL['ideogram-3']);
			expect(await dropdownLabels(page, ndv, 'model', `model-${provider}-1-models`)).toEqual(Object.values(MODEL));
			expect(await dropdownLabels(page, ndv, 'maskSource', `model-${provider}-1-ideogram-3-mask-source`)).toEqual(MASK_SOURCES);
			const inpaint = await addOptionLabels(page, ndv, `model-${provider}-1-ideogram-3-options`);
			expect(inpaint).toContain('Rendering Speed');
			expect(inpaint.filter((o) => o.startsWith('Style')).length).toBeGreaterThan(0);
			expect(inpaint.filter((o) => PRECISE_OPTIONS.includes(o))).toEqual([]);
			expect(inpaint.sort()).toEqual(expectedPanel(EDIT, provider, [], 'ideogram-3').options);
			await shot(page, `model-${provider}-1-ideogram-3`);

			await pickDropdown(page, ndv, 'model', MODEL['ideogram-4.6']);
			expect(await dropdownValue(ndv, 'model')).toBe(MODEL['ideogram-4.6']);
			expect(await dropdownValue(ndv, 'maskSource')).toBe('Binary Property');
			expect(await dropdownLabels(page, ndv, 'maskSource', `model-${provider}-2-ideogram-4-6-mask-source`)).toEqual([...MASK_SOURCES, 'None']);
			const precise = await addOptionLabels(page, ndv, `model-${provider}-2-ideogram-4-6-options`);
			expect(precise).toEqual(expect.arrayContaining(PRECISE_OPTIONS));
			expect(precise.filter((o) => INPAINT_OPTIONS.includes(o))).toEqual([]);
			expect(precise.filter((o) => o.includes('(Not Available for This'))).toEqual([]);
			expect(precise.sort()).toEqual(expectedPanel(EDIT, provider, [], 'ideogram-4.6').options);
			expect(await ndv.getByTestId('parameter-issues').count()).toBe(0);
			await shot(page, `model-${provider}-2-ideogram-4-6`);

			await pickDropdown(page, ndv, 'model', MODEL['ideogram-4.5']);
			const older = await addOptionLabels(page, ndv, `model-${provider}-3-ideogram-4-5-options`);
			expect(older).toEqual(expect.arrayContaining(['Quality', 'Reference Image Fields']));
			// Runware's 4.5 Precise Edit has no edit region (its 4.6 adds settings.editRegion)
			if (provider === 'runware') expect(older.filter((o) => o.startsWith('Edit Region'))).toEqual([]);
			expect(older.sort()).toEqual(expectedPanel(EDIT, provider, [], 'ideogram-4.5').options);
			await shot(page, `model-${provider}-3-ideogram-4-5`);

			await pickDropdown(page, ndv, 'model', MODEL['ideogram-3']);
			expect(await dropdownLabels(page, ndv, 'maskSource')).toEqual(MASK_SOURCES);
			expect((await addOptionLabels(page, ndv)).sort()).toEqual(inpaint);
			await shot(page, `model-${provider}-4-back-to-ideogram-3`);
		},
	);

	test.each<Provider>(['runComfy', 'cometApi'])('Ideogram Edit on %s: the Model field offers Ideogram 3.0 only', async (provider) => {
		await page.goto(`/workflow/${await createWorkflow(page, nodeWorkflow(EDIT, provider))}`);
		const ndv = await openNode(page, EDIT);
		expect(await parameterLabels(ndv)).toContain('Model');
		expect(await dropdownValue(ndv, 'model')).toBe(MODEL['ideogram-3']);
		expect(await dropdownLabels(page, ndv, 'model', `model-${provider}-only-3`)).toEqual([MODEL['ideogram-3']]);
		expect(await dropdownLabels(page, ndv, 'maskSource')).toEqual(MASK_SOURCES);
	});

	test('a saved 3.0-only option on a 4.6 node stays shown as not available for the model, is not offered again, and the node refuses it', async () => {
		const id = await createWorkflow(page, nodeWorkflow(EDIT, 'ideogram', { model: 'ideogram-4.6', maskSource: 'none', options: { renderingSpeed: 'TURBO' } }));
		await page.goto(`/workflow/${id}`);
		const ndv = await openNode(page, EDIT);
		expect(await dropdownValue(ndv, 'model')).toBe(MODEL['ideogram-4.6']);
		const labels = await parameterLabels(ndv);
		expect(labels).toContain('Rendering Speed (Not Available for This Model)');
		expect(labels).not.toContain('Rendering Speed');
		expect(await dropdownValue(ndv, 'renderingSpeed')).toBe('Turbo');
		const offered = await addOptionLabels(page, ndv, 'add-option-saved-rendering-speed-4-6');
		expect(offered).not.toContain('Rendering Speed');
		expect(offered.filter((label) => label.includes('(Not Available for This'))).toEqual([]);
		expect(offered).toEqual(expect.arrayContaining(PRECISE_OPTIONS));
		await shot(ndv, 'saved-rendering-speed-4-6-panel');

		const submitted = editor.fakes.ideogram.requests.length;
		await closeNode(page);
		await page.getByTestId('execute-workflow-button').click();
		await canvasNode(page, EDIT).getByTestId('node-issues').waitFor({ timeout: 60_000 });
		const opened = await openNode(page, EDIT);
		expect(await opened.getByTestId('node-error-message').innerText()).toContain('Rendering Speed is not available on Ideogram with Ideogram 4.6 (Precise Edit) for Edit');
		await shot(page, 'saved-rendering-speed-4-6-refused');
		// refused before any request
		expect(editor.fakes.ideogram.requests.length).toBe(submitted);
		expect((await savedNode(page, id, EDIT)).parameters).toEqual({ provider: 'ideogram', prompt: 'a red balloon', model: 'ideogram-4.6', maskSource: 'none', options: { renderingSpeed: 'TURBO' } });
	});
});

describe('credentials', () => {
	test.each(PROVIDERS)("the %s credential's test passes with the right key and fails clearly with a wrong one", async (provider) => {
		const modal = page.getByTestId('editCredential-modal');
		const success = modal.getByTestId('credentials-config-container-test-success');
		await page.goto(`/home/credentials/${CREDENTIAL_OF[provider].id}`);
		await success.waitFor(); // n8n tests a saved credential when its dialog opens
		await shot(page, `credential-${provider}-ok`);

		const apiKey = modal.getByTestId('parameter-input-apiKey').locator('input');
		const { url, apiKey: rightKey } = editor.fakes[provider];
		try {
			await apiKey.fill('wrong-key');
			await modal.getByTestId('credential-save-button').click();
			await modal.getByText(/Couldn.t connect with these settings/).waitFor();
			await modal.getByText('More details').click();
			// the provider's answer, e.g. "RunComfy refused the API key (HTTP 401). Copy the key again …"
			expect(await modal.innerText()).toMatch(/Couldn.t connect with these settings\s+Retry\s+(.*refused the API key \(HTTP 401\)\. Copy the key again.*)/);
			await shot(page, `credential-${provider}-wrong-key`);

			await apiKey.fill(rightKey);
			await modal.getByTestId('credential-save-button').click();
			await success.waitFor();
		} finally {
			// whatever happened above, the later tests need the right key back
			const { id, name, type } = CREDENTIAL_OF[provider];
			await page.request.patch(`/rest/credentials/${id}`, { data: { name, type, data: { apiKey: rightKey, baseUrl: url.replace(/\/+$/, '') } } });
		}
	});
});

describe('examples', () => {
	test.each(listExampleFiles().map((f) => path.basename(f)))('%s opens without warnings and runs from the editor, its images in the output panel', async (file) => {
		const workflow = exampleWorkflow(path.join(REPO_ROOT, 'examples', file), editor.fakes);
		await page.goto(`/workflow/${await createWorkflow(page, workflow)}`);
		await page.getByTestId('canvas-node').first().waitFor();
		expect(await page.getByTestId('node-issues').count()).toBe(0);
		const ours = workflow.nodes.filter((n) => String(n.type).startsWith(`${PACKAGE}.`) && (n.parameters as Record<string, unknown>).waitForCompletion !== false);
		const last = String(ours[ours.length - 1].name);

		await page.getByTestId('execute-workflow-button').click();
		await canvasNode(page, last).getByTestId('canvas-node-status-success').waitFor({ timeout: 60_000 });
		// n8n 2.41 shows a failed run as the node's issues icon (it has no canvas-node-status-error)
		expect(await page.getByTestId('node-issues').count()).toBe(0);
		await shot(page, `example-${file.replace(/\.json$/, '')}-run`);

		const ndv = await openNode(page, last);
		const output = ndv.getByTestId('output-panel');
		await output.getByTestId('radio-button-binary').click();
		await output.getByTestId('ndv-binary-data_0').waitFor();
		await output.getByTestId('ndv-view-binary-data').first().click();
		const image = page.locator('img[src*="binary-data"], img[src^="blob:"], img[src^="data:image"]').filter({ visible: true }).first();
		await image.waitFor();
		expect(await image.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth > 0)).toBe(true);
		await shot(page, `example-${file.replace(/\.json$/, '')}-image`);
		if (file.startsWith('edit-')) await shot(ndv, 'run-output.jpeg');
	});
});

async function credentialShown(p: Page): Promise<string> {
	return await p.getByTestId('ndv').getByTestId('node-credentials-select').locator('input').first().inputValue();
}

/** Picks the provider's credential in the panel's credential list (which lists every type the node takes). */
async function pickCredential(p: Page, provider: Provider): Promise<void> {
	await p.getByTestId('ndv').getByTestId('node-credentials-select').click();
	await p.getByTestId(`node-credentials-select-item-${CREDENTIAL_OF[provider].id}`).click();
	await providerNotice(p.getByTestId('ndv')).filter({ hasText: `Runs on ${LABEL[provider]} ` }).waitFor();
}
