/** Builders for the workflow JSON the engine tests run (the same shape n8n saves). */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import { PACKAGE_NAME, TEST_ITEMS_NODE, testBinary, type TestItem, type WorkflowJson } from './engine';

export type NodeName = 'ideogramEdit' | 'ideogramReframe' | 'ideogramReplaceBackground' | 'ideogramPollResult';

export interface NodeSettings {
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
}

type Provider = 'runComfy' | 'runware' | 'cometApi' | 'ideogram';

/** Each provider's credential type (the fixed public names of docs/interface.md). */
export const CREDENTIAL_TYPE: Record<Provider, string> = {
	runComfy: 'runComfyApi',
	runware: 'runwareApi',
	cometApi: 'cometApi',
	ideogram: 'ideogramApi',
};

/** Each provider as users read it (in messages and reports). */
export const PROVIDER_LABEL: Record<Provider, string> = {
	runComfy: 'RunComfy',
	runware: 'Runware',
	cometApi: 'CometAPI',
	ideogram: 'Ideogram',
};

export function packageNode(name: string, type: NodeName, parameters: INodeParameters, settings: NodeSettings = {}): INode {
	const provider = String(parameters.provider ?? 'runComfy') as Provider;
	const credentialType = CREDENTIAL_TYPE[provider];
	return {
		id: `${name}-id`,
		name,
		type: `${PACKAGE_NAME}.${type}`,
		typeVersion: 1,
		position: [200, 0],
		parameters,
		credentials: { [credentialType]: { id: `${provider}-cred`, name: `${provider} test` } },
		...settings,
	} as INode;
}

/** Start (test items) → the given nodes in a chain. */
export function chain(items: TestItem[], ...nodes: INode[]): WorkflowJson {
	const start: INode = {
		id: 'start-id',
		name: 'Start',
		type: TEST_ITEMS_NODE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { items: JSON.stringify(items) },
	};
	const all = [start, ...nodes];
	const connections: WorkflowJson['connections'] = {};
	for (let i = 0; i < all.length - 1; i++) {
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { nodes: all, connections };
}

/** A single package node fed by `items`. */
export function singleNode(type: NodeName, parameters: INodeParameters, items: TestItem[], settings?: NodeSettings) {
	return chain(items, packageNode('Ideogram', type, parameters, settings));
}

export interface TestImageOptions {
	width?: number;
	height?: number;
	format?: 'png' | 'jpeg' | 'webp';
	color?: string;
}

export async function makeImage({ width = 256, height = 192, format = 'png', color = '#3366cc' }: TestImageOptions = {}) {
	return await sharp({ create: { width, height, channels: 3, background: color } })
		.toFormat(format)
		.toBuffer();
}

/** A mask that is `editColor` inside the rectangle and the other colour elsewhere. */
export async function makeMask(
	width: number,
	height: number,
	rect: { left: number; top: number; width: number; height: number },
	editColor: 'black' | 'white' = 'black',
) {
	const keep = editColor === 'black' ? 255 : 0;
	const edit = 255 - keep;
	const patch = await sharp({ create: { width: rect.width, height: rect.height, channels: 3, background: { r: edit, g: edit, b: edit } } })
		.png()
		.toBuffer();
	return await sharp({ create: { width, height, channels: 3, background: { r: keep, g: keep, b: keep } } })
		.composite([{ input: patch, left: rect.left, top: rect.top }])
		.png()
		.toBuffer();
}

export function imageItem(image: Buffer, extra: { json?: IDataObject; mask?: Buffer; mimeType?: string } = {}): TestItem {
	const binary: TestItem['binary'] = { data: testBinary(image, 'photo.png', extra.mimeType ?? 'image/png') };
	if (extra.mask) binary.mask = testBinary(extra.mask, 'mask.png', 'image/png');
	return { json: extra.json ?? {}, binary };
}
