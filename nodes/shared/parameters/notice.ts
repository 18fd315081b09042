/**
 * n8n's editor hides `provider`: each of its values selects one credential type, so the editor takes
 * it as the node's authentication field and sets it from the credential picked. One notice per
 * provider says in the panel which provider runs the node, how to switch, and which fields and
 * options that provider does not take.
 */
import type { INodeProperties } from 'n8n-workflow';

import { PROVIDERS } from '../providers/registry';
import type { ProviderAdapter } from '../providers/types';

/** Whether a parameter's displayOptions on the provider (`provider`, or `/provider` inside a collection) let it show for `provider`. */
function shownFor(property: INodeProperties, provider: string): boolean {
	const { show, hide } = property.displayOptions ?? {};
	const shown = show?.provider ?? show?.['/provider'];
	const hidden = hide?.provider ?? hide?.['/provider'];
	return (!shown || shown.includes(provider)) && !hidden?.includes(provider);
}

const isProperty = (o: object): o is INodeProperties => 'type' in o && 'name' in o;

/**
 * Display names of the parameters and options hidden for `provider`. Where several entries share a
 * name (an option and the entry that shows its saved value as not available), the first is the
 * option itself. Options named after another provider ("Runware: …") go without saying.
 */
function hiddenFor(properties: INodeProperties[], provider: string): string[] {
	const first = properties.filter((property, i) => properties.findIndex((p) => p.name === property.name) === i);
	return first.flatMap((property) => {
		const namedAfterProvider = PROVIDERS.some((p) => property.displayName.startsWith(`${p.displayName}:`));
		const own = shownFor(property, provider) || namedAfterProvider ? [] : [property.displayName];
		const nested = property.type === 'collection' ? hiddenFor((property.options ?? []).filter(isProperty), provider) : [];
		return [...own, ...nested];
	});
}

/** The notices to put after `provider`, given the node's other parameters. */
export function providerNotices(providers: readonly ProviderAdapter[], properties: INodeProperties[]): INodeProperties[] {
	return providers.map((provider) => {
		const others = providers.filter((p) => p !== provider).map((p) => p.displayName);
		const missing = hiddenFor(properties, provider.name);
		return {
			displayName: [
				`Runs on <b>${provider.displayName}</b> (the credential's type).`,
				`To switch to ${others.join(', ').replace(/, ([^,]*)$/, ' or $1')}, pick a credential of that provider under Credential, or create one and choose its type.`,
				missing.length ? `Not taken by ${provider.displayName}: ${missing.join(', ')}.` : '',
			]
				.filter(Boolean)
				.join(' '),
			name: 'providerNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { provider: [provider.name] } },
		};
	});
}
