/** Ideogram Poll Result's parameters, each its panel entry and its parser. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { JobRef, OperationName } from '../providers/types';
import { QUEUED_PROVIDERS, providerParameter } from './common';
import { choice, parameter, readParameter, requiredText } from './parse';

export const POLL_PROVIDER = providerParameter(QUEUED_PROVIDERS);

export const POLL_OPERATION = parameter(
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Wait for Result', value: 'waitForResult', action: 'Wait for a job and get its images', description: 'Wait until the job ends and output its images' },
			{ name: 'Get Status', value: 'getStatus', action: 'Get the status of a job', description: 'Output the job status once, without waiting' },
			{ name: 'Cancel', value: 'cancel', action: 'Cancel a job', description: 'Cancel the job if it is still queued (RunComfy). Runware and Ideogram have no cancel: the item says cancelled false and why.' },
		],
		default: 'waitForResult',
	},
	choice(['waitForResult', 'getStatus', 'cancel'] as const).transform((o) => o ?? 'waitForResult'),
);

export const REQUEST_ID = parameter(
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		default: '={{ $json.requestId }}',
		required: true,
		description: 'The job to look at: the requestId of an item from an Ideogram node with Wait for Completion off',
	},
	requiredText('Connect this node after an Ideogram node with Wait for Completion off, or set Request ID (e.g. {{ $json.requestId }}).'),
);

const OPERATIONS = ['edit', 'reframe', 'replaceBackground'] as const;

/** The operation a submitted item names, when it names one. */
export const submittedOperation = (json: IDataObject | undefined): OperationName | undefined => OPERATIONS.find((o) => o === json?.operation);

/** The job to look at: its Request ID, and what the submitted item says of it (when it is the input). */
export function readJobRef(ctx: IExecuteFunctions, i: number): JobRef {
	const provider = readParameter(ctx, i, POLL_PROVIDER);
	const requestId = readParameter(ctx, i, REQUEST_ID);
	const json = ctx.getInputData()[i]?.json ?? {};
	const operation = submittedOperation(json);
	const numImages = typeof json.numImages === 'number' && Number.isInteger(json.numImages) && json.numImages > 0 ? json.numImages : undefined;
	return { provider: provider.name, requestId, operation, numImages };
}
