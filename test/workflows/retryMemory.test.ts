/**
 * n8n's node-level Retry On Fail with binary data held inline (binary mode `default`): the items
 * that completed on the first try are answered on the second without a new (paid) job, their
 * images downloaded again from their `imageUrl` (the memory keeps no image bytes). Filesystem
 * mode (references kept) is covered in faults.test.ts; that the memory lets go of an execution
 * when it ends, in test/unit/pipeline/completedItems.test.ts.
 */
import { binaryBytes, shutdownEngine } from '../harness/engine';
import { closeFakes, fake, runCase } from './faults.kit';
import { downloads, submits } from './support/engineTest';

// Read when the engine's binary data service starts (at the first run of this file).
const previousMode = process.env.N8N_DEFAULT_BINARY_DATA_MODE;
process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'default';

jest.setTimeout(60_000);

afterAll(async () => {
	if (previousMode === undefined) delete process.env.N8N_DEFAULT_BINARY_DATA_MODE;
	else process.env.N8N_DEFAULT_BINARY_DATA_MODE = previousMode;
	await closeFakes();
	await shutdownEngine();
});

test('a retried item that completed on the first try gets its image again, downloaded, not generated', async () => {
	const f = await fake('runComfy');
	// Items run one after the other: the second item's submit fails once, after the first was sent.
	const arm = setInterval(() => {
		if (submits(f).length >= 1) {
			clearInterval(arm);
			f.inject({ on: 'submit', kind: 'status', status: 400, times: 1 });
		}
	}, 2);
	const r = await runCase(f, {
		provider: 'runComfy',
		items: 2,
		options: { concurrency: 1 },
		settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
	}).finally(() => clearInterval(arm));

	expect(r.error('Ideogram')).toBeUndefined();
	const items = r.output('Ideogram');
	expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	// First try: item 0 (paid), item 1 refused. Second try: item 1 only.
	expect(submits(f)).toHaveLength(3);
	expect(f.paidJobs()).toBe(2);
	const [first, second] = f.jobs();
	// Item 0's image was downloaded on both tries: inline bytes are not remembered.
	expect(downloads(f).filter((d) => d.path === new URL(first.images[0]).pathname)).toHaveLength(2);
	expect(downloads(f)).toHaveLength(3);
	expect(items[0].json).toMatchObject({ requestId: first.id, imageUrl: first.images[0] });
	expect(items[1].json).toMatchObject({ requestId: second.id, imageUrl: second.images[0] });
	for (const item of items) {
		const binary = item.binary!.data;
		expect(binary.id).toBeUndefined();
		expect((await binaryBytes(binary)).subarray(1, 4).toString()).toBe('PNG');
	}
});
