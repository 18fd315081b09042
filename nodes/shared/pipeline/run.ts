/**
 * The per-item flow shared by Ideogram Edit, Reframe and Replace Background:
 * read + validate (free) → load inputs and mask → submit → wait → download → output items,
 * with a bounded number of items in flight, output in input order, Continue On Fail, and paid
 * results never thrown away.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { ProviderError } from '../engine';

import type { JobRequest, JobState, OperationName } from '../providers/types';
import { cachedResult, nodeRunOf, rememberResult } from './completedItems';
import { createLimiter, mapWithConcurrency } from './concurrency';
import { credentialEnvironment, type ExecutionEnvironment } from './environment';
import { errorItem, paidJobsOf, toNodeError, withFinishedItems, withPaidJobs, type FinishedItem } from './failures';
import { loadInputs } from './inputs';
import { getJobState, quoteJob, submitJob, waitForJob } from './jobs';
import { buildImageItems, quoteItem, submittedItem, type OutputSettings } from './outputs';
import { imageBudget, type ImageBudget } from './imageBudget';
import { readItemPlan, type ItemPlan } from '../parameters/plan';
import { sizeValue, type Size } from '../parameters/sizes';

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

/** What one run of the node shares between its items. */
interface RunContext {
	env: ExecutionEnvironment;
	budget: ImageBudget;
	/** Size jobs in flight across all items, within the node's concurrency. */
	slot: ReturnType<typeof createLimiter>;
	continueOnFail: boolean;
}

/** The image count an item asks for: images × sizes (items answered from this execution's results, and price quotes, ask for none). */
const imagesAsked = (plan: ItemPlan) => (plan.dryRun ? 0 : plan.generation.numImages * Math.max(1, plan.sizes.length));

/** An error of one of several sizes, saying which size it was. */
function forSize(error: unknown, size: Size): unknown {
	const label = `Size ${sizeValue(size)}`;
	if (error instanceof ProviderError) return new ProviderError({ ...error.details, message: `${label}: ${error.details.message}` });
	if (error instanceof Error) error.message = `${label}: ${error.message}`;
	return error;
}

/**
 * The item's inputs loaded and made into its job requests (Reframe: one group of jobs per size,
 * `resolution` first; the other operations: one group), plus what its output items say about the
 * inputs. The loaded inputs live only in the requests, which the caller drops as it sends them.
 */
async function itemRequests(ctx: IExecuteFunctions, env: ExecutionEnvironment, plan: ItemPlan, itemIndex: number) {
	const inputs = await loadInputs({ ctx, itemIndex, download: env.download, signal: env.signal }, plan);
	const seed = plan.seed ?? randomSeed();
	const groups: Array<Array<JobRequest | undefined>> = (plan.sizes.length ? plan.sizes : [undefined]).map((resolution) =>
		jobRequests(
			plan,
			{
				operation: plan.operation,
				image: inputs.image,
				mask: inputs.mask,
				prompt: plan.prompt,
				resolution,
				options: {
					...plan.generation,
					styleReferenceImages: inputs.styleReferenceImages,
					characterReferenceImages: inputs.characterReferenceImages,
					characterReferenceMasks: inputs.characterReferenceMasks,
				},
			},
			seed,
		),
	);
	const extra: OutputSettings['extra'] = {
		...(inputs.maskEditShare !== undefined ? { maskEditShare: inputs.maskEditShare } : {}),
		...(inputs.downscaledFrom ? { downscaledFrom: `${inputs.downscaledFrom.width}x${inputs.downscaledFrom.height}` } : {}),
	};
	return { groups, extra };
}

