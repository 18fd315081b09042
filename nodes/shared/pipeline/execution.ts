/**
 * One run of a node in an n8n execution, as the pipeline sees it: the n8n functions (input
 * items, binary data), the cancel signal, the transport for downloads (no credentials), the
 * providers connected with their credentials, and the API keys to redact.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { createN8nTransport, withDeprecationNotices, type Transport } from '../engine';
import type { ProviderAdapter } from '../providers/types';
import type { ProviderConnection } from './jobs';

export interface Execution {
	ctx: IExecuteFunctions;
	signal: AbortSignal;
	continueOnFail: boolean;
	/** No credentials: used for input URLs and result downloads. */
	download: Transport;
	/** The provider with this execution's credential, read once per provider. */
	connect(adapter: ProviderAdapter): Promise<ProviderConnection>;
	/** API keys seen so far, to redact from anything shown to the user. */
	secrets(): string[];
}

/**
 * `<execution id>|<node id>`: this node in this n8n execution, across its runs. What is kept
 * between runs of a node (Retry On Fail memory, the image budget) is kept under this key.
 */
export function executionNodeKey(ctx: IExecuteFunctions): string {
	return `${ctx.getExecutionId() ?? ''}|${ctx.getNode().id ?? ctx.getNode().name}`;
}

export function executionOf(ctx: IExecuteFunctions): Execution {
	// Never fails a call: a deprecated route keeps working until the provider removes it.
	const warn = (message: string) => ctx.logger?.warn(message);
	const signal = ctx.getExecutionCancelSignal() ?? new AbortController().signal;
	const keys = new Set<string>();
	const connections = new Map<string, Promise<ProviderConnection>>();
	return {
		ctx,
		signal,
		continueOnFail: ctx.continueOnFail(),
		download: createN8nTransport(ctx),
		secrets: () => [...keys],
		connect(adapter) {
			let connection = connections.get(adapter.name);
			if (!connection) {
				connection = (async () => {
					const credentials = await ctx.getCredentials(adapter.credentialType);
					if (credentials.apiKey) keys.add(String(credentials.apiKey));
					const baseUrl = String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
					return {
						adapter,
						baseUrl,
						signal,
						transport: withDeprecationNotices(createN8nTransport(ctx, adapter.credentialType), warn),
						// Detached from the execution's cancel signal: the cancel request after a stop must still go out.
						cleanupTransport: createN8nTransport(ctx, adapter.credentialType, { detached: true }),
					};
				})();
				connections.set(adapter.name, connection);
			}
			return connection;
		},
	};
}
