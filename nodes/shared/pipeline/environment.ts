/**
 * What the pipeline needs from the n8n execution: the cancel signal, transports (authenticated
 * for the provider, plain for downloads) and the credential's base URL and key (for redaction).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { createN8nTransport, withDeprecationNotices, type Transport } from '../engine';
import type { ProviderAdapter } from '../providers/types';
import type { JobEnvironment } from './jobs';

export interface ExecutionEnvironment {
	signal: AbortSignal;
	/** No credentials: used for input URLs and result downloads. */
	download: Transport;
	forProvider(adapter: ProviderAdapter): Promise<JobEnvironment>;
	/** API keys seen so far, to redact from anything shown to the user. */
	secrets(): string[];
}

export function credentialEnvironment(ctx: IExecuteFunctions): ExecutionEnvironment {
	// Never fails a call: a deprecated route keeps working until the provider removes it.
	const warn = (message: string) => ctx.logger?.warn(message);
	const signal = ctx.getExecutionCancelSignal() ?? new AbortController().signal;
	const keys = new Set<string>();
	const cache = new Map<string, Promise<JobEnvironment>>();
	return {
		signal,
		download: createN8nTransport(ctx),
		secrets: () => [...keys],
		forProvider(adapter) {
			let env = cache.get(adapter.name);
			if (!env) {
				env = (async () => {
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
				cache.set(adapter.name, env);
			}
			return env;
		},
	};
}
