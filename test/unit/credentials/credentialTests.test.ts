/**
 * The credential tests' messages: what n8n's `request` helper reports about a failed request is
 * quoted to the user, with the key masked by the package's one redaction routine.
 */
import type { ICredentialTestFunctions } from 'n8n-workflow';

import { credentialTest } from '../../../nodes/shared/credentialTests';

const KEY = 'rc_live_0123456789abcdef';

/** n8n's credential-test context, its `request` helper failing the way a network error does. */
function failingContext(message: string): ICredentialTestFunctions {
	const helpers = { request: () => Promise.reject(new Error(message)) };
	// Cast: the helper is all a probe uses of n8n's context.
	return { helpers } as unknown as ICredentialTestFunctions;
}

describe('credential tests', () => {
	it.each([
		['the key itself', `connect ECONNREFUSED while sending ${KEY}`],
		['an Authorization header', `socket hang up {"Authorization":"Bearer ${KEY}"}`],
		['a URL-encoded key', `bad request to https://x.test/?key=${encodeURIComponent(KEY + '/=')}`],
	])('a failed request quotes the error without %s', async (_what, message) => {
		const ctx = failingContext(message);
		const result = await credentialTest.runComfyApiTest.call(ctx, { id: '1', name: 'c', type: 'runComfyApi', data: { apiKey: KEY + (message.includes('%2F') ? '/=' : ''), baseUrl: 'https://rc.test/' } });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('Could not reach RunComfy at https://rc.test');
		expect(result.message).not.toContain(KEY);
		expect(result.message).toContain('[REDACTED]');
	});
});

describe('what a credential test sends', () => {
	/** n8n's credential-test context, its `request` helper recording the request and answering `statusCode`. */
	function recordingContext(statusCode: number) {
		const sent: Array<Record<string, unknown>> = [];
		const helpers = {
			request: (options: Record<string, unknown>) => {
				sent.push(options);
				return Promise.resolve({ statusCode });
			},
		};
		// Cast: the helper is all a probe uses of n8n's context.
		return { ctx: { helpers } as unknown as ICredentialTestFunctions, sent };
	}

	it.each([
		['runComfyApiTest', 'GET', 'https://p.test/v1/requests/credential-check/status', { Authorization: `Bearer ${KEY}` }, 'RunComfy'],
		['cometApiTest', 'POST', 'https://p.test/ideogram/v1/ideogram-v3/edit', { Authorization: `Bearer ${KEY}` }, 'CometAPI'],
		['ideogramApiTest', 'GET', 'https://p.test/v2/generations/credential-check', { 'Api-Key': KEY }, 'Ideogram'],
	])('%s: %s %s with the credential\'s header; 401 is a refused key', async (test, method, uri, headers, provider) => {
		const { ctx, sent } = recordingContext(401);
		const result = await credentialTest[test].call(ctx, { id: '1', name: 'c', type: 'x', data: { apiKey: KEY, baseUrl: 'https://p.test/' } });
		expect(sent).toEqual([expect.objectContaining({ method, uri, headers: { Accept: 'application/json', ...headers } })]);
		expect(result).toEqual({ status: 'Error', message: expect.stringContaining(`${provider} refused the API key (HTTP 401)`) });
	});

	it('offers a test for exactly the credentials without a declarative one', () => {
		expect(Object.keys(credentialTest).sort()).toEqual(['cometApiTest', 'ideogramApiTest', 'runComfyApiTest']);
	});
});
