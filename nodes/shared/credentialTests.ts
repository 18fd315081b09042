/**
 * Credential tests for providers without a free endpoint that answers 2xx to a valid key (n8n's
 * declarative credential test accepts only 2xx). Each sends a request that costs nothing (a job
 * lookup or an empty, invalid submission) and tells a refused key (401/403) from any other answer.
 */
import { redactSecrets } from './engine';
import { fieldOf, messageOf } from './unknownValues';
import type {
	ICredentialsDecrypted,
	ICredentialTestFunction,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

interface Probe {
	provider: string;
	method: 'GET' | 'POST';
	path: string;
	authHeader: (apiKey: string) => Record<string, string>;
}

const bearer = (apiKey: string) => ({ Authorization: `Bearer ${apiKey}` });

function probeTest(probe: Probe): ICredentialTestFunction {
	return async function (this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
		const data = credential.data ?? {};
		const apiKey = String(data.apiKey ?? '');
		const baseUrl = String(data.baseUrl ?? '').trim().replace(/\/+$/, '');
		if (!apiKey) return { status: 'Error', message: 'The API key is empty' };
		try {
			// Credential test functions get only the legacy `request` helper from n8n (CredentialTestContext).
			// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
			const response: unknown = await this.helpers.request({
				method: probe.method,
				uri: `${baseUrl}${probe.path}`,
				headers: { Accept: 'application/json', ...probe.authHeader(apiKey) },
				resolveWithFullResponse: true,
				simple: false,
				timeout: 15_000,
			});
			const statusCode = Number(fieldOf(response, 'statusCode'));
			if (statusCode === 401 || statusCode === 403) {
				return { status: 'Error', message: `${probe.provider} refused the API key (HTTP ${statusCode}). Copy the key again from your ${probe.provider} account.` };
			}
			if (statusCode >= 500) {
				return { status: 'Error', message: `${probe.provider} answered HTTP ${statusCode}; the key could not be checked. Try again later.` };
			}
			return { status: 'OK', message: 'Connection successful' };
		} catch (error) {
			const message = redactSecrets(messageOf(error), [apiKey]);
			return { status: 'Error', message: `Could not reach ${probe.provider} at ${baseUrl}: ${message}` };
		}
	};
}

export const credentialTest = {
	runComfyApiTest: probeTest({ provider: 'RunComfy', method: 'GET', path: '/v1/requests/credential-check/status', authHeader: bearer }),
	cometApiTest: probeTest({ provider: 'CometAPI', method: 'POST', path: '/ideogram/v1/ideogram-v3/edit', authHeader: bearer }),
	ideogramApiTest: probeTest({ provider: 'Ideogram', method: 'GET', path: '/v2/generations/credential-check', authHeader: (apiKey) => ({ 'Api-Key': apiKey }) }),
};
