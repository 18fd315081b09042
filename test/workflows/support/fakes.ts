/**
 * The fakes a workflow test file runs against, one per provider it names: listening before the
 * file's first test, reset before each test and given the file's options again (a reset keeps
 * what a test set), closed after its last test, and n8n's engine shut down with them.
 */
import { createFake, type FakeOptions, type FakeServer, type ProviderName, type UnstartedFake } from '../../fakes';
import { shutdownEngine } from '../../harness/engine';

export function fakesForFile<P extends ProviderName>(providers: readonly P[], options: FakeOptions): Record<P, FakeServer> {
	const fakes = {} as Record<P, UnstartedFake>;
	for (const provider of providers) fakes[provider] = createFake(provider, options);
	const servers = Object.values<UnstartedFake>(fakes);
	beforeAll(async () => {
		await Promise.all(servers.map((server) => server.start()));
	});
	beforeEach(() => {
		for (const server of servers) {
			server.reset();
			server.setOptions(options);
		}
	});
	afterAll(async () => {
		await Promise.all(servers.map((server) => server.close()));
		await shutdownEngine();
	});
	return fakes;
}

/** One provider's fake for the file, kept as `fakesForFile` keeps it. */
export function fakeForFile(provider: ProviderName, options: FakeOptions): FakeServer {
	return fakesForFile([provider], options)[provider];
}
