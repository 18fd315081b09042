import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import '../shared/n8nCompatibility';

import { credentialTest } from '../shared/credentialTests';
import { promptProperty } from '../shared/parameters/common';
import { maskProperties } from '../shared/parameters/mask';
import { modelProperties } from '../shared/parameters/model';
import { operationProperties, providerSubtitle } from '../shared/parameters/node';
import { executeOperation } from '../shared/pipeline/run';

export class IdeogramEdit implements INodeType {
	// The node description is a literal for n8n's lint and scanner, so its header repeats across nodes.
	/* jscpd:ignore-start */
	description: INodeTypeDescription = {
		displayName: 'Ideogram Edit',
		name: 'ideogramEdit',
		icon: { light: 'file:../shared/icons/ideogram.svg', dark: 'file:../shared/icons/ideogram.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: providerSubtitle('Edit'),
		description: 'Edit an image from a prompt: repaint a masked area with Ideogram 3.0, or Precise Edit with Ideogram 4.5 or 4.6',
		defaults: { name: 'Ideogram Edit' },
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
		properties: operationProperties('edit', [
			...modelProperties,
			promptProperty('What the masked area should show, or (Precise Edit) what to change, e.g. "a red price tag reading $19"'),
			...maskProperties,
		]),
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation.call(this, 'edit');
	}
}
