/**
 * Inputs a user or an expression may give that no provider should ever receive, over the four
 * nodes and the four providers: each must be refused before the first request, with a message
 * that names the parameter (as its label reads in the panel). Shared by the engine test and the
 * real n8n CLI test.
 */
import type { IDataObject } from 'n8n-workflow';

import type { NodeName } from '../../harness/workflows';
import type { ProviderName } from '../../fakes';

export interface BadInput {
	name: string;
	node: NodeName;
	provider: ProviderName;
	/** The node's parameters (the case's change on top of a valid base). */
	parameters: IDataObject;
	/** The input item's JSON (what expressions read). */
	json?: IDataObject;
	/** What the error (message and description) must say: the parameter's label, the value where one was given, the fix. */
	says: string[];
}

type Operation = 'edit' | 'reframe' | 'replaceBackground';
const NODE: Record<Operation, NodeName> = { edit: 'ideogramEdit', reframe: 'ideogramReframe', replaceBackground: 'ideogramReplaceBackground' };
const PROVIDERS: ProviderName[] = ['runComfy', 'runware', 'cometApi', 'ideogram'];
const OPERATIONS: Operation[] = ['edit', 'reframe', 'replaceBackground'];

/** A valid node: Edit with a region mask, Reframe to 1280x800, Replace Background. */
export function validParameters(operation: Operation, provider: ProviderName, options: IDataObject = {}): IDataObject {
	const base = { provider, imageSource: 'binary', imageBinaryProperty: 'data', options };
	if (operation === 'edit') {
		return { ...base, prompt: 'a red price tag', maskSource: 'region', maskRegions: { regions: [{ unit: 'percent', x: 10, y: 10, width: 30, height: 30 }] } };
	}
	if (operation === 'reframe') return { ...base, resolution: '1280x800' };
	return { ...base, prompt: 'a beach at sunset' };
}

/** Ideogram's v2 Replace Background takes only a prompt, the image, Number of Images and Rendering Speed. */
const ideogramReplaceBackground = (p: ProviderName, o: Operation) => p === 'ideogram' && o === 'replaceBackground';
const takesSeed = (p: ProviderName, o: Operation) => p !== 'runware' && !ideogramReplaceBackground(p, o);
// Ideogram v2 takes a palette on Reframe only.
const takesPalette = (p: ProviderName, o: Operation) => p !== 'runware' && !(p === 'ideogram' && o !== 'reframe');
const takesMagicPrompt = (p: ProviderName, o: Operation) => (o !== 'reframe' || p === 'runware') && !ideogramReplaceBackground(p, o);
const takesStyles = (p: ProviderName, o: Operation) => !ideogramReplaceBackground(p, o);

