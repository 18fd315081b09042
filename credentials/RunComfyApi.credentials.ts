import type { IAuthenticateGeneric, Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * RunComfy has no free endpoint that answers 2xx to a valid key, so the key is checked by the
 * nodes' `runComfyApiTest` function (nodes/shared/credentialTests.ts) instead of a `test` request.
 */
export class RunComfyApi implements ICredentialType {
	name = 'runComfyApi';

	displayName = 'RunComfy API';

	icon: Icon = { light: 'file:runComfy.svg', dark: 'file:runComfy.dark.svg' };

	documentationUrl = 'https://docs.runcomfy.com/model-apis/async-queue-endpoints';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API token from your RunComfy profile page',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://model-api.runcomfy.net',
			description: 'Change only to go through a proxy',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	};
}
