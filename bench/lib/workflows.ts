/**
 * The contenders as n8n workflow JSON:
 * - the package's node at its default settings;
 * - the loop the tutorials teach, from n8n's own nodes, with all items in one run:
 *   HTTP Request (submit) → Wait 5 s → HTTP Request (status) → IF completed → HTTP Request (result)
 *   → HTTP Request (download the image as a file); IF false → back to Wait;
 * - the same loop wrapped in Loop Over Items (batch size 1), one item at a time.
 * The loops talk to RunComfy's API as its docs show (Bearer header, JSON body with image URLs).
 */
import type { INode, INodeConnections, INodeParameters } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { WorkflowJson } from '../../test/harness/engine';
import { chain, packageNode, type NodeName } from '../../test/harness/workflows';

export type Operation = 'edit' | 'replaceBackground';

export const PACKAGE_NODE_NAME = 'Ideogram';

export const NODE_TYPE_OF: Record<Operation, NodeName> = {
	edit: 'ideogramEdit',
	replaceBackground: 'ideogramReplaceBackground',
};

export const RUNCOMFY_MODEL: Record<Operation, string> = {
	edit: 'ideogram/ideogram-v3/edit',
	replaceBackground: 'ideogram/ideogram-v3/replace-background',
};

export const PROMPT = 'on a sunlit marble kitchen counter, soft morning light';

export interface ItemInputs {
	imageUrl: string;
	/** Edit only; in RunComfy's convention (white marks the area to repaint). */
	maskUrl?: string;
}

/** Items for the Start node: the inputs as JSON fields (the loops read them with expressions). */
export function jsonItems(n: number, inputs: ItemInputs) {
	return Array.from({ length: n }, (_, i) => ({ json: { n: i, imageUrl: inputs.imageUrl, maskUrl: inputs.maskUrl, prompt: PROMPT } }));
}

/** The package's node at its default settings (no options), images given as URLs like the loops. */
export function packageWorkflow(
	operation: Operation,
	provider: string,
	n: number,
	inputs: ItemInputs,
	options: INodeParameters = {},
): WorkflowJson {
	const parameters: INodeParameters = {
		provider,
		imageSource: 'url',
		imageUrl: '={{ $json.imageUrl }}',
		prompt: '={{ $json.prompt }}',
		options,
	};
	if (operation === 'edit') {
		Object.assign(parameters, { maskSource: 'url', maskUrl: '={{ $json.maskUrl }}', maskEditColor: 'white' });
	}
	return chain(jsonItems(n, inputs), packageNode(PACKAGE_NODE_NAME, NODE_TYPE_OF[operation], parameters));
}

// ───────────── n8n's own nodes ─────────────

let position = 0;
export function node(name: string, type: string, typeVersion: number, parameters: INodeParameters): INode {
	position += 200;
	return { id: `${name}-id`, name, type: `n8n-nodes-base.${type}`, typeVersion, position: [position, 0], parameters };
}

