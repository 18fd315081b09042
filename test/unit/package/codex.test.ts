import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const nodesDir = path.join(__dirname, '../../../nodes');
const codex = (name: string) =>
	JSON.parse(readFileSync(path.join(nodesDir, name, `${name}.node.json`), 'utf8')) as {
		categories: string[];
		subcategories: Record<string, string[]>;
		alias: string[];
	};
const nodeNames = readdirSync(nodesDir).filter((d) => d.startsWith('Ideogram'));

describe('codex files (what the node creator searches)', () => {
	it('covers all four nodes', () => {
		expect(nodeNames.sort()).toEqual([
			'IdeogramEdit',
			'IdeogramPollResult',
			'IdeogramReframe',
			'IdeogramReplaceBackground',
		]);
	});

	// Outside its AI view, n8n's node creator drops nodes in the AI category whose
	// subcategories.AI lack "Root Nodes" (editor-ui useViewStacks.ts, filterOutAiNodes),
	// so typing "Ideogram" after a node's + would find nothing.
	it.each(nodeNames)('%s is an AI root node, so search finds it outside the AI view', (name) => {
		const c = codex(name);
		expect(c.categories).toContain('AI');
		expect(c.subcategories.AI).toContain('Root Nodes');
		expect(c.subcategories.AI).not.toContain('Tools');
	});

	it('aliases cover what users type for these edits', () => {
		const all = nodeNames.flatMap((n) => codex(n).alias.map((a) => a.toLowerCase()));
		for (const word of ['inpaint', 'outpaint', 'extend', 'background', 'banner', 'resize', 'mask', 'image edit']) {
			expect(all).toContain(word);
		}
		expect(codex('IdeogramEdit').alias).toEqual(expect.arrayContaining(['Inpaint', 'Mask', 'Image edit']));
		expect(codex('IdeogramReframe').alias).toEqual(
			expect.arrayContaining(['Outpaint', 'Extend', 'Resize', 'Banner']),
		);
		expect(codex('IdeogramReplaceBackground').alias).toContain('Background');
	});
});
