/**
 * Fake provider servers for tests, the demo and benchmarks. One real HTTP server per provider on
 * 127.0.0.1 (ephemeral port), as strict as the provider (docs/providers/). Imports nothing from the
 * package source.
 *
 *   const fake = await startFake('runComfy', { jobDurationMs: 200 });
 *   // credentials: { apiKey: fake.apiKey, baseUrl: fake.url }
 *   fake.inject({ on: 'submit', kind: 'status', status: 429, retryAfter: '1' });
 *   ...; expect(fake.paidJobs()).toBe(1); await fake.close();
 *
 * `npx tsx test/fakes/index.ts` starts all four and prints their URLs and keys.
 */
import { FakeCore, FakeOptions, FakeServer, ProviderName, ProviderSpec } from './common';
import { cometApiSpec } from './cometApi';
import { ideogramV2Spec } from './ideogramV2';
import { runComfySpec } from './runComfy';
import { runwareSpec } from './runware';

export type { FakeOptions, FakeServer, FaultSpec, JobSnapshot, JobStatus, ProviderName, RecordedRequest } from './common';
export * as tables from './tables';

export const PROVIDERS: readonly ProviderName[] = ['runComfy', 'runware', 'cometApi', 'ideogram'];

const SPECS: Record<ProviderName, () => ProviderSpec<never>> = {
	runComfy: runComfySpec as () => ProviderSpec<never>,
	runware: runwareSpec as () => ProviderSpec<never>,
	cometApi: cometApiSpec as () => ProviderSpec<never>,
	ideogram: ideogramV2Spec as () => ProviderSpec<never>,
};

/** A fake that does not listen yet: `start()` gives it its port and URL. */
export type UnstartedFake = FakeServer & { start(): Promise<FakeServer> };

export function createFake(provider: ProviderName, options: FakeOptions = {}): UnstartedFake {
	if (!SPECS[provider]) throw new Error(`unknown provider ${provider}`);
	return new FakeCore(SPECS[provider](), options);
}

export function startFake(provider: ProviderName, options: FakeOptions = {}): Promise<FakeServer> {
	return createFake(provider, options).start();
}

export type AllFakes = Record<ProviderName, FakeServer> & {
	/** Resets every fake. */
	reset(): void;
	/** Closes every fake. */
	close(): Promise<void>;
};

/** Starts all four fakes; `options` may be shared or per provider (`{ runComfy: {...} }`). */
export async function startAllFakes(
	options: FakeOptions | Partial<Record<ProviderName, FakeOptions>> = {},
): Promise<AllFakes> {
	const perProvider = PROVIDERS.some((p) => p in options);
	const servers = await Promise.all(
		PROVIDERS.map((p) =>
			startFake(p, perProvider ? ((options as Partial<Record<ProviderName, FakeOptions>>)[p] ?? {}) : (options as FakeOptions)),
		),
	);
	const byName = Object.fromEntries(PROVIDERS.map((p, i) => [p, servers[i]])) as Record<ProviderName, FakeServer>;
	return {
		...byName,
		reset: () => servers.forEach((s) => s.reset()),
		close: async () => {
			await Promise.all(servers.map((s) => s.close()));
		},
	};
}

if (require.main === module) {
	void startAllFakes().then((all) => {
		for (const p of PROVIDERS) console.log(`${p.padEnd(9)} ${all[p].url}  apiKey=${all[p].apiKey}`);
		console.log('Ctrl-C to stop');
	});
}
