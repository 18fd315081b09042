/**
 * The package in n8n's queue mode (see cluster.ts): production webhooks on main, executions on two
 * workers, execution and binary data in Postgres (`database` mode, then `filesystem` mode on a
 * shared folder), against the fake providers.
 */
import sharp from 'sharp';

import { failedNodes } from '../examples';
import { PROVIDERS, type Provider } from '../fixtures';
import { outputItems, type RunItem } from '../n8n';
import { ideogramNode, OPERATIONS, runViaWebhook, startCluster, webhookWorkflow, type BinaryMode, type QueueCluster } from './cluster';

let cluster: QueueCluster;
let png: string;

beforeAll(async () => {
	png = (await sharp({ create: { width: 256, height: 192, channels: 3, background: '#3366cc' } }).png().toBuffer()).toString('base64');
	cluster = await startCluster('database');
}, 10 * 60_000);

afterAll(async () => {
	await cluster?.stop();
}, 120_000);

const OPERATION_NAMES = Object.keys(OPERATIONS) as Array<keyof typeof OPERATIONS>;

/** Edit → Reframe → Replace Background on one provider, each on the image the previous one made. */
function pipeline(provider: Provider, mode: BinaryMode) {
	const steps = OPERATION_NAMES.map((name) => ideogramNode(name, OPERATIONS[name][0], provider, OPERATIONS[name][1]));
	return webhookWorkflow(`pipeline-${provider}-${mode}`, steps);
}

async function expectStoredImages(items: RunItem[], mode: BinaryMode): Promise<void> {
	expect(items).toHaveLength(1);
	for (const item of items) {
		const binary = item.binary?.data;
		expect(binary?.mimeType).toMatch(/^image\/(png|jpeg|webp)$/);
		// the item carries a reference to where n8n stored the bytes, not the bytes
		expect(binary?.id).toMatch(mode === 'database' ? /^database:/ : /^filesystem-v2:/);
		// main serves what a worker stored
		const download = await cluster.main.request('GET', `/rest/binary-data?id=${encodeURIComponent(binary!.id as string)}&action=download`);
		expect(download.status).toBe(200);
		expect((await sharp(download.bytes).metadata()).width).toBeGreaterThan(0);
	}
}

describe.each(['database', 'filesystem'] as const)('binary data in %s mode', (mode) => {
	beforeAll(async () => {
		if (cluster.binaryMode !== mode) await cluster.restart(mode);
	}, 5 * 60_000);

	it.each(PROVIDERS)('%s: each operation runs on a worker and returns its images', async (provider) => {
		const paidBefore = cluster.fakes[provider].paidJobs();
		await cluster.activate(pipeline(provider, mode));
		const run = await runViaWebhook(cluster, `pipeline-${provider}-${mode}`, { png });
		expect(failedNodes(run)).toEqual([]);
		expect(run.status).toBe('success');
		expect(cluster.workerOf(run.id)).toBeDefined();
		for (const name of OPERATION_NAMES) {
			const items = outputItems(run, name);
			expect(items.map((i) => i.json)).toEqual([expect.objectContaining({ provider, status: 'completed' })]);
			await expectStoredImages(items, mode);
		}
		expect(cluster.fakes[provider].paidJobs() - paidBefore).toBe(OPERATION_NAMES.length);
	});
});
