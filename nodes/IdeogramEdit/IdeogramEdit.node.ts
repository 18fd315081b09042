import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { credentialTest } from '../shared/credentialTests';
import { promptProperty } from '../shared/descriptions/common';
import { maskProperties } from '../shared/descriptions/mask';
import { operationNodeDescription } from '../shared/descriptions/node';
import { executeOperation } from '../shared/pipeline/run';

export class IdeogramEdit implements INodeType {
	description: INodeTypeDescription = operationNodeDescription({
		displayName: 'Ideogram Edit',
		name: 'ideogramEdit',
		operation: 'edit',
		description: 'Repaint the masked area of an image from a prompt with Ideogram 3.0',
		fields: [promptProperty('What the masked area should show, e.g. "a red price tag reading $19"'), ...maskProperties],
	});

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation.call(this, 'edit');
	}
}
