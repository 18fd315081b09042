import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import '../shared/n8nCompatibility';

import { credentialTest } from '../shared/credentialTests';
import { operationProperties, providerSubtitle } from '../shared/parameters/node';
import { ADDITIONAL_RESOLUTIONS, RESOLUTION } from '../shared/parameters/sizes';
import { executeOperation } from '../shared/pipeline/run';

export class IdeogramReframe implements INodeType {
	// The node description is a literal for n8n's lint and scanner, so its header repeats across nodes.
	/* jscpd:ignore-start */
	description: INodeTypeDescription = {
		displayName: 'Ideogram Reframe',
		name: 'ideogramReframe',
		icon: { light: 'file:../shared/icons/ideogram.svg', dark: 'file:../shared/icons/ideogram.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: providerSubtitle('Reframe'),
		description: 'Extend an image to a new size and aspect ratio with Ideogram 3.0',
		defaults: { name: 'Ideogram Reframe' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'runComfyApi', required: true, displayOptions: { show: { provider: ['runComfy'] } }, testedBy: 'runComfyApiTest' },
			{ name: 'runwareApi', required: true, displayOptions: { show: { provider: ['runware'] } } },
			{ name: 'cometApi', required: true, displayOptions: { show: { provider: ['cometApi'] } }, testedBy: 'cometApiTest' },
			{ name: 'ideogramApi', required: true, displayOptions: { show: { provider: ['ideogram'] } }, testedBy: 'ideogramApiTest' },
		],
		/* jscpd:ignore-end */
		properties: operationProperties('reframe', [RESOLUTION.property, ADDITIONAL_RESOLUTIONS.property]),
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation.call(this, 'reframe');
	}
}