export function http(name: string, method: 'GET' | 'POST', url: string, apiKey: string | undefined, extra: INodeParameters = {}): INode {
	return node(name, 'httpRequest', 4.2, {
		method,
		url,
		...(apiKey
			? { sendHeaders: true, headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${apiKey}` }] } }
			: {}),
		options: {},
		...extra,
	});
}

const main = (...targets: Array<Array<{ node: string; index?: number }>>): INodeConnections => ({
	main: targets.map((outputs) => outputs.map((t) => ({ node: t.node, type: NodeConnectionTypes.Main, index: t.index ?? 0 }))),
});

/** IF `$json.status` is `completed` (RunComfy's and Ideogram's word for a finished job): true → output 0, false → output 1. */
export function ifCompleted(): INode {
	return node('Completed?', 'if', 2.2, {
		conditions: {
			options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
			conditions: [{ id: 'done', leftValue: '={{ $json.status }}', rightValue: 'completed', operator: { type: 'string', operation: 'equals' } }],
			combinator: 'and',
		},
		options: {},
	});
}

interface LoopNodes {
	submit: INode;
	wait: INode;
	status: INode;
	isDone: INode;
	result: INode;
	download: INode;
}

function loopNodes(operation: Operation, baseUrl: string, apiKey: string, waitSeconds: number): LoopNodes {
	const body =
		operation === 'edit'
			? '={{ JSON.stringify({ image: $json.imageUrl, mask: $json.maskUrl, prompt: $json.prompt }) }}'
			: '={{ JSON.stringify({ image: $json.imageUrl, prompt: $json.prompt }) }}';
	return {
		submit: http('Submit', 'POST', `${baseUrl}/v1/models/${RUNCOMFY_MODEL[operation]}`, apiKey, {
			sendBody: true,
			specifyBody: 'json',
			jsonBody: body,
		}),
		wait: node('Wait', 'wait', 1.1, { resume: 'timeInterval', amount: waitSeconds, unit: 'seconds' }),
		status: http('Get Status', 'GET', `=${baseUrl}/v1/requests/{{ $json.request_id }}/status`, apiKey),
		isDone: ifCompleted(),
		result: http('Get Result', 'GET', `=${baseUrl}/v1/requests/{{ $json.request_id }}/result`, apiKey),
		download: http('Download Image', 'GET', '={{ $json.output.image }}', undefined, {
			options: { response: { response: { responseFormat: 'file' } } },
		}),
	};
}

function start(items: unknown[]): INode {
	return { id: 'start-id', name: 'Start', type: 'test.items', typeVersion: 1, position: [0, 0], parameters: { items: JSON.stringify(items) } };
}

/** Submit → Wait → Status → IF → (true) Result → Download; (false) back to Wait. All items in one run. */
export function allItemsLoop(operation: Operation, baseUrl: string, apiKey: string, n: number, inputs: ItemInputs, waitSeconds = 5): WorkflowJson {
	const l = loopNodes(operation, baseUrl, apiKey, waitSeconds);
	return {
		nodes: [start(jsonItems(n, inputs)), l.submit, l.wait, l.status, l.isDone, l.result, l.download],
		connections: {
			Start: main([{ node: l.submit.name }]),
			[l.submit.name]: main([{ node: l.wait.name }]),
			[l.wait.name]: main([{ node: l.status.name }]),
			[l.status.name]: main([{ node: l.isDone.name }]),
			[l.isDone.name]: main([{ node: l.result.name }], [{ node: l.wait.name }]),
			[l.result.name]: main([{ node: l.download.name }]),
		},
	};
}

/** The same loop inside Loop Over Items (batch size 1): one item at a time. */
export function oneAtATimeLoop(operation: Operation, baseUrl: string, apiKey: string, n: number, inputs: ItemInputs, waitSeconds = 5): WorkflowJson {
	const l = loopNodes(operation, baseUrl, apiKey, waitSeconds);
	const loop = node('Loop Over Items', 'splitInBatches', 3, { options: {} });
	const done = node('Done', 'noOp', 1, {});
	return {
		nodes: [start(jsonItems(n, inputs)), loop, done, l.submit, l.wait, l.status, l.isDone, l.result, l.download],
		connections: {
			Start: main([{ node: loop.name }]),
			// Loop Over Items v3: output 0 = done, output 1 = the next batch.
			[loop.name]: main([{ node: done.name }], [{ node: l.submit.name }]),
			[l.submit.name]: main([{ node: l.wait.name }]),
			[l.wait.name]: main([{ node: l.status.name }]),
			[l.status.name]: main([{ node: l.isDone.name }]),
			[l.isDone.name]: main([{ node: l.result.name }], [{ node: l.wait.name }]),
			[l.result.name]: main([{ node: l.download.name }]),
			[l.download.name]: main([{ node: loop.name }]),
		},
	};
}
