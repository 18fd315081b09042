/**
 * The per-item flow shared by Ideogram Edit, Reframe and Replace Background:
 * read + validate (free) → load inputs and mask → submit → wait → download → output items,
 * with a bounded number of items in flight, output in input order, Continue On Fail, and paid
 * results never thrown away.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { InputError } from '../mask';
import type { JobRequest, JobState, OperationName } from '../providers/types';
import { cachedResult, rememberResult } from './completedItems';
import { mapWithConcurrency } from './concurrency';
import { credentialEnvironment, type ExecutionEnvironment } from './environment';
import { errorItem, paidJobsOf, toNodeError, withFinishedItems, withPaidJobs, type FinishedItem } from './failures';
import { loadInputs } from './inputs';
import { getJobState, submitJob, waitForJob } from './jobs';
import { buildImageItems, submittedItem, type OutputSettings } from './outputs';
import { readItemPlan, type ItemPlan } from './params';

/** The provider's default; where its limit counts images in flight (Ideogram), fewer items go at once. */
function defaultConcurrency(plan: ItemPlan): number {
	const { maxImagesInFlight } = plan.adapter.limits;
	const byImages = maxImagesInFlight ? Math.floor(maxImagesInFlight / plan.generation.numImages) : Infinity;
	return Math.max(1, Math.min(plan.adapter.defaultConcurrency, byImages));
}

const randomSeed = () => 1 + Math.floor(Math.random() * 2147483646);

/** One job per image on providers that make one image per job, each with its own seed. */
function jobRequests(plan: ItemPlan, base: Omit<JobRequest, 'options'> & { options: Omit<JobRequest['options'], 'seed'> }, seed: number): JobRequest[] {
	const perJob = plan.adapter.limits.maxImagesPerJob;
	const total = plan.generation.numImages;
	if (perJob >= total) return [{ ...base, options: { ...base.options, seed } }];
	return Array.from({ length: total }, (_, n) => ({
		...base,
		options: { ...base.options, numImages: 1, seed: (seed + n) % 2147483648 },
	}));
}

async function processItem(
	ctx: IExecuteFunctions,
	env: ExecutionEnvironment,
	plan: ItemPlan,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const deadline = Date.now() + plan.timeoutMs;
	const jobEnv = await env.forProvider(plan.adapter);
	const inputs = await loadInputs({ ctx, itemIndex, download: env.download, signal: env.signal }, plan);
	const requests = jobRequests(
		plan,
		{
			operation: plan.operation,
			image: inputs.image,
			mask: inputs.mask,
			prompt: plan.prompt,
			resolution: plan.resolution,
			options: {
				...plan.generation,
				styleReferenceImages: inputs.styleReferenceImages,
				characterReferenceImages: inputs.characterReferenceImages,
				characterReferenceMasks: inputs.characterReferenceMasks,
			},
		},
		plan.seed ?? randomSeed(),
	);
	for (const request of requests) {
		const problem = plan.adapter.validate?.(request);
		// A value this provider cannot take is the user's input to change, not an answer from the provider.
		if (problem) throw new InputError(problem, 'Change the option and run again; nothing was sent.');
	}

	const settings: OutputSettings = {
		provider: plan.adapter.name,
		providerDisplayName: plan.adapter.displayName,
		operation: plan.operation,
		downloadImages: plan.downloadImages,
		outputBinaryProperty: plan.outputBinaryProperty,
		extra: {
			...(inputs.maskEditShare !== undefined ? { maskEditShare: inputs.maskEditShare } : {}),
			...(inputs.downscaledFrom ? { downscaledFrom: `${inputs.downscaledFrom.width}x${inputs.downscaledFrom.height}` } : {}),
		},
	};
	// Jobs of one item run side by side; each is submitted once. When one fails, the others still
	// finish: their images were paid for, and the error lists them (see paidJobsOf).
	const settled = await Promise.allSettled(
		requests.map(async (request) => {
			const submittedAt = Date.now();
			const submitted = await submitJob(jobEnv, request, deadline);
			if (submitted.status === 'completed' || !plan.waitForCompletion) return submitted;
			const ref = { provider: plan.adapter.name, operation: plan.operation, requestId: submitted.requestId, numImages: request.options.numImages };
			const durationKey = [plan.adapter.name, plan.operation, request.options.renderingSpeed ?? 'DEFAULT', request.options.numImages].join(':');
			return await waitForJob(jobEnv, ref, deadline, { submittedAt, durationKey, cancelWhenGivingUp: true });
		}),
	);
	const finished = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
	const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
	if (rejected) throw withPaidJobs(rejected.reason, finished);
	if (!plan.waitForCompletion && plan.adapter.queued) {
		return finished.map((job, n) => submittedItem(settings, job, requests[n].options.numImages, itemIndex));
	}
	// A result link that expired before the download: the job's state is read again for fresh links.
	const refresh = plan.adapter.getState
		? (job: JobState) =>
				getJobState(jobEnv, { provider: plan.adapter.name, operation: plan.operation, requestId: job.requestId, numImages: job.images?.length }, deadline)
		: undefined;
	return await buildImageItems({ ctx, itemIndex, download: env.download, signal: env.signal, deadline, refresh }, settings, finished);
}

export async function executeOperation(this: IExecuteFunctions, operation: OperationName): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const continueOnFail = this.continueOnFail();
	const env = credentialEnvironment(this);

	// Every item's parameters are checked before the first paid request.
	const plans = items.map((_, i) => {
		try {
			return readItemPlan(this, operation, i);
		} catch (error) {
			if (!continueOnFail) throw toNodeError(this, error, i, env.secrets());
			return error as Error;
		}
	});
	const firstPlan = plans.find((p): p is ItemPlan => !(p instanceof Error));
	const concurrency = firstPlan ? firstPlan.concurrency || defaultConcurrency(firstPlan) : 1;

	const finishedItems: FinishedItem[] = [];
	let failure: { error: unknown; itemIndex: number } | undefined;
	const results = await mapWithConcurrency(plans, concurrency, async (plan, i) => {
		// After a failure without Continue On Fail, items not yet started are not sent (they cost
		// nothing); the ones in flight finish so their paid results are reported.
		if (failure) return undefined;
		try {
			if (plan instanceof Error) throw plan;
			const cached = cachedResult(this, i, plan);
			if (cached) {
				// Still paid results of this execution: a later failure lists them too.
				finishedItems.push({ itemIndex: i, items: cached });
				return cached;
			}
			const output = await processItem(this, env, plan, i);
			rememberResult(this, i, plan, output);
			finishedItems.push({ itemIndex: i, items: output });
			return output;
		} catch (error) {
			const paid = paidJobsOf(error);
			if (paid.length) finishedItems.push({ itemIndex: i, items: paid });
			if (continueOnFail) return [errorItem(error, i, plan instanceof Error ? undefined : plan, env.secrets())];
			failure ??= { error, itemIndex: i };
			return undefined;
		}
	});
	if (failure) {
		const failedPlan = plans[failure.itemIndex];
		const nodeError = toNodeError(this, failure.error, failure.itemIndex, env.secrets(), failedPlan instanceof Error ? undefined : failedPlan);
		throw finishedItems.length ? withFinishedItems(nodeError, finishedItems) : nodeError;
	}
	return [results.flatMap((r) => r ?? [])];
}
