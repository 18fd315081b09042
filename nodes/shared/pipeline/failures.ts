/**
 * How failures reach the user: a NodeOperationError (bad input) or NodeApiError (provider) that
 * names the item, the provider and the request id; with Continue On Fail an error item per
 * failed input item; and never an API key anywhere.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ProviderError, redactSecrets, TransportError } from '../engine';
import { InputError } from '../inputError';
import type { JobState, OperationName, ProviderAdapter } from '../providers/types';

/** Where a failure happened, as far as it is known (Poll Result may not know the operation). */
interface FailureSource {
	adapter: ProviderAdapter;
	operation?: OperationName;
}

export interface FinishedItem {
	itemIndex: number;
	items: INodeExecutionData[];
}

function providerErrorOf(error: unknown, plan?: FailureSource): ProviderError | undefined {
	if (error instanceof ProviderError) return error;
	if (error instanceof TransportError && plan) {
		const timedOut = error.code === 'ETIMEDOUT';
		return new ProviderError({
			provider: plan.adapter.displayName,
			operation: plan.operation,
			message: timedOut ? `No answer from the provider within the time limit (${error.code})` : `No answer from the provider (${error.code})`,
			mayHaveRun: error.mayHaveRun,
			hint: error.mayHaveRun
				? `The request was sent and may have run (and been billed): check your provider dashboard before running it again.${timedOut ? ' If jobs need longer, raise Timeout (in Options).' : ''}`
				: 'The request did not reach the provider; nothing was billed. Check the network or Base URL and try again.',
		});
	}
	return undefined;
}

/** Continue On Fail: the item n8n routes to the error output (keys `error` and `details` only). */
export function errorItem(
	error: unknown,
	itemIndex: number,
	plan: FailureSource | undefined,
	secrets: string[],
	/** More of what is known about the failure, e.g. the Reframe size that failed. */
	extra: IDataObject = {},
): INodeExecutionData {
	const providerError = providerErrorOf(error, plan);
	const candidates: IDataObject = {
		provider: plan?.adapter.name ?? providerError?.provider,
		operation: providerError?.operation ?? plan?.operation,
		requestId: providerError?.requestId,
		httpCode: providerError?.httpCode,
		providerCode: providerError?.providerCode,
		parameter: error instanceof InputError ? error.parameter : undefined,
		// Jobs of this item that completed before another of its jobs failed: billed, so reported.
		completedRequestIds: paidRequestIds(error),
		...extra,
	};
	const details = Object.fromEntries(Object.entries(candidates).filter(([, value]) => value !== undefined));
	const message = error instanceof Error ? error.message : String(error);
	const hint = providerError?.hint ?? (error instanceof InputError ? error.hint : undefined);
	const full = error instanceof InputError && hint ? `${message}. ${hint}` : message;
	return { json: { error: redactSecrets(full, secrets), details }, pairedItem: { item: itemIndex } };
}

export function toNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number, secrets: string[], plan?: FailureSource) {
	const node = ctx.getNode();
	const clean = (text: string) => redactSecrets(text, secrets);
	if (error instanceof InputError) {
		const message = clean(error.message);
		const nodeError = new NodeOperationError(node, message, { itemIndex, description: clean(error.hint) });
		// As for NodeApiError below: n8n swaps a message mentioning ECONNREFUSED … for a generic one
		// that no longer says which input (image or mask) or which URL failed.
		nodeError.message = message;
		return nodeError;
	}
	// A TransportError (no answer) becomes a ProviderError too, so it says whether the request may have run.
	const providerError = providerErrorOf(error, plan);
	if (providerError) {
		const message = clean(providerError.message);
		const response: JsonObject = { message, code: providerError.providerCode ?? null };
		const nodeError = new NodeApiError(node, response, {
			message: `[item ${itemIndex}] ${message}`,
			description: providerError.hint ? clean(providerError.hint) : undefined,
			httpCode: providerError.httpCode ? String(providerError.httpCode) : undefined,
			itemIndex,
		});
		// NodeApiError swaps a message that mentions ECONNRESET, ETIMEDOUT … for a generic sentence
		// without provider, request id or advice; ours says more.
		nodeError.message = `[item ${itemIndex}] ${message}`;
		return nodeError;
	}
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	const message = clean(error instanceof Error ? error.message : String(error));
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
				// Reframe names each job's size: with several sizes per item that tells them apart.
				const id = `${String(json.requestId)}${json.resolution ? ` (${String(json.resolution)})` : ''}`;
				byRequest.set(id, [...(byRequest.get(id) ?? []), ...(json.imageUrl ? [String(json.imageUrl)] : [])]);
			}
			const jobs = [...byRequest].map(([id, urls]) => `request ${id}${urls.length ? `: ${urls.join(' ')}` : ''}`);
			return `item ${itemIndex}: ${jobs.join('; ')}`;
		});
	const note = `These items completed and were billed before the failure: ${lines.join(' | ')}. Their results are not lost: run the node again (completed items are not resubmitted in this execution) or collect them with Ideogram Poll Result.`;
	error.description = [error.description, note].filter(Boolean).join(' ');
	error.context.finishedItems = finished.map(({ itemIndex, items }) => ({
		itemIndex,
		results: items.map(({ json }) => ({ requestId: json.requestId, imageUrl: json.imageUrl, ...(json.resolution ? { resolution: json.resolution } : {}) })),
	}));
	return error;
}

/** Errors of items some of whose jobs completed (and were paid for), with those jobs. */
const paidJobsOfError = new WeakMap<Error, PaidJob[]>();

/** A job's state, with the size it made when an item has several (Reframe). */
type PaidJob = JobState & { resolution?: string };

/**
 * Marks an item's error with the jobs of the same item that did complete (RunComfy makes one job
 * per image): they were paid for, so the node's error lists them like other finished items.
 */
export function withPaidJobs(error: unknown, jobs: PaidJob[]): unknown {
	const completed = jobs.filter((job) => job.status === 'completed');
	if (completed.length && error instanceof Error) paidJobsOfError.set(error, completed);
	return error;
}

function paidRequestIds(error: unknown): string[] | undefined {
	const ids = [...new Set(paidJobsOf(error).map((item) => String(item.json.requestId)))];
	return ids.length ? ids : undefined;
}

/** The paid jobs marked on an error, as items carrying their request id and image URLs. */
export function paidJobsOf(error: unknown): INodeExecutionData[] {
	const jobs = (error instanceof Error ? paidJobsOfError.get(error) : undefined) ?? [];
	return jobs.flatMap((job) =>
		(job.images?.length ? job.images : [{}]).map((image) => ({
			json: { requestId: job.requestId, ...(job.resolution ? { resolution: job.resolution } : {}), ...(image.url ? { imageUrl: image.url } : {}) },
		})),
	);
}
