/**
 * Results of items that already completed in this run of the node. n8n's node-level "Retry On
 * Fail" runs the node again over every item, in the same run (same `$runIndex`); an item whose
 * images were already paid for and downloaded is answered from here instead of being submitted a
 * second time.
 *
 * Only the latest run of each node in each execution is kept: a later run (a loop going round)
 * is other input, and an earlier run's retries are over. n8n tells a node nothing when an
 * execution ends, so the table is bounded too: runs idle for an hour go, and past MAX_RUNS the
 * least recently used go first.
 */
import { createHash } from 'node:crypto';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemPlan } from '../parameters/plan';

export const MAX_RUNS = 200;
const IDLE_MS = 60 * 60 * 1000;

/** Which run of which node in which execution. */
export interface NodeRun {
	key: string;
	runIndex: number;
}

export function nodeRunOf(ctx: IExecuteFunctions): NodeRun {
	const runIndex = Number(ctx.getWorkflowDataProxy(0).$runIndex ?? 0);
	return { key: `${ctx.getExecutionId() ?? ''}|${ctx.getNode().id ?? ctx.getNode().name}`, runIndex };
}

/** `<execution>|<node>` → the latest run's results by item; Map order = least recently used first. */
const runs = new Map<string, { runIndex: number; at: number; items: Map<string, INodeExecutionData[]> }>();

/** The item and what it asked for (the parameters, not the input data: the run and the index name the item). */
function itemKey(itemIndex: number, plan: ItemPlan): string {
	const { adapter, ...parameters } = plan;
	return `${itemIndex}|${createHash('sha256').update(JSON.stringify({ provider: adapter.name, ...parameters })).digest('hex')}`;
}

export function cachedResult(run: NodeRun, itemIndex: number, plan: ItemPlan): INodeExecutionData[] | undefined {
	const entry = runs.get(run.key);
	return entry?.runIndex === run.runIndex ? entry.items.get(itemKey(itemIndex, plan)) : undefined;
}

export function rememberResult(run: NodeRun, itemIndex: number, plan: ItemPlan, items: INodeExecutionData[]): void {
	const now = Date.now();
	const current = runs.get(run.key);
	const entry = current?.runIndex === run.runIndex ? current : { runIndex: run.runIndex, at: now, items: new Map() };
	entry.items.set(itemKey(itemIndex, plan), items);
	entry.at = now;
	runs.delete(run.key);
	runs.set(run.key, entry);
	for (const [key, { at }] of runs) {
		if (runs.size <= MAX_RUNS && now - at <= IDLE_MS) break;
		runs.delete(key);
	}
}
