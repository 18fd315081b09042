/** The description every operation node shares; a node adds its own fields in `fields`. */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { OperationName } from '../providers/types';
import {
	ALL_PROVIDERS,
	imageSourceProperties,
	providerCredentials,
	providerProperty,
	waitForCompletionProperty,
} from './common';
import { operationOptions } from './options';

export interface OperationNodeSpec {
	displayName: string;
	name: string;
	operation: OperationName;
	description: string;
	/** The operation's own fields, shown after the image source. */
	fields: INodeProperties[];
}

export function operationNodeDescription(spec: OperationNodeSpec): INodeTypeDescription {
	return {
		displayName: spec.displayName,
		name: spec.name,
		icon: 'file:ideogram.svg',
		group: ['transform'],
		version: 1,
		subtitle: `={{ { runComfy: "RunComfy", runware: "Runware", cometApi: "CometAPI", ideogram: "Ideogram" }[$parameter["provider"]] + " · ${spec.displayName.replace('Ideogram ', '')}" }}`,
		description: spec.description,
		defaults: { name: spec.displayName },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: providerCredentials(ALL_PROVIDERS),
		properties: [
			providerProperty(ALL_PROVIDERS),
			...imageSourceProperties,
			...spec.fields,
			waitForCompletionProperty,
			operationOptions(spec.operation),
		],
	};
}
