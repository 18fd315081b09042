/**
 * The n8n editor in a real browser: one `n8n start` with the packed package installed as n8n installs
 * community packages (test/e2e/n8n.ts), the fake providers, and Debian's Chromium driven headless by
 * playwright-core. Every screenshot goes to test-results/ui/ (SCREENSHOTS); the README's pictures
 * are the `.jpeg` ones, copied into docs/images by scripts/ui-pictures.js.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { chromium, selectors, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { closeAllFakes, credentialFixtures, fillPlaceholders, startAllFakes, type Fakes } from '../e2e/fixtures';
import { OWNER, REPO_ROOT, startN8nScratch, type N8nScratch, type N8nServer, type WorkflowJson } from '../e2e/n8n';

export const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'ui');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PACKAGE = 'n8n-nodes-ideogram-v3';

export interface Editor {
	fakes: Fakes;
	n8n: N8nScratch;
	server: N8nServer;
	browser: Browser;
	context: BrowserContext;
	close(): Promise<void>;
}

export async function startEditor(): Promise<Editor> {
	fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
	fs.mkdirSync(SCREENSHOTS, { recursive: true });
	const fakes = await startAllFakes();
	const n8n = await startN8nScratch({ credentials: credentialFixtures(fakes) });
	const server = await n8n.startServer();
	// n8n's markup names elements with data-test-id, not Playwright's default data-testid.
	selectors.setTestIdAttribute('data-test-id');
	const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
	const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1400, height: 1000 } });
	const login = await context.request.post('/rest/login', { data: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
	if (!login.ok()) throw new Error(`login failed: ${login.status()} ${await login.text()}`);
	return {
		fakes,
		n8n,
		server,
		browser,
		context,
		async close() {
			await browser.close();
			await n8n.dispose();
			await closeAllFakes(fakes);
		},
	};
}

/** A PNG of the page (or of one element) under test-results/ui; `.jpeg` names are README pictures, kept small. */
export async function shot(target: Page | Locator, name: string): Promise<void> {
	const file = path.join(SCREENSHOTS, name.includes('.') ? name : `${name}.png`);
	const jpeg = file.endsWith('.jpeg');
	await target.screenshot({ path: file, type: jpeg ? 'jpeg' : 'png', quality: jpeg ? 70 : undefined });
}

/** Saves a workflow through the REST API (as the editor does) and returns its id. */
export async function createWorkflow(page: Page, workflow: WorkflowJson): Promise<string> {
	const { name, nodes, connections, settings } = workflow;
	const response = await page.request.post('/rest/workflows', { data: { name, nodes, connections, settings: settings ?? {} } });
	if (!response.ok()) throw new Error(`creating workflow "${name}" failed: ${response.status()} ${await response.text()}`);
	return ((await response.json()) as { data: { id: string } }).data.id;
}

export async function savedNode(page: Page, workflowId: string, nodeName: string): Promise<Record<string, unknown>> {
	const response = await page.request.get(`/rest/workflows/${workflowId}`);
	const { nodes } = ((await response.json()) as { data: { nodes: Array<{ name: string }> } }).data;
	const node = nodes.find((n) => n.name === nodeName);
	if (!node) throw new Error(`node ${nodeName} not in saved workflow`);
	return node;
}

export function exampleWorkflow(file: string, fakes: Fakes): WorkflowJson {
	return fillPlaceholders(JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowJson, fakes);
}

