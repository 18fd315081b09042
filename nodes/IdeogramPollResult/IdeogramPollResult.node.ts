import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import '../shared/n8nCompatibility';

import { credentialTest } from '../shared/credentialTests';
import { POLL_SUBTITLE } from '../shared/parameters/node';
import { pollOptionsCollection } from '../shared/parameters/options';
import { QUEUED_PROVIDERS } from '../shared/parameters/common';
import { providerNotices } from '../shared/parameters/notice';
import { POLL_OPERATION, POLL_PROVIDER, REQUEST_ID } from '../shared/parameters/poll';
import { executePollResult } from '../shared/pipeline/pollResult';

export class IdeogramPollResult implements INodeType {
	// The node description is a literal for n8n's lint and scanner, so its header repeats across nodes.
	/* jscpd:ignore-start */
	description: INodeTypeDescription = {
		displayName: 'Ideogram Poll Result',
		name: 'ideogramPollResult',
		icon: { light: 'file:../shared/icons/ideogram.svg', dark: 'file:../shared/icons/ideogram.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: POLL_SUBTITLE,
		description: 'Get the status of a submitted Ideogram job, wait for its images, or cancel it',
		defaults: { name: 'Ideogram Poll Result' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'runComfyApi', required: true, displayOptions: { show: { provider: ['runComfy'] } }, testedBy: 'runComfyApiTest' },
			{ name: 'runwareApi', required: true, displayOptions: { show: { provider: ['runware'] } } },
			{ name: 'ideogramApi', required: true, displayOptions: { show: { provider: ['ideogram'] } }, testedBy: 'ideogramApiTest' },
		],
		/* jscpd:ignore-end */
		properties: [POLL_PROVIDER.property, ...providerNotices(QUEUED_PROVIDERS, []), POLL_OPERATION.property, REQUEST_ID.property, pollOptionsCollection()],
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executePollResult.call(this);
	}
}
