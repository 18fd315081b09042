/**
 * Ideogram Poll Result: status, wait-and-fetch, or cancel of a job submitted earlier (possibly in
 * another execution: nothing is kept in memory between runs, the submitted item says it all).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_SECONDS } from '../descriptions/options';
import { getProvider } from '../providers/registry';
import type { JobRef, OperationName, ProviderName } from '../providers/types';
import { InputError } from '../inputError';
import { mapWithConcurrency } from './concurrency';
import { credentialEnvironment } from './environment';
import { errorItem, toNodeError } from './failures';
import { cancelJob, getJobState, waitForJob } from './jobs';
import { buildImageItems } from './outputs';

const OPERATIONS: OperationName[] = ['edit', 'reframe', 'replaceBackground'];
const POLL_CONCURRENCY = 10;

function readJobRef(ctx: IExecuteFunctions, i: number, provider: ProviderName): JobRef {
	const requestId = String(ctx.getNodeParameter('requestId', i, '') ?? '').trim();
	if (!requestId) {
		throw new InputError(
			'Request ID is empty',
			'Connect this node after an Ideogram node with Wait for Completion off, or set Request ID (e.g. {{ $json.requestId }}).',
			'requestId',
		);
	}
	const json = ctx.getInputData()[i]?.json ?? {};
	const operation = OPERATIONS.includes(json.operation as OperationName) ? (json.operation as OperationName) : undefined;
	const numImages = Number(json.numImages);
	return { provider, requestId, operation, numImages: Number.isInteger(numImages) && numImages > 0 ? numImages : undefined };
}

export async function executePollResult(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const env = credentialEnvironment(this);
	const continueOnFail = this.continueOnFail();
	const providerName = this.getNodeParameter('provider', 0) as ProviderName;
	const adapter = getProvider(providerName);

	const results = await mapWithConcurrency(items, POLL_CONCURRENCY, async (_item, i) => {
		try {
			const operation = this.getNodeParameter('operation', i) as 'waitForResult' | 'getStatus' | 'cancel';
			const options = this.getNodeParameter('options', i, {}) as IDataObject;
			const job = readJobRef(this, i, providerName);
			const jobEnv = await env.forProvider(adapter);
			const deadline = Date.now() + Number(options.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
			const paired = { pairedItem: { item: i } };
			if (operation === 'getStatus') {
				const state = await getJobState(jobEnv, job, deadline);
				return [{ json: statusJson(providerName, job, state), ...paired }];
			}
			if (operation === 'cancel') {
				const outcome = await cancelJob(jobEnv, job);
				const json: IDataObject = { provider: providerName, requestId: job.requestId, status: outcome.status ?? 'unknown', cancelled: outcome.cancelled };
				if (outcome.reason) json.reason = outcome.reason;
				return [{ json, ...paired }];
			}
			const onTimeout = options.onTimeout === 'returnStatus' ? 'returnState' : 'error';
			const state = await waitForJob(jobEnv, job, deadline, { onTimeout });
			if (state.status !== 'completed') return [{ json: statusJson(providerName, job, state), ...paired }];
			return await buildImageItems(
				{ ctx: this, itemIndex: i, download: env.download, signal: env.signal, deadline },
				{
					provider: providerName,
					providerDisplayName: adapter.displayName,
					operation: job.operation ?? ('edit' as OperationName),
					downloadImages: options.downloadImages !== false,
					outputBinaryProperty: (options.outputBinaryProperty as string) || 'data',
				},
				[state],
			);
		} catch (error) {
			const source = { adapter, operation: items[i]?.json.operation as OperationName | undefined };
			if (continueOnFail) return [errorItem(error, i, source, env.secrets())];
			throw toNodeError(this, error, i, env.secrets(), source);
		}
	});
	return [results.flat()];
}

function statusJson(provider: ProviderName, job: JobRef, state: { status: string; queuePosition?: number; progress?: number }): IDataObject {
	const json: IDataObject = { provider };
	if (job.operation) json.operation = job.operation;
	json.requestId = job.requestId;
	json.status = state.status;
	if (state.queuePosition !== undefined) json.queuePosition = state.queuePosition;
	if (state.progress !== undefined) json.progress = state.progress;
	if (job.numImages) json.numImages = job.numImages;
	return json;
}
