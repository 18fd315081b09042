/**
 * n8n's own nodes (HTTP Request, Wait, IF, Loop Over Items, No Operation) from the real n8n
 * 2.41.1 install cached by the e2e harness, made runnable by the in-process harness
 * (test/harness/engine.ts), so the hand-built loops and the package run through the same engine.
 *
 * n8n-nodes-base is required from the cache, but the packages that hold shared state or classes
 * (n8n-workflow, n8n-core, @n8n/di, @n8n/config …) resolve to this repository's copies — the same
 * versions — so there is one engine, one DI container and one set of error classes, as in n8n.
 * Bench-only: registers the node types on the harness's package loader under their n8n names.
 */
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import type { INodeType, IVersionedNodeType } from 'n8n-workflow';

import { ensureN8n } from '../../scripts/install-n8n';
import { loadPackage } from '../../test/harness/engine';

const REPO_ROOT = path.resolve(__dirname, '../..');
/** Packages that must exist once per process (shared classes, DI container, config). */
const SHARED = ['n8n-workflow', 'n8n-core', '@n8n/di', '@n8n/config', '@n8n/backend-common', '@n8n/constants', '@n8n/errors'];

const NODES: Record<string, { file: string; className: string }> = {
	'n8n-nodes-base.httpRequest': { file: 'HttpRequest/HttpRequest.node.js', className: 'HttpRequest' },
	'n8n-nodes-base.wait': { file: 'Wait/Wait.node.js', className: 'Wait' },
	'n8n-nodes-base.if': { file: 'If/If.node.js', className: 'If' },
	'n8n-nodes-base.splitInBatches': { file: 'SplitInBatches/SplitInBatches.node.js', className: 'SplitInBatches' },
	'n8n-nodes-base.noOp': { file: 'NoOp/NoOp.node.js', className: 'NoOp' },
};

function redirectSharedPackages(cacheModules: string): void {
	const mod = Module as unknown as {
		_resolveFilename(request: string, parent: { filename?: string } | undefined, ...rest: unknown[]): string;
	};
	const original = mod._resolveFilename;
	const repoParent = { id: __filename, filename: path.join(REPO_ROOT, 'index.js'), paths: [path.join(REPO_ROOT, 'node_modules')] };
	mod._resolveFilename = function (request, parent, ...rest) {
		if (parent?.filename?.startsWith(cacheModules) && SHARED.some((p) => request === p || request.startsWith(`${p}/`))) {
			return original.call(this, request, repoParent as never, ...rest);
		}
		return original.call(this, request, parent, ...rest);
	};
}

/** Where the cached n8n's node_modules are; installs n8n (once, minutes) when missing. */
export async function n8nModulesDir(): Promise<string> {
	const install = await ensureN8n({ log: (msg: string) => process.stderr.write(`[n8n] ${msg}\n`) });
	const dir = path.join(install.dir, 'node_modules');
	if (fs.existsSync(path.join(dir, 'n8n-nodes-base', 'package.json'))) return dir;
	throw new Error(`n8n-nodes-base not found in the cached n8n install at ${install.dir}`);
}

let registered: Promise<string> | undefined;
/** Registers n8n's own nodes with the harness. Returns n8n-nodes-base's version. */
export function registerN8nBaseNodes(): Promise<string> {
	registered ??= (async () => {
		const modules = await n8nModulesDir();
		redirectSharedPackages(modules);
		const loader = await loadPackage();
		const base = path.join(modules, 'n8n-nodes-base');
		for (const [name, { file, className }] of Object.entries(NODES)) {
			const sourcePath = path.join(base, 'dist/nodes', file);
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const NodeClass = (require(sourcePath) as Record<string, new () => INodeType | IVersionedNodeType>)[className];
			(loader.nodeTypes as Record<string, { type: INodeType | IVersionedNodeType; sourcePath: string }>)[name] = {
				type: new NodeClass(),
				sourcePath,
			};
		}
		return (JSON.parse(fs.readFileSync(path.join(base, 'package.json'), 'utf8')) as { version: string }).version;
	})();
	return registered;
}

/** Registers an extra node type (bench-only trigger nodes) with the harness. */
export async function registerNodeType(name: string, type: INodeType): Promise<void> {
	const loader = await loadPackage();
	(loader.nodeTypes as Record<string, { type: INodeType; sourcePath: string }>)[name] = { type, sourcePath: __filename };
}
