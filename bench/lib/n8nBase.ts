/**
 * n8n's own nodes (HTTP Request, Wait, IF, Loop Over Items, No Operation) from the real n8n
 * 2.41.1 install cached by the e2e harness, registered under their n8n names on the in-process
 * harness's package loader (test/harness/engine.ts), so the loops and the package run through the
 * same engine. n8n-nodes-base is required from the cache, but the packages that hold shared state
 * or classes resolve to this repository's copies (the same versions): one engine, one DI container
 * and one set of error classes, as in n8n.
 */
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import type { INodeType, IVersionedNodeType } from 'n8n-workflow';

import { ensureN8n } from '../../scripts/install-n8n';
import { loadPackage } from '../../test/harness/engine';
import { REPO_ROOT } from './common';

const SHARED = ['n8n-workflow', 'n8n-core', '@n8n/di', '@n8n/config', '@n8n/backend-common', '@n8n/constants', '@n8n/errors'];
const NODES = { httpRequest: 'HttpRequest/HttpRequest', wait: 'Wait/Wait', if: 'If/If', splitInBatches: 'SplitInBatches/SplitInBatches', noOp: 'NoOp/NoOp' };

type Resolve = (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;

/** Registers a node type with the harness's loader (n8n's own, or a bench-only one). */
export async function registerNodeType(name: string, type: INodeType | IVersionedNodeType, sourcePath = __filename): Promise<void> {
	const loader = await loadPackage();
	(loader.nodeTypes as Record<string, { type: INodeType | IVersionedNodeType; sourcePath: string }>)[name] = { type, sourcePath };
}

let registered: Promise<string> | undefined;
/** Registers n8n's own nodes with the harness (installing n8n once, minutes, when missing). Returns n8n-nodes-base's version. */
export function registerN8nBaseNodes(): Promise<string> {
	registered ??= (async () => {
		const install = await ensureN8n({ log: (msg: string) => process.stderr.write(`[n8n] ${msg}\n`) });
		const modules = path.join(install.dir, 'node_modules');
		const base = path.join(modules, 'n8n-nodes-base');
		if (!fs.existsSync(path.join(base, 'package.json'))) throw new Error(`n8n-nodes-base not found in the cached n8n install at ${install.dir}`);
		const mod = Module as unknown as { _resolveFilename: Resolve };
		const original = mod._resolveFilename;
		const repoParent = { id: __filename, filename: path.join(REPO_ROOT, 'index.js'), paths: [path.join(REPO_ROOT, 'node_modules')] };
		mod._resolveFilename = function (request, parent, ...rest) {
			const shared = parent?.filename?.startsWith(modules) && SHARED.some((p) => request === p || request.startsWith(`${p}/`));
			return original.call(this, request, shared ? (repoParent as never) : parent, ...rest);
		};
		for (const [name, file] of Object.entries(NODES)) {
			const sourcePath = path.join(base, 'dist/nodes', `${file}.node.js`);
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const NodeClass = (require(sourcePath) as Record<string, new () => INodeType | IVersionedNodeType>)[path.basename(file)];
			await registerNodeType(`n8n-nodes-base.${name}`, new NodeClass(), sourcePath);
		}
		return (JSON.parse(fs.readFileSync(path.join(base, 'package.json'), 'utf8')) as { version: string }).version;
	})();
	return registered;
}