function operationCases(operation: Operation, provider: ProviderName): BadInput[] {
	const at = (name: string, change: IDataObject, says: string[], json?: IDataObject): BadInput => ({
		name: `${operation} on ${provider}: ${name}`,
		node: NODE[operation],
		provider,
		parameters: { ...validParameters(operation, provider), ...change },
		json,
		says,
	});
	const option = (name: string, options: IDataObject, says: string[], json?: IDataObject) =>
		at(name, { options: { ...options } }, says, json);
	const cases = [
		option('Rendering Speed from an expression giving FAST', { renderingSpeed: '={{ "FAST" }}' }, ['Rendering Speed', '"FAST"', 'TURBO']),
		option('Number of Images 0', { numImages: 0 }, ['Number of Images', '0', '1 to 8']),
		option('Number of Images 2.5 from an expression', { numImages: '={{ 2.5 }}' }, ['Number of Images', '2.5']),
		option('Timeout -1', { timeout: -1 }, ['Timeout (Seconds)', '-1']),
		option('Concurrency -3', { concurrency: -3 }, ['Concurrency', '-3']),
		option('Max Images Per Execution "lots"', { maxImagesPerExecution: '={{ "lots" }}' }, ['Max Images Per Execution', '"lots"']),
		at('Image URL from an expression that finds nothing', { imageSource: 'url', imageUrl: '={{ $json.url }}' }, ['Image URL']),
		at('Image URL that is not http(s)', { imageSource: 'url', imageUrl: 'ftp://example.com/a.png' }, ['Image URL', 'ftp://example.com/a.png']),
		at('Input Binary Field from an expression that finds nothing', { imageBinaryProperty: '={{ $json.field }}' }, ['Input Binary Field']),
		option('Allow Downscale "maybe"', { allowDownscale: '={{ "maybe" }}' }, ['Allow Downscale', '"maybe"']),
	];
	if (operation !== 'reframe') {
		cases.push(at('Prompt from an expression on a missing field', { prompt: '={{ $json.caption }}' }, ['Prompt'], { title: 'no caption here' }));
		cases.push(at('Prompt of blanks', { prompt: '   ' }, ['Prompt is empty']));
		cases.push(at('Prompt that an expression made "undefined"', { prompt: '={{ String($json.caption) }}' }, ['Prompt', '"undefined"']));
	}
	if (takesStyles(provider, operation)) {
		cases.push(option('Style Preset that is no preset', { stylePreset: '={{ "NOPE" }}' }, ['Style Preset', '"NOPE"']));
		cases.push(option('a style code of 3 characters', { styleCodes: 'XYZ' }, ['Style Codes', '"XYZ"']));
	} else cases.push(option('a saved Style Preset Ideogram takes no longer here', { stylePreset: 'BAUHAUS' }, ['Style Preset', 'Ideogram']));
	if (takesMagicPrompt(provider, operation)) cases.push(option('Magic Prompt MAYBE', { magicPrompt: '={{ "MAYBE" }}' }, ['Magic Prompt', '"MAYBE"']));
	if (takesSeed(provider, operation)) cases.push(option('Seed -5', { seed: -5 }, ['Seed', '-5']));
	else cases.push(option(`a saved Seed ${provider} does not take`, { seed: 7 }, ['Seed', provider === 'runware' ? 'Runware' : 'Ideogram']));
	if (takesPalette(provider, operation)) {
		cases.push(option('Color Palette NEON', { colorPalette: '={{ "NEON" }}' }, ['Color Palette', '"NEON"']));
		cases.push(option('Custom Palette #ZZZ', { customPalette: '#ZZZ' }, ['Custom Palette', '"#ZZZ"']));
		cases.push(option('Custom Colors without colours', { colorPalette: 'CUSTOM' }, ['Custom Palette is empty']));
	} else {
		cases.push(option(`a saved Color Palette ${provider} does not take`, { colorPalette: 'EMBER' }, ['Color Palette', provider === 'runware' ? 'Runware' : 'Ideogram']));
	}
	if (operation === 'edit') {
		cases.push(at('Mask Binary Field from an expression that finds nothing', { maskSource: 'binary', maskBinaryProperty: '={{ $json.m }}' }, ['Mask Binary Field']));
		cases.push(at('Mask URL "nope"', { maskSource: 'url', maskUrl: 'nope' }, ['Mask URL', '"nope"']));
		cases.push(at('no Mask Regions', { maskRegions: { regions: [] } }, ['Mask Regions is empty']));
		cases.push(at('a region Width "wide"', { maskRegions: { regions: [{ unit: 'px', x: 0, y: 0, width: '={{ "wide" }}', height: 10 }] } }, ['Mask Regions: Width', '"wide"']));
		cases.push(at('Mask Edit Color purple', { maskSource: 'binary', maskEditColor: '={{ "purple" }}' }, ['Mask Edit Color', '"purple"']));
		cases.push(option('Mask Threshold 300', { maskThreshold: 300 }, ['Mask Threshold', '300']));
	}
	if (operation === 'reframe') {
		cases.push(at('Resolution 1000x1000 from an expression', { resolution: '={{ "1000x1000" }}' }, ['Resolution', '"1000x1000"']));
		cases.push(at('Additional Resolutions 12x12', { additionalResolutions: '={{ "768x1344, 12x12" }}' }, ['Additional Resolutions', '"12x12"']));
	}
	if (provider === 'runware') {
		cases.push(option('Result URL Lifetime 30 s', { ttl: 30 }, ['Result URL Lifetime', '30']));
		cases.push(option('Webhook URL "later"', { webhookURL: 'later' }, ['Webhook URL', '"later"']));
		cases.push(option('Output Quality 100', { outputQuality: 100 }, ['Output Quality', '100']));
		cases.push(option('two style codes (Runware takes one)', { styleCodes: 'AAFF5733, 0133FF57' }, ['Style Codes', 'Runware takes 1']));
		if (operation === 'replaceBackground')
			cases.push(option('an Edit-only Style Type', { styleType: 'RENDER_3D' }, ['Style Type "RENDER_3D"', 'Edit only', 'choose AUTO, GENERAL, REALISTIC, DESIGN, FICTION']));
	} else {
		cases.push(option('a saved Runware-only Output Format', { outputFormat: 'PNG' }, ['Runware: Output Format', 'not available']));
	}
	if (provider === 'cometApi' && operation === 'edit') {
		cases.push(option('Style Codes with Style Type', { styleCodes: 'AAFF5733', styleType: 'GENERAL' }, ['Style Codes cannot be combined with Style Type']));
		cases.push(option('a Runware-only Style Type', { styleType: 'ANIME' }, ['Style Type', 'ANIME', 'CometAPI']));
	}
	if (provider === 'ideogram' && operation === 'edit') {
		cases.push(option('Style Preset with style codes (Ideogram v2 takes one style control)', { stylePreset: 'BAUHAUS', styleCodes: 'AABBCCDD' }, ['Style Preset']));
	}
	if (provider === 'ideogram' && operation === 'reframe') {
		cases.push(option('Style Preset and Style Codes on Reframe (one style control)', { stylePreset: 'BAUHAUS', styleCodes: 'AABBCCDD' }, ['one style control']));
	}
	if (provider === 'runComfy' && operation === 'edit') {
		cases.push(option('a saved Character Reference Image the panel hides for RunComfy', { characterReferenceImage: 'face' }, ['Character Reference Image Field', 'RunComfy']));
	}
	return cases;
}

