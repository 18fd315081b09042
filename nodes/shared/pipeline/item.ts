/**
 * One input item of Ideogram Edit, Reframe or Replace Background, top to bottom: its inputs
 * loaded into job requests (inputs.ts), the jobs submitted and waited for (jobs.ts), their
 * images downloaded into output items (outputs.ts). A failure of one job lets the item's other
 * jobs finish: their images were paid for, and the error lists them (see paidJobsOf).
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { ProviderError } from '../engine';
import type { ItemPlan } from '../parameters/plan';
import { sizeValue, type Size } from '../parameters/sizes';
import type { JobRequest } from '../providers/types';
import type { NodeRunContext } from './nodeRunContext';
import { errorItem, withPaidJobs } from './failures';
import { loadRequests, type ItemRequests } from './inputs';
import type { JobLimits } from './limits';
import { quoteJob, submitJob, waitForJob, type ProviderConnection } from './jobs';
import { buildImageItems, quoteItem, submittedItem, type OutputSettings } from './outputs';

/** An error of one of several sizes, saying which size it was. */
function forSize(error: unknown, size: Size): unknown {
	const label = `Size ${sizeValue(size)}`;
	if (error instanceof ProviderError) return new ProviderError({ ...error.details, message: `${label}: ${error.details.message}` });
	if (error instanceof Error) error.message = `${label}: ${error.message}`;
	return error;
}

/** Logs a job the provider accepted (NodeRunContext.logSubmitted) with the item it belongs to. */
type LogSubmitted = (requestId: string, numImages: number) => void;

/**
 * Sends request j of a group and lets go of it: from then on nothing of the item holds its image,
 * mask or references (the adapter re-sends a body only while this call runs), so polling and
 * downloads of many items in flight do not keep their inputs. The request lives only in this
 * function: a local of runJob would stay in its frame while it waits for the job
 * (test/workflows/releasesInputs.test.ts).
 */
async function submitOnce(connection: ProviderConnection, limits: JobLimits, requests: Array<JobRequest | undefined>, j: number, deadline: number, logSubmitted: LogSubmitted) {
	const request = requests[j];
	requests[j] = undefined;
	if (!request) throw new Error(`job ${j} submitted twice`);
	const { numImages } = request.options;
	// How long a job takes depends on its speed (3.0) or its model and quality tier (Precise Edit).
	const precise = request.model && request.model !== 'ideogram-3';
	const speed = precise ? `${request.model}/${request.options.quality ?? 'medium'}` : request.options.renderingSpeed;
	limits.budget.take(numImages);
	const submittedAt = Date.now();
	const submitted = await submitJob(connection, request, deadline);
	// Logged before anything else can fail: a process that dies while waiting leaves the request id behind.
	logSubmitted(submitted.requestId, numImages);
	return { submitted, submittedAt, numImages, speed };
}

/** Submits request j, then waits for the job, unless the provider answered at once or the user asked only to submit. */
async function runJob(connection: ProviderConnection, limits: JobLimits, plan: ItemPlan, requests: Array<JobRequest | undefined>, j: number, deadline: number, logSubmitted: LogSubmitted) {
	const { submitted, submittedAt, numImages, speed } = await submitOnce(connection, limits, requests, j, deadline, logSubmitted);
	if (submitted.status === 'completed' || !plan.waitForCompletion) return submitted;
	const ref = { provider: plan.adapter.name, operation: plan.operation, requestId: submitted.requestId, numImages };
	const durationKey = [plan.adapter.name, plan.operation, speed ?? 'DEFAULT', numImages].join(':');
	return await waitForJob(connection, ref, deadline, { submittedAt, durationKey, cancelWhenGivingUp: true });
}

/** Price Quote Only: the exact requests, priced; nothing is generated, so nothing counts against the image budget. */
async function quote(connection: ProviderConnection, limits: JobLimits, { groups }: ItemRequests, settings: OutputSettings, deadline: number) {
	const requests = groups.flat().filter((request): request is JobRequest => request !== undefined);
	const quotes = await Promise.all(requests.map(async (request) => await limits.slot(async () => await quoteJob(connection, request, deadline))));
	return [quoteItem(settings, quotes)];
}

export async function runItem(runContext: NodeRunContext, limits: JobLimits, plan: ItemPlan, itemIndex: number): Promise<INodeExecutionData[]> {
	const { sizes } = plan;
	const deadline = Date.now() + plan.timeoutMs;
	const connection = await runContext.connect(plan.adapter);
	const requests = await loadRequests(runContext, itemIndex, plan);
	const settings = (size?: Size): OutputSettings => ({
		itemIndex,
		adapter: plan.adapter,
		operation: plan.operation,
		downloadImages: plan.downloadImages,
		outputBinaryProperty: plan.outputBinaryProperty,
		resolution: size && sizeValue(size),
		extra: requests.extra,
	});
	if (plan.dryRun) return await quote(connection, limits, requests, settings(), deadline);

	// How many images each job asks for, kept apart: the requests themselves are let go once sent.
	const imagesPerJob = requests.groups.map((group) => group.map((request) => request?.options.numImages ?? 1));
	const logSubmitted: LogSubmitted = (requestId, numImages) => runContext.logSubmitted({ itemIndex, provider: plan.adapter.name, operation: plan.operation, numImages, requestId });
	// The jobs of one group (size) run side by side; each is submitted once.
	const outcomes = await Promise.all(
		requests.groups.map(async (group, n) => {
			const settled = await limits.slot(async () => await Promise.allSettled(group.map((_, j) => runJob(connection, limits, plan, group, j, deadline, logSubmitted))));
			const size = sizes.length > 1 ? sizes[n] : undefined;
			const finished = settled.flatMap((s) => (s.status === 'fulfilled' ? [{ ...s.value, resolution: size && sizeValue(size) }] : []));
			const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
			return { size, finished, error: rejected && (size ? forSize(rejected.reason, size) : rejected.reason) };
		}),
	);
	// Several sizes with Continue On Fail: a failed size gives its error item, in its place among the
	// items of the sizes that completed. Otherwise the first failure fails the item, listing what was paid.
	const failed = outcomes.find((o) => o.error !== undefined);
	if (failed && !(runContext.continueOnFail && sizes.length > 1)) {
		throw withPaidJobs(failed.error, outcomes.flatMap((o) => o.finished));
	}
	const perSize = await Promise.all(
		outcomes.map(async ({ size, finished, error }, n) => {
			if (error !== undefined) {
				return [errorItem(withPaidJobs(error, finished), itemIndex, plan, runContext.secrets(), { resolution: sizeValue(sizes[n]) })];
			}
			const out = settings(sizes[n]);
			if (!plan.waitForCompletion && plan.adapter.queued) {
				return finished.map((job, j) => submittedItem(out, job, imagesPerJob[n][j], size !== undefined));
			}
			// A result link that expired before the download: the job is read again from the provider for fresh links.
			return await buildImageItems({ runContext, deadline, rereadFrom: connection }, out, finished);
		}),
	);
	return perSize.flat();
}
