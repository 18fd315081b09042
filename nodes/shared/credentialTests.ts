/**
 * Credential tests for providers without a free endpoint that answers 2xx to a valid key (n8n's
 * declarative credential test accepts only 2xx). Each sends the adapter's `credentialCheck` (a
 * request that costs nothing: a job lookup or an empty, invalid submission) with the headers the
 * credential's `authenticate` adds, and tells a refused key (401/403) from any other answer.
 */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunction,
	ICredentialTestFunctions,
	ICredentialType,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { CometApi } from '../../credentials/CometApi.credentials';
import { IdeogramApi } from '../../credentials/IdeogramApi.credentials';
import { RunComfyApi } from '../../credentials/RunComfyApi.credentials';
import { RunwareApi } from '../../credentials/RunwareApi.credentials';
import { redactSecrets } from './engine';
import { PROVIDERS } from './providers/registry';
import type { ProviderAdapter } from './providers/types';
import { fieldOf, messageOf } from './unknownValues';

const CREDENTIALS: ICredentialType[] = [new RunComfyApi(), new RunwareApi(), new CometApi(), new IdeogramApi()];

/** The headers the credential's generic `authenticate` adds; its expressions name only the key. */
function authHeaders(credential: ICredentialType | undefined, apiKey: string): Record<string, string> {
	const auth = credential?.authenticate;
	const headers = auth && typeof auth === 'object' ? (auth.properties.headers ?? {}) : {};
	return Object.fromEntries(
		Object.entries(headers).map(([name, value]) => [name, String(value).replace(/^=/, '').split('{{$credentials.apiKey}}').join(apiKey)]),
	);
}

function probeTest(adapter: ProviderAdapter, check: NonNullable<ProviderAdapter['credentialCheck']>): ICredentialTestFunction {
	const provider = adapter.displayName;
	const credential = CREDENTIALS.find((c) => c.name === adapter.credentialType);
	return async function (this: ICredentialTestFunctions, decrypted: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
		const data = decrypted.data ?? {};
		const apiKey = String(data.apiKey ?? '');
		const baseUrl = String(data.baseUrl ?? '').trim().replace(/\/+$/, '');
		if (!apiKey) return { status: 'Error', message: 'The API key is empty' };
		try {
			// Credential test functions get only the legacy `request` helper from n8n (CredentialTestContext).
			// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
			const response: unknown = await this.helpers.request({
				method: check.method,
				uri: `${baseUrl}${check.path}`,
				headers: { Accept: 'application/json', ...authHeaders(credential, apiKey) },
				resolveWithFullResponse: true,
				simple: false,
				timeout: 15_000,
			});
			const statusCode = Number(fieldOf(response, 'statusCode'));
			if (statusCode === 401 || statusCode === 403) {
				return { status: 'Error', message: `${provider} refused the API key (HTTP ${statusCode}). Copy the key again from your ${provider} account.` };
			}
			if (statusCode >= 500) {
				return { status: 'Error', message: `${provider} answered HTTP ${statusCode}; the key could not be checked. Try again later.` };
			}
			return { status: 'OK', message: 'Connection successful' };
		} catch (error) {
			const message = redactSecrets(messageOf(error), [apiKey]);
			return { status: 'Error', message: `Could not reach ${provider} at ${baseUrl}: ${message}` };
		}
	};
}

/** `<credential type>Test` (the nodes' `testedBy`) for every adapter with a `credentialCheck`. */
export const credentialTest: Record<string, ICredentialTestFunction> = Object.fromEntries(
	PROVIDERS.flatMap((adapter) => (adapter.credentialCheck ? [[`${adapter.credentialType}Test`, probeTest(adapter, adapter.credentialCheck)]] : [])),
);
