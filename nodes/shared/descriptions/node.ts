/**
 * The parameter list every operation node shares; a node adds its own fields in `fields`. (The
 * rest of a node's description stays literal in its file, where n8n's lint rules read it.)
 */
import type { INodeProperties } from 'n8n-workflow';

import type { OperationName } from '../providers/types';
import { ALL_PROVIDERS, imageSourceProperties, providerProperty, waitForCompletionProperty } from './common';
import { operationOptions } from './options';

export function operationProperties(operation: OperationName, fields: INodeProperties[]): INodeProperties[] {
	return [
		providerProperty(ALL_PROVIDERS),
		...imageSourceProperties,
		...fields,
		waitForCompletionProperty,
		operationOptions(operation),
	];
}

/** Subtitle under the node's name: provider and operation. */
export const providerSubtitle = (operationLabel: string) =>
	`={{ { runComfy: "RunComfy", runware: "Runware", cometApi: "CometAPI", ideogram: "Ideogram" }[$parameter["provider"]] + " · ${operationLabel}" }}`;
