/**
 * Ideogram Poll Result: status, wait-and-fetch, or cancel of a job submitted earlier (possibly in
 * another execution: nothing is kept in memory between runs, the submitted item says it all).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_SECONDS, parsePollOptions } from '../parameters/options';
import { POLL_OPERATION, POLL_PROVIDER, readJobRef, submittedOperation } from '../parameters/poll';
import { readParameter } from '../parameters/parse';
import type { JobRef, ProviderName } from '../providers/types';
import { mapWithConcurrency } from './limits';
import { nodeRunContextOf } from './nodeRunContext';
import { errorItem, toNodeError } from './failures';
import { cancelJob, getJobState, waitForJob } from './jobs';
import { buildImageItems } from './outputs';

const POLL_CONCURRENCY = 10;

export async function executePollResult(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const runContext = nodeRunContextOf(this);
	const adapter = readParameter(this, 0, POLL_PROVIDER);
	const providerName = adapter.name;

	const results = await mapWithConcurrency(items, POLL_CONCURRENCY, async (_item, i) => {
		try {
			const operation = readParameter(this, i, POLL_OPERATION);
			const options = parsePollOptions(this.getNodeParameter('options', i, {}));
			const job = readJobRef(this, i);
			const connection = await runContext.connect(adapter);
			const deadline = Date.now() + (options.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
			const paired = { pairedItem: { item: i } };
			if (operation === 'getStatus') {
				const state = await getJobState(connection, job, deadline);
				return [{ json: statusJson(providerName, job, state), ...paired }];
			}
			if (operation === 'cancel') {
				const outcome = await cancelJob(connection, job);
				const json: IDataObject = { provider: providerName, requestId: job.requestId };
				if (outcome.status) json.status = outcome.status;
				json.cancelled = outcome.cancelled;
				if (outcome.reason) json.reason = outcome.reason;
				return [{ json, ...paired }];
			}
			const onTimeout = options.onTimeout === 'returnStatus' ? 'returnState' : 'error';
			const state = await waitForJob(connection, job, deadline, { onTimeout });
			if (state.status !== 'completed') return [{ json: statusJson(providerName, job, state), ...paired }];
			const settings = {
				itemIndex: i,
				adapter,
				operation: job.operation,
				downloadImages: options.downloadImages ?? true,
				outputBinaryProperty: options.outputBinaryProperty ?? 'data',
			};
			// A result link that expired before the download: the job is read again for fresh links.
			return await buildImageItems({ runContext, deadline, rereadFrom: connection }, settings, [state]);
		} catch (error) {
			const source = { adapter, operation: submittedOperation(items[i]?.json) };
			if (runContext.continueOnFail) return [errorItem(error, i, source, runContext.secrets())];
			throw toNodeError(this, error, i, runContext.secrets(), source);
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