export const TRIGGER = { id: 'trigger', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

export function canvasNode(page: Page, name: string): Locator {
	return page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
}

/** Opens a node's panel (NDV) and waits for its parameters. */
export async function openNode(page: Page, name: string): Promise<Locator> {
	await canvasNode(page, name).dblclick();
	const ndv = page.getByTestId('ndv');
	await ndv.getByTestId('node-parameters').waitFor();
	return ndv;
}

/** Closes the open node panel. (A collection's inputs keep Escape to themselves, so focus leaves them first.) */
export async function closeNode(page: Page): Promise<void> {
	await page.evaluate('document.activeElement && document.activeElement.blur()');
	await page.keyboard.press('Escape');
	await page.getByTestId('ndv').waitFor({ state: 'hidden' });
}

/** Names listed by the node creator once a search has settled. */
export async function creatorSearch(page: Page, query: string): Promise<string[]> {
	const creator = page.getByTestId('node-creator');
	await creator.getByTestId('node-creator-search-bar').fill(query);
	const names = creator.getByTestId('node-creator-item-name');
	await names.first().waitFor();
	// the list is filtered as one types: wait until two reads agree
	let last = '';
	for (;;) {
		await page.waitForTimeout(250);
		const now = (await names.allInnerTexts()).join('\n');
		if (now === last) return now.split('\n');
		last = now;
	}
}

/**
 * Labels of the options the "Add Option" list offers. With `screenshot`, the open list is saved as
 * the user sees it (`<screenshot>.png`) and whole, its scrolling lifted (`<screenshot>-full.png`).
 */
export async function addOptionLabels(page: Page, ndv: Locator, screenshot?: string): Promise<string[]> {
	await ndv.getByTestId('collection-parameter-add').click();
	const options = page.getByTestId('collection-parameter-option');
	await options.first().waitFor();
	const labels = await options.allInnerTexts();
	if (screenshot) {
		await shot(page, screenshot);
		const size = page.viewportSize();
		const unscrolled = await page.addStyleTag({ content: '.el-select-dropdown__wrap { max-height: none !important; }' });
		await page.setViewportSize({ width: size?.width ?? 1400, height: 1800 });
		await shot(page, `${screenshot}-full`);
		await unscrolled.evaluate((style) => style.remove());
		if (size) await page.setViewportSize(size);
	}
	await page.keyboard.press('Escape');
	return labels.map((l) => l.trim());
}

/** Labels of the parameters shown on the Parameters tab, in order (set options of a collection included). */
export async function parameterLabels(ndv: Locator): Promise<string[]> {
	const labels = await ndv.getByTestId('node-parameters').getByTestId('input-label').filter({ visible: true }).allInnerTexts();
	return labels.map((l) => l.split('\n')[0].trim());
}

/** The provider notice in the open panel. */
export function providerNotice(ndv: Locator): Locator {
	return ndv.getByText(/^Runs on .+ \(the credential's type\)/);
}

/** Labels a parameter's dropdown (type options) offers, read from the open list (saved as `<screenshot>.png` if named). */
export async function dropdownLabels(page: Page, ndv: Locator, parameter: string, screenshot?: string): Promise<string[]> {
	const items = page.locator('.el-select-dropdown__item').filter({ visible: true });
	// Another dropdown still closing would add its items to this one's.
	await items.first().waitFor({ state: 'hidden' });
	await ndv.getByTestId(`parameter-input-${parameter}`).click();
	await items.first().waitFor();
	const labels = (await items.allInnerTexts()).map((l) => l.split('\n')[0].trim());
	if (screenshot) await shot(page, screenshot);
	await page.keyboard.press('Escape');
	await items.first().waitFor({ state: 'hidden' });
	return labels;
}

/** Picks a label in a parameter's dropdown. */
export async function pickDropdown(page: Page, ndv: Locator, parameter: string, label: string): Promise<void> {
	await ndv.getByTestId(`parameter-input-${parameter}`).click();
	await page.locator('.el-select-dropdown__item').filter({ visible: true }).filter({ hasText: label }).first().click();
	// The list closes with an animation: the next dropdown read must not see this one's items.
	await page.locator('.el-select-dropdown__item').filter({ visible: true }).first().waitFor({ state: 'hidden' });
	await ndv.getByTestId(`parameter-input-${parameter}`).locator('input').filter({ visible: true }).first().waitFor();
}

/** The label a dropdown parameter shows. */
export async function dropdownValue(ndv: Locator, parameter: string): Promise<string> {
	return await ndv.getByTestId(`parameter-input-${parameter}`).locator('input').first().inputValue();
}
