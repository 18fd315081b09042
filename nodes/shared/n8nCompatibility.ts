/**
 * Imported by each node file before it builds its description: on an n8n too old for the nodes,
 * loading stops here with a message that says so and what to do, which n8n writes to its log (and
 * the Community Nodes install shows), instead of a TypeError from the description.
 *
 * The package declares n8n's node API version 1, which no n8n refuses, so this is the check.
 * `NodeConnectionTypes` (n8n-workflow since n8n 1.85) is the first thing the node files use that
 * an older n8n lacks (docs/n8n.md, "Older n8n").
 */
import * as workflow from 'n8n-workflow';

const TOO_OLD_N8N =
	'n8n-nodes-ideogram-v3 needs n8n 2.41 or newer (tested with 2.41.1 and 2.41.3), and this n8n is older: ' +
	'update n8n, or uninstall the package in Settings > Community nodes.';

if (typeof workflow.NodeConnectionTypes !== 'object') {
	throw new Error(TOO_OLD_N8N);
}
