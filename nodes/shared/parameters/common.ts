/**
 * Parameters the nodes share, each its panel entry and its parser (names fixed: saved workflows
 * use them).
 */
import type { INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { PROVIDERS } from '../providers/registry';
import type { ProviderAdapter } from '../providers/types';
import { choice, flag, parameter, requiredText, url } from './parse';

/** Providers with a job queue: only they can return a job reference instead of waiting. */
export const QUEUED_PROVIDERS = PROVIDERS.filter((p) => p.queued);

/** The provider selector over `providers`; parses to the provider's adapter. */
export function providerParameter(providers: readonly ProviderAdapter[]) {
	const property: INodeProperties = {
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		noDataExpression: true,
		options: providers.map((p) => ({
			name: p.displayName,
			value: p.name,
			description: p.queued ? 'Queued jobs: can also return a job reference for Ideogram Poll Result' : 'Answers synchronously',
		})),
		// Both provider lists start with RunComfy.
		default: 'runComfy',
		description: 'Which service runs Ideogram 3.0. Each has its own credential.',
	};
	const names = providers.map((p) => p.name);
	const adapterOf = (name: string | undefined) => providers.find((p) => p.name === name);
	return parameter(
		property,
		choice(names).transform((name, ctx) => {
			const adapter = adapterOf(name);
			if (adapter) return adapter;
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'is not set', params: { hint: `Choose one of: ${names.join(', ')}.` } });
			return z.NEVER;
		}),
	);
}

export const IMAGE_SOURCE = parameter(
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
	choice(['binary', 'url'] as const),
);

export const IMAGE_BINARY_PROPERTY = parameter(
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
	requiredText('Give the name of the input binary field that holds the image, e.g. data.'),
);

export const IMAGE_URL = parameter(
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
	url('Or switch Image Source to Binary Property.'),
);

export const WAIT_FOR_COMPLETION = parameter(
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		displayOptions: { show: { provider: QUEUED_PROVIDERS.map((p) => p.name) } },
		description:
			'Whether to wait for the images. Turn off to get a job reference at once and collect the images later with Ideogram Poll Result (for jobs longer than a few minutes).',
	},
	flag(),
);

export const PROMPT = parameter(
	{ displayName: 'Prompt', name: 'prompt', type: 'string', typeOptions: { rows: 3 }, default: '', required: true },
	requiredText('Describe the result you want in Prompt.'),
);

/** The Prompt entry as a node shows it, with that node's description. */
export const promptProperty = (description: string): INodeProperties => ({ ...PROMPT.property, description });
