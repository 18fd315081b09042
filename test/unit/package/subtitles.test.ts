/**
 * The subtitle under each node's name on the canvas, evaluated as n8n's editor does it
 * (useNodeHelpers getNodeSubtitle: `workflow.expression.getSimpleParameterValue` on the node's
 * `subtitle`, over parameters the `Workflow` has filled with their defaults).
 */
import { Workflow, type INodeParameters, type INodeType, type INodeTypes } from 'n8n-workflow';

import { IdeogramEdit } from '../../../nodes/IdeogramEdit/IdeogramEdit.node';
import { IdeogramPollResult } from '../../../nodes/IdeogramPollResult/IdeogramPollResult.node';
import { IdeogramReframe } from '../../../nodes/IdeogramReframe/IdeogramReframe.node';
import { IdeogramReplaceBackground } from '../../../nodes/IdeogramReplaceBackground/IdeogramReplaceBackground.node';

const NODES: Record<string, INodeType> = {
	ideogramEdit: new IdeogramEdit(),
	ideogramReframe: new IdeogramReframe(),
	ideogramReplaceBackground: new IdeogramReplaceBackground(),
	ideogramPollResult: new IdeogramPollResult(),
};
const nodeTypes: INodeTypes = {
	getByName: (type) => NODES[type],
	getByNameAndVersion: (type) => NODES[type],
	getKnownTypes: () => ({}),
};

function subtitle(type: string, parameters: INodeParameters): unknown {
	const workflow = new Workflow({
		nodes: [{ id: 'node', name: 'Node', type, typeVersion: 1, position: [0, 0], parameters }],
		connections: {},
		active: false,
		nodeTypes,
	});
	return workflow.expression.getSimpleParameterValue(workflow.getNode('Node')!, NODES[type].description.subtitle, 'internal', {});
}

describe('subtitles on the canvas', () => {
	test.each([
		['ideogramEdit', 'runware', 'Runware · Edit'],
		['ideogramReframe', 'cometApi', 'CometAPI · Reframe'],
		['ideogramReplaceBackground', 'ideogram', 'Ideogram · Replace Background'],
	])('%s on %s reads "%s"', (type, provider, expected) => {
		expect(subtitle(type, { provider })).toBe(expected);
	});

	test.each([
		[{}, 'RunComfy · Wait for Result'],
		[{ provider: 'runware', operation: 'getStatus' }, 'Runware · Get Status'],
		[{ provider: 'ideogram', operation: 'cancel' }, 'Ideogram · Cancel'],
	])('Poll Result with %j reads "%s", as the other nodes do', (parameters, expected) => {
		expect(subtitle('ideogramPollResult', parameters)).toBe(expected);
	});
});