/**
 * Ideogram Edit's model dimension: a 3.0-only option on a Precise Edit model and the reverse, Mask
 * Source None on 3.0, too many reference images, a tier a model lacks, a model a provider lacks.
 * Each message names the parameter, the model and the provider.
 */
function modelCases(): BadInput[] {
	const label = { runComfy: 'RunComfy', runware: 'Runware', cometApi: 'CometAPI', ideogram: 'Ideogram' } as const;
	const edit = (provider: ProviderName, name: string, change: IDataObject, says: string[]): BadInput => ({
		name: `edit on ${provider}: ${name}`,
		node: 'ideogramEdit',
		provider,
		parameters: { ...validParameters('edit', provider), ...change },
		says,
	});
	const precise = (provider: ProviderName, model: string, name: string, options: IDataObject, says: string[], change: IDataObject = {}) =>
		edit(provider, `${name} with ${model}`, { model, options, ...change }, says);
	const served = ['ideogram', 'runware'] as const;
	return [
		...served.flatMap((p) => [
			precise(p, 'ideogram-4.6', 'a saved 3.0-only Rendering Speed', { renderingSpeed: 'TURBO' }, ['Rendering Speed', 'Ideogram 4.6', label[p]]),
			precise(p, 'ideogram-4.5', 'a saved 3.0-only Style Preset', { stylePreset: 'BAUHAUS' }, ['Style Preset', 'Ideogram 4.5', label[p]]),
			edit(p, 'Quality on Ideogram 3.0', { options: { quality: 'high' } }, ['Quality', 'Ideogram 3.0', label[p]]),
			edit(p, 'Reference Image Fields on Ideogram 3.0', { options: { referenceImageFields: 'logo' } }, ['Reference Image Fields', 'Ideogram 3.0', label[p]]),
			edit(p, 'Mask Source None on Ideogram 3.0', { maskSource: 'none' }, ['Mask Source', '"none"', 'Ideogram 3.0', label[p]]),
			precise(p, 'ideogram-4.6', '4 reference images and a mask', { referenceImageFields: 'a, b, c, d' }, ['Reference Image Fields', '4', 'Ideogram 4.6', label[p], 'up to 3']),
			precise(p, 'ideogram-4.5', '5 reference images', { referenceImageFields: 'a, b, c, d, e' }, ['Reference Image Fields', '5', 'Ideogram 4.5', label[p], 'up to 4'], { maskSource: 'none' }),
			precise(p, 'ideogram-4.6', 'a tier the model lacks', { quality: '={{ "ultra" }}' }, ['Quality', '"ultra"', 'Ideogram 4.6', label[p], 'very_low']),
			precise(p, 'ideogram-4.6', 'Edit Region Box with Edit Region Whole', { editRegion: 'whole', editRegionBox: { box: { unit: 'px', x: 0, y: 0, width: 300, height: 300 } } }, ['Edit Region Box', 'Edit Region']),
		]),
		precise('runware', 'ideogram-4.5', 'an Edit Region (4.6 only on Runware)', { editRegion: 'auto' }, ['Edit Region', 'Ideogram 4.5', 'Runware']),
		precise('ideogram', 'ideogram-4.6', 'Edit Region Auto without a mask', { editRegion: 'auto' }, ['Edit Region', '"auto"', 'mask', 'Ideogram 4.6', 'Ideogram'], { maskSource: 'none' }),
		precise('runware', 'ideogram-4.6', 'Edit Region Box without a box', { editRegion: 'box' }, ['Edit Region', 'Box', 'Edit Region Box']),
		edit('runComfy', 'Model ideogram-4.6, which RunComfy does not serve', { model: 'ideogram-4.6' }, ['Model', 'ideogram-4.6', 'RunComfy']),
		edit('cometApi', 'Model ideogram-4.5, which CometAPI does not serve', { model: 'ideogram-4.5' }, ['Model', 'ideogram-4.5', 'CometAPI']),
		edit('ideogram', 'Model ideogram-5, which no provider serves', { model: 'ideogram-5' }, ['Model', '"ideogram-5"']),
	];
}

