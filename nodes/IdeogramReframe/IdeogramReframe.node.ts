import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { credentialTest } from '../shared/credentialTests';
import { operationProperties, providerSubtitle } from '../shared/descriptions/node';
import { executeOperation } from '../shared/pipeline/run';
import { resolutionOptions } from '../shared/providers/resolutions';

export class IdeogramReframe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Ideogram Reframe',
		name: 'ideogramReframe',
		icon: { light: 'file:ideogram.svg', dark: 'file:ideogram.dark.svg' },
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
		properties: operationProperties('reframe', [
			{
				displayName: 'Resolution',
				name: 'resolution',
				type: 'options',
				options: resolutionOptions(),
				default: '1280x800',
				required: true,
				description:
					'Target size, one of the 69 Ideogram 3.0 sizes, listed by aspect ratio from widest to tallest (type "16:9" to find those sizes). With an expression, write WIDTHxHEIGHT, e.g. 1280x800.',
			},
			{
				displayName: 'Additional Resolutions',
				name: 'additionalResolutions',
				type: 'multiOptions',
				options: resolutionOptions(),
				default: [],
				description:
					'More sizes from the same image in one step. Each size is its own job (and billed as one); the output has one item per size and image, Resolution first, then these in the order given. With an expression, write WIDTHxHEIGHT values separated by commas.',
			},
		]),
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation.call(this, 'reframe');
	}
}
