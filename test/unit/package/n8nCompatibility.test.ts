/**
 * On an n8n whose n8n-workflow is too old for the nodes (no `NodeConnectionTypes`, before n8n 1.85),
 * a node file stops loading with the package's own message, which n8n logs, instead of a TypeError
 * from its description; on this n8n it loads.
 */
const NODE_FILES = ['IdeogramEdit', 'IdeogramReframe', 'IdeogramReplaceBackground', 'IdeogramPollResult'].map((name) => `../../../nodes/${name}/${name}.node`);

describe('n8n compatibility check', () => {
	afterEach(() => jest.dontMock('n8n-workflow'));

	it.each(NODE_FILES)('%s stops loading with a message that says what to do on an n8n-workflow without NodeConnectionTypes', (file) => {
		jest.isolateModules(() => {
			jest.doMock('n8n-workflow', () => ({ ...jest.requireActual<object>('n8n-workflow'), NodeConnectionTypes: undefined }));
			// Names the package, the versions and what to do.
			expect(() => require(file)).toThrow(
				'n8n-nodes-ideogram-v3 needs n8n 2.41 or newer (tested with 2.41.1 and 2.41.3), and this n8n is older: ' +
					'update n8n, or uninstall the package in Settings > Community nodes.',
			);
		});
	});

	it.each(NODE_FILES)('%s loads on the n8n-workflow the package is built for', (file) => {
		jest.isolateModules(() => {
			const loaded = require(file) as Record<string, new () => { description: { inputs: unknown } }>;
			expect(new (Object.values(loaded)[0])().description.inputs).toEqual(['main']);
		});
	});
});
