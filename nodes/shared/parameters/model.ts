/**
 * Ideogram Edit's Model: Ideogram 3.0 inpainting on every provider, and the Precise Edit models
 * (Ideogram 4.5 and 4.6) on the providers that serve them (`ProviderAccepts.preciseEdit`). The
 * model is a second dimension beside the provider: an option is taken when the provider takes it
 * for the model, and the panel shows each model's fields through the same displayOptions
 * (docs/parameters.md, "Models").
 */
import type { INodeProperties } from 'n8n-workflow';

import { PROVIDERS } from '../providers/registry';
import type { Capability, EditModel, OperationName, PreciseEditAccepts, PreciseEditModel, ProviderAdapter } from '../providers/types';
import { choice, parameter } from './parse';

export const EDIT_MODELS: ReadonlyArray<{ value: EditModel; name: string; description: string }> = [
	{ value: 'ideogram-3', name: 'Ideogram 3.0 (Inpainting)', description: 'Repaints the masked area, with rendering speed and the 3.0 style controls' },
	{ value: 'ideogram-4.5', name: 'Ideogram 4.5 (Precise Edit)', description: 'Changes only what the prompt (and optional mask) asks; every other pixel is kept' },
	{ value: 'ideogram-4.6', name: 'Ideogram 4.6 (Precise Edit)', description: 'Precise Edit with sources up to 8192 px a side' },
];
export const DEFAULT_EDIT_MODEL: EditModel = 'ideogram-3';
const PRECISE_EDIT_MODELS: readonly PreciseEditModel[] = ['ideogram-4.5', 'ideogram-4.6'];

export const modelLabel = (model: EditModel) => EDIT_MODELS.find((m) => m.value === model)?.name ?? model;

const isPreciseEdit = (model: EditModel | undefined): model is PreciseEditModel => model !== undefined && model !== 'ideogram-3';

/** What the provider takes for the Precise Edit model, or undefined when it does not serve it. */
export function preciseEditOf(adapter: ProviderAdapter, model: EditModel): PreciseEditAccepts | undefined {
	return isPreciseEdit(model) ? adapter.accepts.preciseEdit?.[model] : undefined;
}

/** The Edit models the provider serves, in panel order. */
export const modelsServedBy = (adapter: ProviderAdapter): EditModel[] =>
	EDIT_MODELS.map((m) => m.value).filter((model) => model === 'ideogram-3' || preciseEditOf(adapter, model) !== undefined);

/** Whether the provider takes the capability for the operation (and, on Edit, the model). */
export function takesCapability(adapter: ProviderAdapter, capability: Capability, operation: OperationName, model: EditModel = DEFAULT_EDIT_MODEL): boolean {
	if (operation !== 'edit' || !isPreciseEdit(model)) return adapter.accepts.options[operation].includes(capability);
	return preciseEditOf(adapter, model)?.options.includes(capability) ?? false;
}

const MODEL_DESCRIPTION = 'Which Ideogram model edits the image. Each provider serves the models its credential offers.';

/**
 * The Model entries, one per set of providers serving the same models: RunComfy and CometAPI list
 * 3.0 alone, so a Precise Edit model saved before a switch to them is shown as not available
 * (and refused) instead of being dropped.
 */
function modelEntries(): INodeProperties[] {
	const groups = new Map<string, ProviderAdapter[]>();
	for (const p of PROVIDERS) {
		const key = modelsServedBy(p).join(',');
		groups.set(key, [...(groups.get(key) ?? []), p]);
	}
	return [...groups.entries()].map(([key, providers]) => ({
		displayName: 'Model',
		name: 'model',
		type: 'options',
		noDataExpression: true,
		options: EDIT_MODELS.filter((m) => key.split(',').includes(m.value)).map(({ name, value, description }) => ({ name, value, description })),
		default: DEFAULT_EDIT_MODEL,
		description: MODEL_DESCRIPTION,
		displayOptions: { show: { provider: providers.map((p) => p.name) } },
	}));
}

export const MODEL = parameter(modelEntries()[0], choice(EDIT_MODELS.map((m) => m.value)).transform((m) => m ?? DEFAULT_EDIT_MODEL));
export const modelProperties = modelEntries();

/** displayOptions that show a field only for these models. */
const forModels = (models: readonly EditModel[]) => ({ show: { model: [...models] } });
export const PRECISE_ONLY = forModels(PRECISE_EDIT_MODELS);
export const INPAINT_ONLY = forModels(['ideogram-3']);

/** A model the provider does not serve: a reason naming both, or undefined. */
export function modelRefusal(adapter: ProviderAdapter, model: EditModel): { message: string; hint: string } | undefined {
	if (modelsServedBy(adapter).includes(model)) return undefined;
	const serving = PROVIDERS.filter((p) => modelsServedBy(p).includes(model)).map((p) => p.displayName);
	return {
		message: `Model "${model}" (${modelLabel(model)}) is not available on ${adapter.displayName}`,
		hint: `${adapter.displayName} serves ${modelsServedBy(adapter).map(modelLabel).join(', ')}. Choose one of them, or a credential of ${serving.join(' or ')}.`,
	};
}
