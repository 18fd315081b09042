/**
 * Results of items that already completed in this execution. n8n's node-level "Retry On Fail"
 * runs the node again over every item; an item whose images were already paid for and
 * downloaded is answered from here instead of being submitted a second time.
 */
import { createHash } from 'node:crypto';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemPlan } from '../parameters/plan';

const KEEP_MS = 60 * 60 * 1000;
const completed = new Map<string, { at: number; items: INodeExecutionData[] }>();

function key(ctx: IExecuteFunctions, itemIndex: number, plan: ItemPlan): string {
	const { adapter, ...rest } = plan;
	const fingerprint = createHash('sha256')
		.update(JSON.stringify({ provider: adapter.name, ...rest, input: ctx.getInputData()[itemIndex]?.json }))
		.digest('hex');
	return `${ctx.getExecutionId()}|${ctx.getNode().id}|${itemIndex}|${fingerprint}`;
}

function prune(now: number) {
	for (const [k, v] of completed) if (now - v.at > KEEP_MS) completed.delete(k);
}

export function cachedResult(ctx: IExecuteFunctions, itemIndex: number, plan: ItemPlan): INodeExecutionData[] | undefined {
	return completed.get(key(ctx, itemIndex, plan))?.items;
}

export function rememberResult(ctx: IExecuteFunctions, itemIndex: number, plan: ItemPlan, items: INodeExecutionData[]) {
	const now = Date.now();
	prune(now);
	completed.set(key(ctx, itemIndex, plan), { at: now, items });
}
