/**
 * Parameters shared by the nodes, built once (names fixed by INTERFACE.md: saved workflows use them).
 */
import type { INodeProperties } from 'n8n-workflow';

import { getProvider, PROVIDERS, providerOptions } from '../providers/registry';
import type { ProviderName } from '../providers/types';

export const ALL_PROVIDERS: ProviderName[] = PROVIDERS.map((p) => p.name);
/** Providers with a job queue: only they can return a job reference instead of waiting. */
export const QUEUED_PROVIDERS: ProviderName[] = PROVIDERS.filter((p) => p.queued).map((p) => p.name);

export function providerProperty(providers: ProviderName[]): INodeProperties {
	return {
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		noDataExpression: true,
		options: providerOptions()
			.filter((option) => providers.includes(option.value))
			.map((option) => ({
				...option,
				description: getProvider(option.value).queued
					? 'Queued jobs: can also return a job reference for Ideogram Poll Result'
					: 'Answers synchronously',
			})),
		// Both provider lists start with RunComfy.
		default: 'runComfy',
		description: 'Which service runs Ideogram 3.0. Each has its own credential.',
	};
}

export const imageSourceProperties: INodeProperties[] = [
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		options: [
			{ name: 'Binary Property', value: 'binary', description: 'An image from a previous node' },
			{ name: 'URL', value: 'url', description: 'A public http(s) URL of the image' },
		],
		default: 'binary',
		description: 'Where the image to work on comes from',
	},
	{
		displayName: 'Input Binary Field',
		name: 'imageBinaryProperty',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { imageSource: ['binary'] } },
		hint: 'The name of the input binary field that holds the image (PNG, JPEG or WebP)',
		description: 'Name of the binary property that holds the image',
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/photo.png',
		displayOptions: { show: { imageSource: ['url'] } },
		description: 'Public http(s) URL of the image (PNG, JPEG or WebP)',
	},
];

export const waitForCompletionProperty: INodeProperties = {
	displayName: 'Wait for Completion',
	name: 'waitForCompletion',
	type: 'boolean',
	default: true,
	displayOptions: { show: { provider: QUEUED_PROVIDERS } },
	description:
		'Whether to wait for the images. Turn off to get a job reference at once and collect the images later with Ideogram Poll Result (for jobs longer than a few minutes).',
};

export const promptProperty = (description: string): INodeProperties => ({
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	typeOptions: { rows: 3 },
	default: '',
	required: true,
	description,
});
