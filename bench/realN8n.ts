/**
 * 1b. The batch in the real n8n 2.41.1 (`n8n execute`, the package installed as n8n installs
 * community packages: test/e2e/n8n.ts): the package, cold, and the all-items loop on the shortest
 * Replace Background case. Wall time is n8n's own (startedAt → stoppedAt).
 */
import { credentialFixtures, credentialsFor } from '../test/e2e/fixtures';
import { startN8nScratch, type WorkflowJson } from '../test/e2e/n8n';
import type { WorkflowJson as HarnessWorkflow } from '../test/harness/engine';
import { startFake } from '../test/fakes';
import { batchRow, medianRun, roundTripMs, type BatchRow, type Case, type Contender } from './batch';
import type { Settings } from './run';
import { jobTimings, randomDuration } from './lib/common';
import { loopWorkflow, packageWorkflow, PACKAGE_NODE_NAME } from './lib/workflows';

type Printed = { startedAt?: string; stoppedAt?: string; data?: { resultData: { runData: Record<string, Array<{ data?: { main?: unknown[][] } }>> } } };

export async function benchBatchInRealN8n(s: Settings): Promise<BatchRow[]> {
	const { items, inputs } = s;
	const [operation, meanMs] = ['replaceBackground', s.batchMeansMs[0]] as const;
	const c: Case = { provider: 'runComfy', operation, meanMs, items, slots: items, rtt: await roundTripMs(operation, inputs) };
	const fake = await startFake('runComfy', { jobDurationMs: randomDuration(meanMs, s.spread) });
	const scratch = await startN8nScratch({ credentials: credentialFixtures({ runComfy: fake }) });
	try {
		const pkg = packageWorkflow(operation, 'runComfy', items, inputs);
		const contenders: Array<[Contender, WorkflowJson, string]> = [
			// The package node with the e2e fixtures' credential (imported into the scratch n8n).
			['package (cold)', forRealN8n({ ...pkg, nodes: pkg.nodes.map((n) => (n.name === PACKAGE_NODE_NAME ? { ...n, credentials: credentialsFor('runComfy') } : n)) }, 'Ideogram package'), PACKAGE_NODE_NAME],
			['all-items loop', forRealN8n(loopWorkflow(operation, fake.url, fake.apiKey, items, inputs), 'All-items loop'), 'Download Image'],
		];
		const rows: BatchRow[] = [];
		for (const [contender, workflow, outputNode] of contenders) {
			const runs: BatchRow[] = [];
			for (let r = 0; r < s.repeats; r++) {
				const since = Date.now();
				const result = await scratch.execute(workflow, { timeoutMs: 180_000 });
				const output = result.output as Printed | undefined;
				const [startedAt, stoppedAt] = [Date.parse(output?.startedAt ?? ''), Date.parse(output?.stoppedAt ?? '')];
				const failed = result.exitCode !== 0 || !(stoppedAt > startedAt);
				const outputItems = (output?.data?.resultData.runData[outputNode] ?? []).reduce((n, run) => n + (run.data?.main?.[0]?.length ?? 0), 0);
				const jobs = jobTimings(fake).filter((job) => job.createdAt >= since);
				runs.push(batchRow(c, contender, { wallMs: stoppedAt - startedAt, jobs, endedAt: stoppedAt, outputItems, ...(failed ? { error: `n8n execute exited ${result.exitCode}` } : {}) }));
			}
			s.log(`batch in the real n8n, ${operation} ${meanMs / 1000} s: ${contender} ${runs.map((row) => row.wallMs).join(' / ')} ms`);
			rows.push(medianRun(runs));
		}
		return rows;
	} finally {
		await scratch.dispose();
		await fake.close();
	}
}

/** The harness's item source (a test-only node) becomes Manual Trigger → Edit Fields (the items as one array) → Split Out, still named "Start". */
function forRealN8n(workflow: HarnessWorkflow, name: string): WorkflowJson {
	const start = workflow.nodes.find((node) => node.name === 'Start');
	const items = (JSON.parse(String(start?.parameters.items ?? '[]')) as Array<{ json: unknown }>).map((item) => item.json);
	const at = (x: number) => [x, 300] as [number, number];
	const nodes = [
		{ id: 'trigger', name: 'Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: at(-400), parameters: {} },
		{ id: 'items', name: 'Items', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: at(-200), parameters: { mode: 'raw', jsonOutput: JSON.stringify({ items }), options: {} } },
		{ id: 'start', name: 'Start', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: at(0), parameters: { fieldToSplitOut: 'items', options: {} } },
		...workflow.nodes.filter((node) => node !== start),
	];
	const to = (node: string) => ({ main: [[{ node, type: 'main', index: 0 }]] });
	return { name, nodes, connections: { ...workflow.connections, Trigger: to('Items'), Items: to('Start') } } as unknown as WorkflowJson;
}
