/**
 * One run of Ideogram Edit, Reframe or Replace Background over its input items: every item's
 * parameters checked and the run weighed against Max Images Per Execution before anything is
 * sent, then the items (item.ts) with a bounded number in flight, output in input order,
 * Continue On Fail, and paid results never thrown away.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { OperationName } from '../providers/types';
import { nodeRunOf, rememberedResult, rememberResult, replayResult } from './completedItems';
import { nodeRunContextOf } from './nodeRunContext';
import { errorItem, paidJobsOf, toNodeError, withFinishedItems, type FinishedItem } from './failures';
import { createLimiter, imageBudget, mapWithConcurrency } from './limits';
import { runItem } from './item';
import { readItemPlan, type ItemPlan } from '../parameters/plan';

/**
 * The provider's default; where its limit counts images in flight (Ideogram), fewer items go at
 * once: an item holds Number of Images for each of its sizes (a Reframe's sizes run together).
 */
function defaultConcurrency(plan: ItemPlan): number {
	const { maxImagesInFlight } = plan.adapter.limits;
	const perItem = plan.generation.numImages * Math.max(1, plan.sizes.length);
	const byImages = maxImagesInFlight ? Math.floor(maxImagesInFlight / perItem) : Infinity;
	return Math.max(1, Math.min(plan.adapter.defaultConcurrency, byImages));
}

/** The image count an item asks for: images × sizes (items answered from this execution's results, and price quotes, ask for none). */
const imagesAsked = (plan: ItemPlan) => (plan.dryRun ? 0 : plan.generation.numImages * Math.max(1, plan.sizes.length));

export async function executeOperation(this: IExecuteFunctions, operation: OperationName): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const runContext = nodeRunContextOf(this);
	const { continueOnFail } = runContext;
	const nodeRun = nodeRunOf(this);

	// Every item's parameters are checked before the first paid request.
	const plans = items.map((_, i) => {
		try {
			return readItemPlan(this, operation, i);
		} catch (error) {
			if (!continueOnFail) throw toNodeError(this, error, i, runContext.secrets());
			return error instanceof Error ? error : new Error(String(error));
		}
	});
	const firstPlan = plans.find((p): p is ItemPlan => !(p instanceof Error));
	const concurrency = firstPlan ? firstPlan.concurrency || defaultConcurrency(firstPlan) : 1;

	// One limit per node: the first item's.
	const budget = imageBudget(this, firstPlan?.maxImagesPerExecution ?? 0);
	// The whole run is weighed before anything is sent: a run that would go over submits nothing
	// (with Continue On Fail, the items that fit go on and the others become error items).
	let planned = 0;
	plans.forEach((plan, i) => {
		if (plan instanceof Error || rememberedResult(nodeRun, i, plan)) return;
		const asked = imagesAsked(plan);
		if (continueOnFail && !budget.fits(asked, planned)) plans[i] = budget.refusal(asked, planned);
		else planned += asked;
	});
	if (!budget.fits(0, planned)) throw toNodeError(this, budget.refusal(planned), 0, runContext.secrets());

	const limits = { budget, slot: createLimiter(concurrency) };
	const finishedItems: FinishedItem[] = [];
	let failure: { error: unknown; itemIndex: number } | undefined;
	const results = await mapWithConcurrency(plans, concurrency, async (plan, i) => {
		// After a failure without Continue On Fail, items not yet started are not sent (they cost
		// nothing); the ones in flight finish so their paid results are reported.
		if (failure) return undefined;
		try {
			if (plan instanceof Error) throw plan;
			const cached = await replayResult(runContext, nodeRun, i, plan);
			if (cached) {
				// Still paid results of this execution: a later failure lists them too.
				finishedItems.push({ itemIndex: i, items: cached });
				return cached;
			}
			const output = await runItem(runContext, limits, plan, i);
			rememberResult(nodeRun, i, plan, output);
			finishedItems.push({ itemIndex: i, items: output });
			return output;
		} catch (error) {
			const paid = paidJobsOf(error);
			if (paid.length) finishedItems.push({ itemIndex: i, items: paid });
			if (continueOnFail) return [errorItem(error, i, plan instanceof Error ? undefined : plan, runContext.secrets())];
			failure ??= { error, itemIndex: i };
			return undefined;
		}
	});
	if (failure) {
		const failedPlan = plans[failure.itemIndex];
		const nodeError = toNodeError(this, failure.error, failure.itemIndex, runContext.secrets(), failedPlan instanceof Error ? undefined : failedPlan);
		throw finishedItems.length ? withFinishedItems(nodeError, finishedItems) : nodeError;
	}
	return [results.flatMap((r) => r ?? [])];
}
