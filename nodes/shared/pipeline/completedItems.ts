/**
 * Results of items that already completed in this run of the node. n8n's node-level "Retry On
 * Fail" runs the node again over every item, in the same run (same `$runIndex`); an item whose
 * images were already paid for is answered from here instead of being submitted a second time.
 *
 * What is kept is what the output items need, never image bytes: their JSON (request ids, image
 * URLs, seeds …) and their binary data as n8n's references (`id`, file name, MIME type). Where
 * n8n keeps binary data inline (binary mode `default`, base64 in the item), the bytes are left
 * out and downloaded again from the item's `imageUrl` when the item is answered.
 *
 * Only the latest run of each node in each execution is kept: a later run (a loop going round)
 * is other input, and an earlier run's retries are over. A run's entry goes when its execution
 * ends (`onExecutionFinish`, docs/n8n.md); where n8n does not offer that, the table is bounded
 * anyway: runs idle for an hour go, and past MAX_RUNS the least recently used go first.
 */
import { createHash } from 'node:crypto';
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemPlan } from '../parameters/plan';
import { executionNodeKey, type Execution } from './execution';
import { downloadResult } from './outputs';

export const MAX_RUNS = 200;
const IDLE_MS = 60 * 60 * 1000;

/** Which run of which node in which execution. */
export interface NodeRun {
	key: string;
	runIndex: number;
}

/** n8n's reference to binary data it stored, or, for bytes it held inline, what makes them again. */
export type RememberedBinary = { stored: IBinaryData } | { downloadAgain: { fileName?: string; mimeType: string } };

/** An output item as remembered: its JSON, and its binary data without inline bytes. */
export interface RememberedItem {
	json: IDataObject;
	binary?: Record<string, RememberedBinary>;
}

/** `<execution>|<node>` → the latest run's results by item; Map order = least recently used first. */
const runs = new Map<string, { runIndex: number; at: number; items: Map<string, RememberedItem[]> }>();

export function nodeRunOf(ctx: IExecuteFunctions): NodeRun {
	const runIndex = Number(ctx.getWorkflowDataProxy(0).$runIndex ?? 0);
	const key = executionNodeKey(ctx);
	// Retries happen within the execution: once it ends, nothing can ask for its results again.
	ctx.onExecutionFinish?.(() => runs.delete(key));
	return { key, runIndex };
}

/** Node runs remembered now (for the bound's test). */
export function rememberedRuns(): number {
	return runs.size;
}

/** The item and what it asked for (the parameters, not the input data: the run and the index name the item). */
function itemKey(itemIndex: number, plan: ItemPlan): string {
	const { adapter, ...parameters } = plan;
	return `${itemIndex}|${createHash('sha256').update(JSON.stringify({ provider: adapter.name, ...parameters })).digest('hex')}`;
}

/** What is remembered of the item, if it completed in this run. */
export function rememberedResult(run: NodeRun, itemIndex: number, plan: ItemPlan): RememberedItem[] | undefined {
	const entry = runs.get(run.key);
	return entry?.runIndex === run.runIndex ? entry.items.get(itemKey(itemIndex, plan)) : undefined;
}

/** Stored by n8n (it has an `id`; `data` names the storage mode), or held inline (`data` is the base64). */
function reference(binary: IBinaryData): RememberedBinary {
	return binary.id ? { stored: { ...binary } } : { downloadAgain: { fileName: binary.fileName, mimeType: binary.mimeType } };
}

function remembered(item: INodeExecutionData): RememberedItem | undefined {
	const binary = item.binary && Object.fromEntries(Object.entries(item.binary).map(([name, data]) => [name, reference(data)]));
	// Inline bytes are left out only where they can be downloaded again.
	if (binary && Object.values(binary).some((data) => 'downloadAgain' in data) && typeof item.json.imageUrl !== 'string') return undefined;
	return { json: { ...item.json }, ...(binary ? { binary } : {}) };
}

export function rememberResult(run: NodeRun, itemIndex: number, plan: ItemPlan, items: INodeExecutionData[]): void {
	const kept = items.flatMap((item) => remembered(item) ?? []);
	if (kept.length < items.length) return;
	const now = Date.now();
	const current = runs.get(run.key);
	const entry = current?.runIndex === run.runIndex ? current : { runIndex: run.runIndex, at: now, items: new Map() };
	entry.items.set(itemKey(itemIndex, plan), kept);
	entry.at = now;
	runs.delete(run.key);
	runs.set(run.key, entry);
	for (const [key, { at }] of runs) {
		if (runs.size <= MAX_RUNS && now - at <= IDLE_MS) break;
		runs.delete(key);
	}
}

/** The output items of an item that completed in this run, rebuilt from what is remembered. */
export async function replayResult(execution: Execution, run: NodeRun, itemIndex: number, plan: ItemPlan): Promise<INodeExecutionData[] | undefined> {
	const items = rememberedResult(run, itemIndex, plan);
	if (!items) return undefined;
	const deadline = Date.now() + plan.timeoutMs;
	return await Promise.all(
		items.map(async ({ json, binary }) => {
			const item: INodeExecutionData = { json: { ...json }, pairedItem: { item: itemIndex } };
			if (!binary) return item;
			item.binary = {};
			for (const [name, data] of Object.entries(binary)) {
				if ('stored' in data) item.binary[name] = { ...data.stored };
				else {
					const job = { adapter: plan.adapter, operation: plan.operation, requestId: String(json.requestId) };
					const bytes = await downloadResult({ execution, deadline }, String(json.imageUrl), job);
					item.binary[name] = await execution.ctx.helpers.prepareBinaryData(bytes, data.downloadAgain.fileName, data.downloadAgain.mimeType);
				}
			}
			return item;
		}),
	);
}
