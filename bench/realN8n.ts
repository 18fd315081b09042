/**
 * 1b. The batch in the real n8n 2.41.1, where the issue measured the loops: `n8n execute` of the
 * package's node and of the all-items loop against the same RunComfy fake (20 items, 3 s jobs),
 * the package installed exactly as n8n installs community packages (test/e2e/n8n.ts). Each
 * `n8n execute` is a new process, so the package is always cold here. Wall time is n8n's own
 * (startedAt → stoppedAt of the execution it prints), as in the in-process rows.
 */
import { credentialFixtures, credentialsFor } from '../test/e2e/fixtures';
import { startN8nScratch, type WorkflowJson } from '../test/e2e/n8n';
import type { WorkflowJson as HarnessWorkflow } from '../test/harness/engine';
import { startFake } from '../test/fakes';
import { batchRow, medianBy, roundTripMs, type BatchRow, type Contender } from './batch';
import { jobTimings, randomDuration } from './lib/common';
import type { ContenderRun } from './lib/measure';
import { allItemsLoop, packageWorkflow, PACKAGE_NODE_NAME, type ItemInputs, type Operation } from './lib/workflows';

export interface RealN8nBatchConfig {
	items: number;
	meanMs: number;
	spread: number;
	repeats: number;
	operation: Operation;
	inputs: ItemInputs;
	log: (line: string) => void;
}

export async function benchBatchInRealN8n(config: RealN8nBatchConfig): Promise<BatchRow[]> {
	const { items, meanMs, operation, inputs } = config;
	const rtt = await roundTripMs(operation, inputs);
	const fake = await startFake('runComfy', { jobDurationMs: randomDuration(meanMs, config.spread) });
	const scratch = await startN8nScratch({ credentials: credentialFixtures({ runComfy: fake }) });
	try {
		const contenders: Array<{ contender: Contender; workflow: WorkflowJson; outputNode: string }> = [
			{ contender: 'package (cold)', workflow: withFakeCredential(packageWorkflow(operation, 'runComfy', items, inputs)), outputNode: PACKAGE_NODE_NAME },
			{ contender: 'all-items loop', workflow: forRealN8n(allItemsLoop(operation, fake.url, fake.apiKey, items, inputs), 'All-items loop'), outputNode: 'Download Image' },
		];
		const rows: BatchRow[] = [];
		for (const { contender, workflow, outputNode } of contenders) {
			const runs: BatchRow[] = [];
			for (let r = 0; r < config.repeats; r++) {
				const since = Date.now();
				const result = await scratch.execute(workflow, { timeoutMs: 180_000 });
				const output = result.output as { startedAt?: string; stoppedAt?: string; data?: { resultData: { runData: Record<string, Array<{ data?: { main?: unknown[][] } }>> } } } | undefined;
				const startedAt = Date.parse(output?.startedAt ?? '');
				const stoppedAt = Date.parse(output?.stoppedAt ?? '');
				const outputItems = (output?.data?.resultData.runData[outputNode] ?? []).reduce((n, run) => n + (run.data?.main?.[0]?.length ?? 0), 0);
				const run: ContenderRun = {
					wallMs: stoppedAt - startedAt,
					jobs: jobTimings(fake).filter((job) => job.createdAt >= since),
					endedAt: stoppedAt,
					status: result.exitCode === 0 ? 'success' : 'error',
					...(result.exitCode !== 0 || !(stoppedAt > startedAt) ? { error: `n8n execute exited ${result.exitCode}` } : {}),
					outputItems,
				};
				runs.push(batchRow('runComfy', operation, meanMs, contender, run, items, items, rtt));
			}
			const chosen = { ...medianBy(runs, (row) => row.wallMs / row.idealMs), runs: runs.length };
			config.log(`batch in the real n8n, ${operation} ${meanMs / 1000} s: ${contender} ${runs.map((row) => row.wallMs).join(' / ')} ms`);
			rows.push(chosen);
		}
		return rows;
	} finally {
		await scratch.dispose();
		await fake.close();
	}
}

/**
 * The workflow as the real n8n can start it: the harness's item source (a test-only node) becomes
 * Manual Trigger → Edit Fields (the items as one JSON array) → Split Out, still named "Start".
 */
function forRealN8n(workflow: HarnessWorkflow, name: string): WorkflowJson {
	const start = workflow.nodes.find((node) => node.name === 'Start');
	const items = (JSON.parse(String(start?.parameters.items ?? '[]')) as Array<{ json: unknown }>).map((item) => item.json);
	const at = (x: number) => [x, 300] as [number, number];
	const nodes = [
		{ id: 'trigger', name: 'Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: at(-400), parameters: {} },
		{
			id: 'items',
			name: 'Items',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: at(-200),
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ items }), options: {} },
		},
		{ id: 'start', name: 'Start', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: at(0), parameters: { fieldToSplitOut: 'items', options: {} } },
		...workflow.nodes.filter((node) => node !== start),
	];
	const connections = {
		...workflow.connections,
		Trigger: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
		Items: { main: [[{ node: 'Start', type: 'main', index: 0 }]] },
	};
	return { name, nodes, connections } as unknown as WorkflowJson;
}

/** The package node with the e2e fixtures' credential (imported into the scratch n8n) instead of the harness's. */
function withFakeCredential(workflow: HarnessWorkflow): WorkflowJson {
	return forRealN8n(
		{ ...workflow, nodes: workflow.nodes.map((node) => (node.name === PACKAGE_NODE_NAME ? { ...node, credentials: credentialsFor('runComfy') } : node)) },
		'Ideogram package',
	);
}