function pollCases(provider: ProviderName): BadInput[] {
	const poll = (name: string, change: IDataObject, says: string[], json: IDataObject = {}): BadInput => ({
		name: `Poll Result on ${provider}: ${name}`,
		node: 'ideogramPollResult',
		provider,
		parameters: { provider, operation: 'waitForResult', requestId: '={{ $json.requestId }}', options: {}, ...change },
		json,
		says,
	});
	return [
		poll('Request ID from an item without one', {}, ['Request ID']),
		poll('Request ID of blanks', { requestId: '  ' }, ['Request ID is empty']),
		poll('Request ID "null" from an expression', { requestId: '={{ String($json.requestId ?? null) }}' }, ['Request ID', '"null"']),
		poll('Timeout 0', { options: { timeout: 0 } }, ['Timeout (Seconds)', '0'], { requestId: 'abc' }),
		poll('On Timeout "never"', { options: { onTimeout: '={{ "never" }}' } }, ['On Timeout', '"never"'], { requestId: 'abc' }),
	];
}

export const BAD_INPUTS: BadInput[] = [
	...PROVIDERS.flatMap((provider) => OPERATIONS.flatMap((operation) => operationCases(operation, provider))),
	...modelCases(),
	...(['runComfy', 'runware'] as const).flatMap(pollCases),
];

/** The cases the real n8n CLI runs too (test/e2e/badInputs.test.ts); the engine test checks each name is in the table. */
export const RUN_IN_REAL_N8N = [
	'edit on runComfy: Prompt from an expression on a missing field',
	'replaceBackground on runComfy: Rendering Speed from an expression giving FAST',
	'replaceBackground on cometApi: Magic Prompt MAYBE',
	'reframe on runComfy: Timeout -1',
	'reframe on runware: Concurrency -3',
	'edit on cometApi: Style Codes with Style Type',
	'edit on runware: a saved Color Palette runware does not take',
	'edit on runComfy: a saved Character Reference Image the panel hides for RunComfy',
	'replaceBackground on runware: a saved Seed runware does not take',
	'reframe on ideogram: Resolution 1000x1000 from an expression',
	'edit on ideogram: Mask URL "nope"',
	'Poll Result on runComfy: Request ID from an item without one',
	'edit on runComfy: Model ideogram-4.6, which RunComfy does not serve',
	'edit on runware: a saved 3.0-only Rendering Speed with ideogram-4.6',
	'edit on ideogram: Mask Source None on Ideogram 3.0',
];
