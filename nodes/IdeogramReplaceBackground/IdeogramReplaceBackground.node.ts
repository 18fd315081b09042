import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import '../shared/n8nCompatibility';

import { credentialTest } from '../shared/credentialTests';
import { promptProperty } from '../shared/parameters/common';
import { operationProperties, providerSubtitle } from '../shared/parameters/node';
import { executeOperation } from '../shared/pipeline/run';

export class IdeogramReplaceBackground implements INodeType {
	// The node description is a literal for n8n's lint and scanner, so its header repeats across nodes.
	/* jscpd:ignore-start */
	description: INodeTypeDescription = {
		displayName: 'Ideogram Replace Background',
		name: 'ideogramReplaceBackground',
		icon: { light: 'file:../shared/icons/ideogram.svg', dark: 'file:../shared/icons/ideogram.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: providerSubtitle('Replace Background'),
		description: 'Keep the subject of an image and replace its background from a prompt with Ideogram 3.0',
		defaults: { name: 'Ideogram Replace Background' },
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
		properties: operationProperties('replaceBackground', [promptProperty('The new background, e.g. "a sunlit marble kitchen counter"')]),
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation.call(this, 'replaceBackground');
	}
}
