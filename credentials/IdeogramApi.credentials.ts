import type { IAuthenticateGeneric, Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/** Checked by the nodes' `ideogramApiTest` function (nodes/shared/credentialTests.ts): Ideogram has no free 2xx endpoint. */
export class IdeogramApi implements ICredentialType {
	name = 'ideogramApi';

	displayName = 'Ideogram API';

	icon: Icon = { light: 'file:../nodes/shared/icons/ideogram.svg', dark: 'file:../nodes/shared/icons/ideogram.dark.svg' };

	documentationUrl = 'https://developer.ideogram.ai/ideogram-api/api-setup';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API key from your Ideogram API settings',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.ideogram.ai',
			description: 'Change only to go through a proxy',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'Api-Key': '={{$credentials.apiKey}}' } },
	};
}
