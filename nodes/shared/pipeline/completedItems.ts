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
 * is other input, and an earlier run's retries are over. It is kept in the node's state for the
 * execution (processState.ts: dropped when the execution ends, bounded).
 */
import { createHash } from 'node:crypto';
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemPlan } from '../parameters/plan';
import type { NodeRunContext } from './nodeRunContext';
import { downloadResult } from './outputs';
import { nodeStateOf, type NodeState } from './processState';

/** Which run of the node, and the node's state in the execution. */
interface NodeRun {
	state: NodeState;
	runIndex: number;
}

/** n8n's reference to binary data it stored, or, for bytes it held inline, what makes them again. */
type RememberedBinary = { stored: IBinaryData } | { downloadAgain: { fileName?: string; mimeType: string } };

/** An output item as remembered: its JSON, and its binary data without inline bytes. */
interface RememberedItem {
	json: IDataObject;
	binary?: Record<string, RememberedBinary>;
}

/** A run's results by item. */
export interface CompletedRun {
	runIndex: number;
	items: Map<string, RememberedItem[]>;
}

export function nodeRunOf(ctx: IExecuteFunctions): NodeRun {
	return { state: nodeStateOf(ctx), runIndex: Number(ctx.getWorkflowDataProxy(0).$runIndex ?? 0) };
}

/** The item and what it asked for (the parameters, not the input data: the run and the index name the item). */
function itemKey(itemIndex: number, plan: ItemPlan): string {
	const { adapter, ...parameters } = plan;
	return `${itemIndex}|${createHash('sha256').update(JSON.stringify({ provider: adapter.name, ...parameters })).digest('hex')}`;
}

/** What is remembered of the item, if it completed in this run. */
export function rememberedResult(run: NodeRun, itemIndex: number, plan: ItemPlan): RememberedItem[] | undefined {
	const completed = run.state.completed;
	return completed?.runIndex === run.runIndex ? completed.items.get(itemKey(itemIndex, plan)) : undefined;
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
	if (run.state.completed?.runIndex !== run.runIndex) run.state.completed = { runIndex: run.runIndex, items: new Map() };
	run.state.completed.items.set(itemKey(itemIndex, plan), kept);
}

/** The output items of an item that completed in this run, rebuilt from what is remembered. */
export async function replayResult(runContext: NodeRunContext, run: NodeRun, itemIndex: number, plan: ItemPlan): Promise<INodeExecutionData[] | undefined> {
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
					const bytes = await downloadResult({ runContext, deadline }, String(json.imageUrl), job);
					item.binary[name] = await runContext.ctx.helpers.prepareBinaryData(bytes, data.downloadAgain.fileName, data.downloadAgain.mimeType);
				}
			}
			return item;
		}),
	);
}
