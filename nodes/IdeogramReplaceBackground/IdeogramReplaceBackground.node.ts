import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { credentialTest } from '../shared/credentialTests';
import { promptProperty } from '../shared/descriptions/common';
import { operationNodeDescription } from '../shared/descriptions/node';
import { executeOperation } from '../shared/pipeline/run';

export class IdeogramReplaceBackground implements INodeType {
	description: INodeTypeDescription = operationNodeDescription({
		displayName: 'Ideogram Replace Background',
		name: 'ideogramReplaceBackground',
		operation: 'replaceBackground',
		description: 'Keep the subject of an image and replace its background from a prompt with Ideogram 3.0',
		fields: [promptProperty('The new background, e.g. "a sunlit marble kitchen counter"')],
	});

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation.call(this, 'replaceBackground');
	}
}
