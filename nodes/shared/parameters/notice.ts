/**
 * n8n's editor hides `provider`: each of its values selects one credential type, so the editor takes
 * it as the node's authentication field and sets it from the credential picked. One notice per
 * provider says in the panel which provider runs the node, how to switch, and which fields and
 * options that provider does not take.
 */
import type { INodeProperties } from 'n8n-workflow';

import { PROVIDERS } from '../providers/registry';
import type { ProviderAdapter } from '../providers/types';
import { EDIT_MODELS, modelsServedBy } from './model';

/** Whether a parameter's displayOptions on the provider (`provider`, or `/provider` inside a collection) let it show for `provider`. */
function shownFor(property: INodeProperties, provider: string): boolean {
	const { show, hide } = property.displayOptions ?? {};
	const shown = show?.provider ?? show?.['/provider'];
	const hidden = hide?.provider ?? hide?.['/provider'];
	return (!shown || shown.includes(provider)) && !hidden?.includes(provider);
}

const isProperty = (o: object): o is INodeProperties => 'type' in o && 'name' in o;

/** How the label of an entry that shows a saved value as not available begins its suffix: "(Not Available for This Provider)". */
export const NOT_AVAILABLE = '(Not Available for This';
const isNotAvailableEntry = (property: INodeProperties) => property.displayName.includes(NOT_AVAILABLE);

/**
 * Display names of the parameters and options hidden for `provider`. Several entries may share a
 * name: the parameter itself, per group of providers or models, and the entries that show its saved
 * value as not available; it is hidden when none of its own entries shows for the provider.
 * Options named after another provider ("Runware: …") go without saying.
 */
function hiddenFor(properties: INodeProperties[], provider: string): string[] {
	const first = properties.filter((property, i) => properties.findIndex((p) => p.name === property.name) === i);
	return first.flatMap((property) => {
		const entries = properties.filter((p) => p.name === property.name && !isNotAvailableEntry(p));
		const namedAfterProvider = PROVIDERS.some((p) => property.displayName.startsWith(`${p.displayName}:`));
		const own = entries.some((p) => shownFor(p, provider)) || namedAfterProvider ? [] : [entries[0]?.displayName ?? property.displayName];
		const nested = entries.flatMap((p) => (p.type === 'collection' && shownFor(p, provider) ? hiddenFor((p.options ?? []).filter(isProperty), provider) : []));
		return [...own, ...nested];
	});
}

/** The notices to put after `provider`, given the node's other parameters. */
export function providerNotices(providers: readonly ProviderAdapter[], properties: INodeProperties[]): INodeProperties[] {
	return providers.map((provider) => {
		const others = providers.filter((p) => p !== provider).map((p) => p.displayName);
		const models = properties.some((p) => p.name === 'model')
			? EDIT_MODELS.filter((m) => !modelsServedBy(provider).includes(m.value)).map((m) => `Model ${m.name}`)
			: [];
		const missing = [...models, ...hiddenFor(properties, provider.name)];
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
