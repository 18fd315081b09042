/**
 * The providers the nodes offer. Adding one is a new adapter file plus a line here.
 */
import { cometApiAdapter } from './cometApi';
import { ideogramAdapter } from './ideogram';
import { runComfyAdapter } from './runComfy';
import { runwareAdapter } from './runware';
import type { ProviderAdapter, ProviderName } from './types';

/** In the order the provider selector shows them. */
export const PROVIDERS: readonly ProviderAdapter[] = [runComfyAdapter, runwareAdapter, cometApiAdapter, ideogramAdapter];

const BY_NAME = new Map<string, ProviderAdapter>(PROVIDERS.map((p) => [p.name, p]));

export function isProviderName(name: string): name is ProviderName {
	return BY_NAME.has(name);
}

export function getProvider(name: ProviderName): ProviderAdapter {
	const adapter = BY_NAME.get(name);
	if (!adapter) {
		throw new Error(`Unknown provider “${String(name)}”; expected one of ${[...BY_NAME.keys()].join(', ')}`);
	}
	return adapter;
}

/** Options for the `provider` parameter: `{ name: 'RunComfy', value: 'runComfy' }` … */
export function providerOptions(): Array<{ name: string; value: ProviderName }> {
	return PROVIDERS.map((p) => ({ name: p.displayName, value: p.name }));
}
