// Lint: n8n's community-node rules (the current @n8n/eslint-plugin-community-nodes recommended set
// and eslint-plugin-n8n-nodes-base's community, credentials and nodes configs) on the package's
// sources and package.json.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const community = n8nCommunityNodesPlugin.configs.recommended;

export default [
	{ ignores: ['dist/**', 'node_modules/**', '.bench-tmp/**', 'coverage/**', 'demo-output/**', 'test/**', 'bench/**', 'scripts/**', 'examples/**', '*.js', '*.mjs'] },
	{
		files: ['**/*.ts', 'package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	{
		files: ['**/*.ts'],
		plugins: { '@typescript-eslint': tseslint.plugin },
		rules: Object.assign({}, ...tseslint.configs.strict.map((c) => c.rules ?? {})),
	},
	{
		files: ['**/*.ts', 'package.json'],
		plugins: community.plugins,
		rules: {
			...community.rules,
			// The design card requires runtime dependencies (zod, form-data, sharp). n8n Cloud admits
			// no community package with dependencies, so this package is for self-hosted n8n (README).
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
			// Same reason: the rule only allows a fixed list of modules; sharp (pixels), form-data
			// (multipart) and node:crypto are what the design card asks for.
			'@n8n/community-nodes/no-restricted-imports': 'off',
		},
	},
	{ files: ['package.json'], plugins: { 'n8n-nodes-base': n8nNodesBase }, rules: n8nNodesBase.configs.community.rules },
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// The rule says itself it applies only to n8n's main repository (slugs of n8n's own docs);
			// a community credential links to its provider's documentation URL.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// These two predate NodeConnectionTypes and ask for the string 'main'; the current
			// community rules (node-connection-type-literal) ask for NodeConnectionTypes.Main.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
];