async function processItem(
	ctx: IExecuteFunctions,
	run: RunContext,
	plan: ItemPlan,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { env } = run;
	const { sizes } = plan;
	const deadline = Date.now() + plan.timeoutMs;
	const jobEnv = await env.forProvider(plan.adapter);
	const { groups, extra } = await itemRequests(ctx, env, plan, itemIndex);
	// How many images each job asks for, kept apart: the requests themselves are let go once sent.
	const imagesPerJob = groups.map((requests) => requests.map((request) => request?.options.numImages ?? 1));
	if (plan.dryRun) {
		// The exact requests, priced: nothing is generated, so nothing counts against the image budget.
		const requests = groups.flat().filter((request): request is JobRequest => request !== undefined);
		const quotes = await Promise.all(requests.map(async (request) => await run.slot(async () => await quoteJob(jobEnv, request, deadline))));
		return [quoteItem(plan.adapter.name, plan.operation, quotes, itemIndex)];
	}

	const settings = (resolution?: Size): OutputSettings => ({
		provider: plan.adapter.name,
		providerDisplayName: plan.adapter.displayName,
		operation: plan.operation,
		downloadImages: plan.downloadImages,
		outputBinaryProperty: plan.outputBinaryProperty,
		resolution: resolution && sizeValue(resolution),
		extra,
	});
	// Jobs of one item run side by side; each is submitted once. When one fails, the others still
	// finish: their images were paid for, and the error lists them (see paidJobsOf).
	const runJob = async (requests: Array<JobRequest | undefined>, j: number) => {
		const { submitted, submittedAt, numImages, durationKey } = await submitOnce(requests, j);
		if (submitted.status === 'completed' || !plan.waitForCompletion) return submitted;
		const ref = { provider: plan.adapter.name, operation: plan.operation, requestId: submitted.requestId, numImages };
		return await waitForJob(jobEnv, ref, deadline, { submittedAt, durationKey, cancelWhenGivingUp: true });
	};
	/**
	 * Sends request j and lets go of it: from then on nothing of the item holds its image, mask or
	 * references (the adapter re-sends a body only while this call runs), so polling and downloads
	 * of many items in flight do not keep their inputs.
	 */
	const submitOnce = async (requests: Array<JobRequest | undefined>, j: number) => {
		const request = requests[j];
		requests[j] = undefined;
		if (!request) throw new Error(`job ${j} of item ${itemIndex} submitted twice`);
		const { numImages, renderingSpeed } = request.options;
		run.budget.take(numImages);
		const submittedAt = Date.now();
		const submitted = await submitJob(jobEnv, request, deadline);
		const durationKey = [plan.adapter.name, plan.operation, renderingSpeed ?? 'DEFAULT', numImages].join(':');
		return { submitted, submittedAt, numImages, durationKey };
	};
	const outcomes = await Promise.all(
		groups.map(async (requests, n) => {
			const settled = await run.slot(async () => await Promise.allSettled(requests.map((_, j) => runJob(requests, j))));
			const size = sizes.length > 1 ? sizes[n] : undefined;
			const finished = settled.flatMap((s) => (s.status === 'fulfilled' ? [{ ...s.value, resolution: size && sizeValue(size) }] : []));
			const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
			return { numImages: imagesPerJob[n], size, finished, error: rejected && (size ? forSize(rejected.reason, size) : rejected.reason) };
		}),
	);
	// Several sizes with Continue On Fail: a failed size gives its error item, in its place among the
	// items of the sizes that completed. Otherwise the first failure fails the item, listing what was paid.
	const failed = outcomes.find((o) => o.error !== undefined);
	if (failed && !(run.continueOnFail && sizes.length > 1)) {
		throw withPaidJobs(failed.error, outcomes.flatMap((o) => o.finished));
	}
	// A result link that expired before the download: the job's state is read again for fresh links.
	const refresh = plan.adapter.getState
		? (job: JobState) =>
				getJobState(jobEnv, { provider: plan.adapter.name, operation: plan.operation, requestId: job.requestId, numImages: job.images?.length }, deadline)
		: undefined;
	const perSize = await Promise.all(
		outcomes.map(async ({ numImages, size, finished, error }, n) => {
			if (error !== undefined) {
				return [errorItem(withPaidJobs(error, finished), itemIndex, plan, env.secrets(), { resolution: sizeValue(sizes[n]) })];
			}
			const out = settings(sizes[n]);
			if (!plan.waitForCompletion && plan.adapter.queued) {
				return finished.map((job, j) => submittedItem(out, job, numImages[j], itemIndex, size !== undefined));
			}
			return await buildImageItems({ ctx, itemIndex, download: env.download, signal: env.signal, deadline, refresh }, out, finished);
		}),
	);
	return perSize.flat();
}

export async function executeOperation(this: IExecuteFunctions, operation: OperationName): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const continueOnFail = this.continueOnFail();
	const env = credentialEnvironment(this);
	const nodeRun = nodeRunOf(this);

	// Every item's parameters are checked before the first paid request.
	const plans = items.map((_, i) => {
		try {
			return readItemPlan(this, operation, i);
		} catch (error) {
			if (!continueOnFail) throw toNodeError(this, error, i, env.secrets());
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
		if (plan instanceof Error || cachedResult(nodeRun, i, plan)) return;
		const asked = imagesAsked(plan);
		if (continueOnFail && !budget.fits(asked, planned)) plans[i] = budget.refusal(asked, planned);
		else planned += asked;
	});
	if (!budget.fits(0, planned)) throw toNodeError(this, budget.refusal(planned), 0, env.secrets());

	const run: RunContext = { env, budget, slot: createLimiter(concurrency), continueOnFail };
	const finishedItems: FinishedItem[] = [];
	let failure: { error: unknown; itemIndex: number } | undefined;
	const results = await mapWithConcurrency(plans, concurrency, async (plan, i) => {
		// After a failure without Continue On Fail, items not yet started are not sent (they cost
		// nothing); the ones in flight finish so their paid results are reported.
		if (failure) return undefined;
		try {
			if (plan instanceof Error) throw plan;
			const cached = cachedResult(nodeRun, i, plan);
			if (cached) {
				// Still paid results of this execution: a later failure lists them too.
				finishedItems.push({ itemIndex: i, items: cached });
				return cached;
			}
			const output = await processItem(this, run, plan, i);
			rememberResult(nodeRun, i, plan, output);
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
