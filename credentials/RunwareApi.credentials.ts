import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class RunwareApi implements ICredentialType {
	name = 'runwareApi';

	displayName = 'Runware API';

	icon: Icon = { light: 'file:runware.svg', dark: 'file:runware.dark.svg' };

	documentationUrl = 'https://runware.ai/docs/en/getting-started/how-to-connect';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API key from your Runware dashboard',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.runware.ai',
			description: 'Change only to go through a proxy',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	};

	// Runware's authentication task is free and answers 2xx only for a valid key.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1',
			method: 'POST',
			body: [{ taskType: 'authentication', apiKey: '={{$credentials.apiKey}}' }],
			json: true,
		},
		// Without rules n8n shows only the status text ("Unauthorized") for a refused key.
		rules: [401, 403].map((value) => ({
			type: 'responseCode' as const,
			properties: { value, message: `Runware refused the API key (HTTP ${value}). Copy the key again from your Runware dashboard.` },
		})),
	};
}
