/**
 * The parameter list every operation node shares; a node adds its own fields in `fields`. (The
 * rest of a node's description stays literal in its file, where n8n's lint rules read it.)
 */
import type { INodeProperties } from 'n8n-workflow';

import { PROVIDERS } from '../providers/registry';
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

const PROVIDER_LABELS = JSON.stringify(Object.fromEntries(PROVIDERS.map((p) => [p.name, p.displayName])));

/** Subtitle under the node's name: provider and operation. */
export const providerSubtitle = (operationLabel: string) =>
	`={{ ${PROVIDER_LABELS}[$parameter["provider"]] + " · ${operationLabel}" }}`;
