import type { IAuthenticateGeneric, Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/** Checked by the nodes' `cometApiTest` function (nodes/shared/credentialTests.ts): CometAPI has no free 2xx endpoint for these routes. */
export class CometApi implements ICredentialType {
	name = 'cometApi';

	// The display name is fixed by the package's public interface (docs/interface.md) and already ends in API.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api
	displayName = 'CometAPI';

	icon: Icon = { light: 'file:cometApi.svg', dark: 'file:cometApi.dark.svg' };

	documentationUrl = 'https://apidoc.cometapi.com/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API key from your CometAPI console',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.cometapi.com',
			description: 'Change only to go through a proxy',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	};
}
