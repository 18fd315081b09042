/**
 * The contenders as n8n workflow JSON: the package's node at its default settings, and the loop
 * from n8n's own nodes that BENCHMARKS.md's notes (`batch`) describe, talking to RunComfy's API as
 * its docs show (Bearer header, JSON body with image URLs).
 */
import type { INode, INodeConnections, INodeParameters } from 'n8n-workflow';

import type { WorkflowJson } from '../../test/harness/engine';
import { chain, packageNode } from '../../test/harness/workflows';

export type Operation = 'edit' | 'replaceBackground';

export const PACKAGE_NODE_NAME = 'Ideogram';
export const RUNCOMFY_MODEL: Record<Operation, string> = { edit: 'ideogram/ideogram-v3/edit', replaceBackground: 'ideogram/ideogram-v3/replace-background' };
export const PROMPT = 'on a sunlit marble kitchen counter, soft morning light';

/** The input image's URL, and the mask's for Edit (white marks the area to repaint: RunComfy's convention). */
export interface ItemInputs {
	imageUrl: string;
	maskUrl?: string;
}

const jsonItems = (n: number, inputs: ItemInputs) => Array.from({ length: n }, (_, i) => ({ json: { n: i, imageUrl: inputs.imageUrl, maskUrl: inputs.maskUrl, prompt: PROMPT } }));

/** The package's node at its default settings, images given as URLs like the loops. */
export function packageWorkflow(operation: Operation, provider: string, n: number, inputs: ItemInputs, options: INodeParameters = {}): WorkflowJson {
	const mask = operation === 'edit' ? { maskSource: 'url', maskUrl: '={{ $json.maskUrl }}', maskEditColor: 'white' } : {};
	const parameters = { provider, imageSource: 'url', imageUrl: '={{ $json.imageUrl }}', prompt: '={{ $json.prompt }}', options, ...mask };
	return chain(jsonItems(n, inputs), packageNode(PACKAGE_NODE_NAME, operation === 'edit' ? 'ideogramEdit' : 'ideogramReplaceBackground', parameters));
}

// ───────────── n8n's own nodes ─────────────

let position = 0;
export const node = (name: string, type: string, typeVersion: number, parameters: INodeParameters): INode => ({ id: `${name}-id`, name, type: `n8n-nodes-base.${type}`, typeVersion, position: [(position += 200), 0], parameters });

export function http(name: string, method: 'GET' | 'POST', url: string, apiKey: string | undefined, extra: INodeParameters = {}): INode {
	const auth = apiKey ? { sendHeaders: true, headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${apiKey}` }] } } : {};
	return node(name, 'httpRequest', 4.2, { method, url, ...auth, options: {}, ...extra });
}

/** IF `$json.status` is `completed` (RunComfy's and Ideogram's word for a finished job): true → output 0, false → output 1. */
export function ifCompleted(): INode {
	const condition = { id: 'done', leftValue: '={{ $json.status }}', rightValue: 'completed', operator: { type: 'string', operation: 'equals' } };
	return node('Completed?', 'if', 2.2, { conditions: { options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 }, conditions: [condition], combinator: 'and' }, options: {} });
}

const main = (...outputs: string[][]): INodeConnections => ({ main: outputs.map((targets) => targets.map((node) => ({ node, type: 'main', index: 0 }))) });

/**
 * Start → Submit → Wait → Status → IF → (true) Result → Download; (false) back to Wait. With
 * `oneAtATime`, inside Loop Over Items (batch size 1); else all items in one run (n8n sends an
 * HTTP Request node's items concurrently).
 */
export function loopWorkflow(operation: Operation, baseUrl: string, apiKey: string, n: number, inputs: ItemInputs, oneAtATime = false): WorkflowJson {
	const body = `={{ JSON.stringify({ image: $json.imageUrl, ${operation === 'edit' ? 'mask: $json.maskUrl, ' : ''}prompt: $json.prompt }) }}`;
	const nodes = [
		...chain(jsonItems(n, inputs)).nodes, // Start: the harness's item source
		http('Submit', 'POST', `${baseUrl}/v1/models/${RUNCOMFY_MODEL[operation]}`, apiKey, { sendBody: true, specifyBody: 'json', jsonBody: body }),
		node('Wait', 'wait', 1.1, { resume: 'timeInterval', amount: 5, unit: 'seconds' }),
		http('Get Status', 'GET', `=${baseUrl}/v1/requests/{{ $json.request_id }}/status`, apiKey),
		ifCompleted(),
		http('Get Result', 'GET', `=${baseUrl}/v1/requests/{{ $json.request_id }}/result`, apiKey),
		http('Download Image', 'GET', '={{ $json.output.image }}', undefined, { options: { response: { response: { responseFormat: 'file' } } } }),
	];
	const connections = { Start: main(['Submit']), Submit: main(['Wait']), Wait: main(['Get Status']), 'Get Status': main(['Completed?']), 'Completed?': main(['Get Result'], ['Wait']), 'Get Result': main(['Download Image']) };
	if (!oneAtATime) return { nodes, connections };
	// Loop Over Items v3: output 0 = done, output 1 = the next batch.
	const loop = 'Loop Over Items';
	nodes.push(node(loop, 'splitInBatches', 3, { options: {} }), node('Done', 'noOp', 1, {}));
	return { nodes, connections: { ...connections, Start: main([loop]), [loop]: main(['Done'], ['Submit']), 'Download Image': main([loop]) } };
}
