/**
 * Credentials and fakes for the end-to-end tests.
 *
 * Convention (fixtures/credentials.json): one credential per provider, imported into every scratch
 * n8n with `n8n import:credentials`. Workflows reference them by type, id and name:
 *
 *   provider  type          id             name               placeholders filled at runtime
 *   runComfy  runComfyApi   runComfyCred   RunComfy (fake)    {{FAKE_RUNCOMFY_URL}} {{FAKE_RUNCOMFY_KEY}}
 *   runware   runwareApi    runwareCred    Runware (fake)     {{FAKE_RUNWARE_URL}}  {{FAKE_RUNWARE_KEY}}
 *   cometApi  cometApi      cometApiCred   CometAPI (fake)    {{FAKE_COMETAPI_URL}} {{FAKE_COMETAPI_KEY}}
 *   ideogram  ideogramApi   ideogramCred   Ideogram (fake)    {{FAKE_IDEOGRAM_URL}} {{FAKE_IDEOGRAM_KEY}}
 *
 * e.g. in a workflow node: "credentials": { "runComfyApi": { "id": "runComfyCred", "name": "RunComfy (fake)" } }.
 * `{{FAKE_<PROVIDER>_URL}}` becomes the fake server's base URL (http://127.0.0.1:<port>, no
 * trailing slash) and `{{FAKE_<PROVIDER>_KEY}}` its API key, by plain string replacement of the
 * JSON text: the same replacement applies to workflow JSON run through the harness.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startFake } from '../fakes';
import type { FakeOptions, FakeServer, ProviderName } from '../fakes/common';
import type { CredentialFixture } from './n8n';

export type Provider = ProviderName;
export const PROVIDERS: Provider[] = ['runComfy', 'runware', 'cometApi', 'ideogram'];

export interface CredentialRef {
	type: string;
	id: string;
	name: string;
}

/** The credential each provider's nodes use in the e2e workflows. */
export const CREDENTIAL_OF: Record<Provider, CredentialRef> = {
	runComfy: { type: 'runComfyApi', id: 'runComfyCred', name: 'RunComfy (fake)' },
	runware: { type: 'runwareApi', id: 'runwareCred', name: 'Runware (fake)' },
	cometApi: { type: 'cometApi', id: 'cometApiCred', name: 'CometAPI (fake)' },
	ideogram: { type: 'ideogramApi', id: 'ideogramCred', name: 'Ideogram (fake)' },
};

export const PLACEHOLDER_OF: Record<Provider, { url: string; key: string }> = {
	runComfy: { url: '{{FAKE_RUNCOMFY_URL}}', key: '{{FAKE_RUNCOMFY_KEY}}' },
	runware: { url: '{{FAKE_RUNWARE_URL}}', key: '{{FAKE_RUNWARE_KEY}}' },
	cometApi: { url: '{{FAKE_COMETAPI_URL}}', key: '{{FAKE_COMETAPI_KEY}}' },
	ideogram: { url: '{{FAKE_IDEOGRAM_URL}}', key: '{{FAKE_IDEOGRAM_KEY}}' },
};

export type Fakes = Record<Provider, FakeServer>;

/** One fake server per provider (real HTTP on 127.0.0.1). */
export async function startAllFakes(options: Partial<Record<Provider, FakeOptions>> = {}): Promise<Fakes> {
	const entries = await Promise.all(PROVIDERS.map(async (p) => [p, await startFake(p, options[p])] as const));
	return Object.fromEntries(entries) as Fakes;
}

export async function closeAllFakes(fakes: Partial<Fakes> | undefined): Promise<void> {
	await Promise.all(Object.values(fakes ?? {}).map(async (fake) => await fake?.close()));
}

/** Replaces the {{FAKE_*}} placeholders in a JSON-serialisable value (string replacement of its JSON). */
export function fillPlaceholders<T>(value: T, fakes: Partial<Fakes>): T {
	let text = JSON.stringify(value);
	for (const provider of PROVIDERS) {
		const fake = fakes[provider];
		if (!fake) continue;
		const url = fake.url.replace(/\/+$/, '');
		text = text.split(PLACEHOLDER_OF[provider].url).join(url).split(PLACEHOLDER_OF[provider].key).join(fake.apiKey);
	}
	return JSON.parse(text) as T;
}

/** fixtures/credentials.json with the fakes' URLs and keys filled in. */
export function credentialFixtures(fakes: Partial<Fakes>): CredentialFixture[] {
	const file = path.join(__dirname, 'fixtures', 'credentials.json');
	const all = JSON.parse(fs.readFileSync(file, 'utf8')) as CredentialFixture[];
	const wanted = all.filter((cred) => PROVIDERS.some((p) => fakes[p] && CREDENTIAL_OF[p].type === cred.type));
	return fillPlaceholders(wanted, fakes);
}

/** `"credentials": { ... }` of a node using the provider's fake credential. */
export function credentialsFor(provider: Provider): Record<string, { id: string; name: string }> {
	const { type, id, name } = CREDENTIAL_OF[provider];
	return { [type]: { id, name } };
}
