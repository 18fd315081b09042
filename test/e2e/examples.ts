/**
 * Runs the workflows in examples/ through the real n8n CLI.
 *
 * Each examples/*.json is one exported workflow (n8n's "Download" format). Before import, the
 * {{FAKE_*}} placeholders are filled (see fixtures.ts) and a workflow without an `id` gets a stable
 * one made from its file name. Their credentials are referenced as in fixtures.ts, e.g.
 * "credentials": { "ideogramApi": { "id": "ideogramCred", "name": "Ideogram (fake)" } },
 * and the scratch instance must have imported credentialFixtures(fakes) first.
 * The workflow must start with a trigger the CLI can start from (e.g. n8n-nodes-base.manualTrigger).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { fillPlaceholders, type Fakes } from './fixtures';
import { REPO_ROOT, type ExecutionResult, type N8nScratch, type WorkflowJson } from './n8n';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

export interface ExampleRun {
	file: string;
	name: string;
	workflow: WorkflowJson;
	result: ExecutionResult;
}

export function listExampleFiles(dir = EXAMPLES_DIR): string[] {
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => path.join(dir, f));
}

export function loadExample(file: string, fakes: Partial<Fakes>): WorkflowJson {
	const workflow = fillPlaceholders(JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowJson, fakes);
	const id = workflow.id ?? `ex${createHash('sha1').update(path.basename(file)).digest('hex').slice(0, 16)}`;
	return { ...workflow, id, active: false };
}

/** Imports every example in one call, then executes each one (sequentially, in file-name order). */
export async function runExampleWorkflows(n8n: N8nScratch, fakes: Partial<Fakes>, dir = EXAMPLES_DIR): Promise<ExampleRun[]> {
	const files = listExampleFiles(dir);
	if (files.length === 0) return [];
	const workflows = files.map((file) => loadExample(file, fakes));
	const results = await n8n.executeAll(workflows);
	return files.map((file, i) => ({ file: path.relative(REPO_ROOT, file), name: workflows[i].name, workflow: workflows[i], result: results[i] }));
}

/** Names of nodes that ended in an error in a run (empty when every node succeeded). */
export function failedNodes(result: ExecutionResult): string[] {
	const runData = result.output?.data.resultData.runData ?? {};
	return Object.entries(runData)
		.filter(([, runs]) => runs.some((r) => r.error || r.executionStatus === 'error'))
		.map(([name]) => name);
}
