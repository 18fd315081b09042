/**
 * The parameter list every operation node shares (a node adds its own fields in `fields`), and the
 * nodes' subtitles. (The rest of a node's description stays literal in its file, where n8n's lint
 * rules read it.)
 */
import type { INodeProperties } from 'n8n-workflow';

import { PROVIDERS } from '../providers/registry';
import type { OperationName } from '../providers/types';
import { IMAGE_BINARY_PROPERTY, IMAGE_SOURCE, IMAGE_URL, providerParameter, WAIT_FOR_COMPLETION } from './common';
import { providerNotices } from './notice';
import { operationOptionsCollection, READ_BY_N8N } from './options';
import { POLL_OPERATION } from './poll';

export const OPERATION_PROVIDER = providerParameter(PROVIDERS);

export function operationProperties(operation: OperationName, fields: INodeProperties[]): INodeProperties[] {
	const rest = [IMAGE_SOURCE.property, IMAGE_BINARY_PROPERTY.property, IMAGE_URL.property, ...fields, WAIT_FOR_COMPLETION.property, operationOptionsCollection(operation)];
	return [OPERATION_PROVIDER.property, ...providerNotices(PROVIDERS, rest), ...rest, READ_BY_N8N];
}

const PROVIDER_LABELS = JSON.stringify(Object.fromEntries(PROVIDERS.map((p) => [p.name, p.displayName])));

/** Subtitle under the node's name: provider and operation. */
export const providerSubtitle = (operationLabel: string) =>
	`={{ ${PROVIDER_LABELS}[$parameter["provider"]] + " · ${operationLabel}" }}`;

const POLL_OPERATION_LABELS = JSON.stringify(
	Object.fromEntries((POLL_OPERATION.property.options ?? []).flatMap((o) => ('value' in o ? [[o.value, o.name]] : []))),
);

/** Poll Result's subtitle, in the same form: provider and the chosen operation's label. */
export const POLL_SUBTITLE = `={{ ${PROVIDER_LABELS}[$parameter["provider"]] + " · " + ${POLL_OPERATION_LABELS}[$parameter["operation"]] }}`;
