import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { credentialTest } from '../shared/credentialTests';
import { operationNodeDescription } from '../shared/descriptions/node';
import { executeOperation } from '../shared/pipeline/run';
import { resolutionOptions } from '../shared/providers/resolutions';

export class IdeogramReframe implements INodeType {
	description: INodeTypeDescription = operationNodeDescription({
		displayName: 'Ideogram Reframe',
		name: 'ideogramReframe',
		operation: 'reframe',
		description: 'Extend an image to a new size and aspect ratio with Ideogram 3.0',
		fields: [
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
		],
	});

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation.call(this, 'reframe');
	}
}
