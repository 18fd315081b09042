/**
 * Ideogram Edit's Model dimension in the node description: for every provider and model exactly one
 * entry of each field and option shows, the option itself where the provider takes it for the model
 * and a "Not Available" entry otherwise (so a saved value is never dropped), and the notice names the
 * models a provider does not serve.
 */
import type { INodeProperties } from 'n8n-workflow';

import { IdeogramEdit } from '../../../nodes/IdeogramEdit/IdeogramEdit.node';
import { IdeogramReframe } from '../../../nodes/IdeogramReframe/IdeogramReframe.node';
import { PROVIDERS } from '../../../nodes/shared/providers/registry';

const MODELS = ['ideogram-3', 'ideogram-4.5', 'ideogram-4.6'];
const edit = new IdeogramEdit().description.properties;

/** Whether a property shows for the provider and model (the only parameters these nodes' displayOptions name). */
function shows(property: INodeProperties, values: Record<string, string>): boolean {
	const show = property.displayOptions?.show ?? {};
	return Object.entries(show).every(([key, allowed]) => {
		const value = values[key.replace(/^\//, '')];
		return value === undefined || (allowed ?? []).includes(value);
	});
}

const options = (properties: INodeProperties[]) => (properties.find((p) => p.name === 'options')!.options ?? []) as INodeProperties[];

function shown(properties: INodeProperties[], provider: string, model: string, maskSource = 'binary') {
	const values = { provider, model, maskSource };
	return { top: properties.filter((p) => shows(p, values)), options: options(properties).filter((p) => shows(p, values)) };
}

describe.each(PROVIDERS.map((p) => p.name))('Ideogram Edit on %s', (provider) => {
	test.each(MODELS)('with %s: one entry per field and option', (model) => {
		const { top, options: opts } = shown(edit, provider, model);
		for (const list of [top, opts]) {
			const names = list.map((p) => p.name);
			expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
		}
		// Every option of the collection has an entry here, taken or shown as not available.
		expect(new Set(opts.map((p) => p.name))).toEqual(new Set(options(edit).map((p) => p.name)));
	});
});

describe('what each model shows', () => {
	const label = (provider: string, model: string, name: string) => shown(edit, provider, model).options.find((p) => p.name === name)?.displayName;

	test.each(['ideogram', 'runware'])('%s: Precise Edit shows Quality and Reference Image Fields; Rendering Speed only as not available', (provider) => {
		for (const model of ['ideogram-4.5', 'ideogram-4.6']) {
			expect(label(provider, model, 'quality')).toBe('Quality');
			expect(label(provider, model, 'referenceImageFields')).toBe('Reference Image Fields');
			expect(label(provider, model, 'renderingSpeed')).toBe('Rendering Speed (Not Available for This Model)');
			expect(label(provider, model, 'stylePreset')).toBe('Style Preset (Not Available for This Model)');
		}
		expect(label(provider, 'ideogram-3', 'renderingSpeed')).toBe('Rendering Speed');
		expect(label(provider, 'ideogram-3', 'quality')).toBe('Quality (Not Available for This Model)');
	});

	test('Edit Region: Ideogram for 4.5 and 4.6, Runware for 4.6 only', () => {
		expect(label('ideogram', 'ideogram-4.5', 'editRegion')).toBe('Edit Region');
		expect(label('runware', 'ideogram-4.6', 'editRegion')).toBe('Edit Region');
		expect(label('runware', 'ideogram-4.5', 'editRegion')).toBe('Edit Region (Not Available for This Model)');
	});

	test('Model lists the Precise Edit models only for Ideogram and Runware; Mask Source None only for them', () => {
		const modelValues = (provider: string) =>
			shown(edit, provider, 'ideogram-3').top.find((p) => p.name === 'model')!.options!.map((o) => ('value' in o ? o.value : undefined));
		expect(modelValues('ideogram')).toEqual(MODELS);
		expect(modelValues('runware')).toEqual(MODELS);
		expect(modelValues('runComfy')).toEqual(['ideogram-3']);
		expect(modelValues('cometApi')).toEqual(['ideogram-3']);
		const maskSources = (model: string) => shown(edit, 'ideogram', model).top.find((p) => p.name === 'maskSource')!.options!.map((o) => ('value' in o ? o.value : undefined));
		expect(maskSources('ideogram-3')).toEqual(['binary', 'url', 'region']);
		expect(maskSources('ideogram-4.6')).toEqual(['binary', 'url', 'region', 'none']);
	});

	test("the provider notice names the models RunComfy does not serve, and not Ideogram's", () => {
		const notice = (provider: string) => edit.find((p) => p.name === 'providerNotice' && shows(p, { provider }))!.displayName;
		expect(notice('runComfy')).toContain('Model Ideogram 4.5 (Precise Edit), Model Ideogram 4.6 (Precise Edit)');
		expect(notice('ideogram')).not.toContain('Model');
		expect(notice('ideogram')).not.toContain('Quality');
		expect(notice('runComfy')).toContain('Quality');
	});

	test('Reframe has no Model and none of the Precise Edit options', () => {
		const reframe = new IdeogramReframe().description.properties;
		expect(reframe.some((p) => p.name === 'model')).toBe(false);
		expect(options(reframe).some((p) => ['quality', 'referenceImageFields', 'editRegion'].includes(p.name))).toBe(false);
		expect(JSON.stringify(reframe)).not.toContain('/model');
	});
});
