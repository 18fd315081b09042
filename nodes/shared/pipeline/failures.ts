/**
 * How failures reach the user: a NodeOperationError (bad input) or NodeApiError (provider) that
 * names the item, the provider and the request id; with Continue On Fail an error item per
 * failed input item; and never an API key anywhere.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ProviderError, redactSecrets, TransportError } from '../engine';
import { InputError } from '../mask';
import type { ItemPlan } from './params';

export interface FinishedItem {
	itemIndex: number;
	items: INodeExecutionData[];
}

function providerErrorOf(error: unknown, plan?: ItemPlan): ProviderError | undefined {
	if (error instanceof ProviderError) return error;
	if (error instanceof TransportError && plan) {
		return new ProviderError({
			provider: plan.adapter.displayName,
			operation: plan.operation,
			message: `No answer from the provider (${error.code})`,
			mayHaveRun: error.mayHaveRun,
			hint: error.mayHaveRun
				? 'The request was sent and may have run (and been billed): check your provider dashboard before running it again.'
				: 'The request did not reach the provider; nothing was billed. Check the network or Base URL and try again.',
		});
	}
	return undefined;
}

/** Continue On Fail: the item n8n routes to the error output (keys `error` and `details` only). */
export function errorItem(error: unknown, itemIndex: number, plan: ItemPlan | undefined, secrets: string[]): INodeExecutionData {
	const providerError = providerErrorOf(error, plan);
	const details: IDataObject = {
		provider: providerError?.provider ?? plan?.adapter.name,
		operation: providerError?.operation ?? plan?.operation,
		requestId: providerError?.requestId,
		httpCode: providerError?.httpCode,
		providerCode: providerError?.providerCode,
	};
	if (error instanceof InputError) details.parameter = error.parameter;
	for (const k of Object.keys(details)) if (details[k] === undefined) delete details[k];
	const message = error instanceof Error ? error.message : String(error);
	const hint = providerError?.hint ?? (error instanceof InputError ? error.hint : undefined);
	const full = error instanceof InputError && hint ? `${message}. ${hint}` : message;
	return { json: { error: redactSecrets(full, secrets), details }, pairedItem: { item: itemIndex } };
}

export function toNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number, secrets: string[]) {
	const node = ctx.getNode();
	const clean = (text: string | undefined) => (text === undefined ? undefined : redactSecrets(text, secrets));
	if (error instanceof InputError) {
		return new NodeOperationError(node, clean(error.message)!, { itemIndex, description: clean(error.hint) });
	}
	const providerError = error instanceof ProviderError ? error : undefined;
	if (providerError) {
		const message = clean(providerError.message)!;
		return new NodeApiError(node, { message, code: providerError.providerCode ?? null } as JsonObject, {
			message: `[item ${itemIndex}] ${message}`,
			description: clean(providerError.hint),
			httpCode: providerError.httpCode ? String(providerError.httpCode) : undefined,
			itemIndex,
		});
	}
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	const message = clean(error instanceof Error ? error.message : String(error))!;
	return new NodeOperationError(node, `[item ${itemIndex}] ${message}`, { itemIndex });
}

/**
 * Without Continue On Fail one failing item fails the node, but the items that already finished
 * were paid for: the error lists their request ids and image URLs so Poll Result can recover them.
 */
export function withFinishedItems(error: NodeOperationError | NodeApiError, finished: FinishedItem[]) {
	const lines = finished
		.sort((a, b) => a.itemIndex - b.itemIndex)
		.map(({ itemIndex, items }) => {
			const byRequest = new Map<string, string[]>();
			for (const { json } of items) {
				const id = String(json.requestId);
				byRequest.set(id, [...(byRequest.get(id) ?? []), ...(json.imageUrl ? [String(json.imageUrl)] : [])]);
			}
			const jobs = [...byRequest].map(([id, urls]) => `request ${id}${urls.length ? `: ${urls.join(' ')}` : ''}`);
			return `item ${itemIndex}: ${jobs.join('; ')}`;
		});
	const note = `These items completed and were billed before the failure: ${lines.join(' | ')}. Their results are not lost: run the node again (completed items are not resubmitted in this execution) or collect them with Ideogram Poll Result.`;
	error.description = [error.description, note].filter(Boolean).join(' ');
	(error.context as IDataObject).finishedItems = finished.map(({ itemIndex, items }) => ({
		itemIndex,
		results: items.map(({ json }) => ({ requestId: json.requestId, imageUrl: json.imageUrl })),
	}));
	return error;
}
