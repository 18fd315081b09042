import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { credentialTest } from '../shared/credentialTests';
import { providerProperty, QUEUED_PROVIDERS } from '../shared/descriptions/common';
import { outputOptions } from '../shared/descriptions/options';
import { executePollResult } from '../shared/pipeline/pollResult';

export class IdeogramPollResult implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Ideogram Poll Result',
		name: 'ideogramPollResult',
		icon: { light: 'file:ideogram.svg', dark: 'file:ideogram.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["provider"] }}',
		description: 'Get the status of a submitted Ideogram job, wait for its images, or cancel it',
		defaults: { name: 'Ideogram Poll Result' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'runComfyApi', required: true, displayOptions: { show: { provider: ['runComfy'] } }, testedBy: 'runComfyApiTest' },
			{ name: 'runwareApi', required: true, displayOptions: { show: { provider: ['runware'] } } },
		],
		properties: [
			providerProperty(QUEUED_PROVIDERS),
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Wait for Result', value: 'waitForResult', action: 'Wait for a job and get its images', description: 'Wait until the job ends and output its images' },
					{ name: 'Get Status', value: 'getStatus', action: 'Get the status of a job', description: 'Output the job status once, without waiting' },
					{ name: 'Cancel', value: 'cancel', action: 'Cancel a job', description: 'Cancel the job if it is still queued' },
				],
				default: 'waitForResult',
			},
			{
				displayName: 'Request ID',
				name: 'requestId',
				type: 'string',
				default: '={{ $json.requestId }}',
				required: true,
				description: 'The job to look at: the requestId of an item from an Ideogram node with Wait for Completion off',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					...outputOptions.map((o) => ({ ...o, displayOptions: { show: { '/operation': ['waitForResult'] } } })),
					{
						displayName: 'On Timeout',
						name: 'onTimeout',
						type: 'options',
						displayOptions: { show: { '/operation': ['waitForResult'] } },
						options: [
							{ name: 'Stop With an Error', value: 'error' },
							{ name: 'Return the Job Status', value: 'returnStatus', description: 'Output the status item, so a Wait → Poll Result → If loop can try again' },
						],
						default: 'error',
						description: 'What to do when the job has not finished within Timeout',
					},
				],
			},
		],
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executePollResult.call(this);
	}
}
