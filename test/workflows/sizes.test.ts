/**
 * Reframe to several sizes in one step (`additionalResolutions`): one job per size at the
 * provider, one output item per size and image in a stable order (Resolution first, then the
 * additional sizes as given), each paired to its input item and saying its size; a failed size
 * does not lose the others.
 */
import { imageItem, makeImage } from '../harness/workflows';
import type { JobSnapshot, ProviderName } from '../fakes';
import { checkImageBinary, nodeError, oneNode, run, submits } from './support/engineTest';
import { fakesForFile } from './support/fakes';

const MAIN = '1280x800';
const ADDITIONAL = ['768x1344', '1024x1024'];
const ALL = [MAIN, ...ADDITIONAL];

/** The size a fake job was asked for, read from the provider's own wire form. */
function askedSize(provider: ProviderName, job: JobSnapshot): string {
	const params = job.params as Record<string, unknown>;
	if (provider === 'runware') return `${String(params.width)}x${String(params.height)}`;
	const text = String(params.resolution);
	return provider === 'runComfy' ? text.replace(/^(\d+):(\d+) .*$/, '$1x$2') : text;
}

const PROVIDERS: ProviderName[] = ['runComfy', 'runware', 'ideogram', 'cometApi'];
const fakes = fakesForFile(PROVIDERS, { jobDurationMs: 100 });

const reframe = (provider: ProviderName, extra: Record<string, unknown> = {}) => ({
	provider,
	resolution: MAIN,
	additionalResolutions: ADDITIONAL,
	...extra,
	options: { renderingSpeed: 'TURBO', ...((extra.options as object) ?? {}) },
});

describe.each(PROVIDERS)('%s: three sizes from each of two items', (provider) => {
	it('one job per size, items in order Resolution then the additional sizes, paired, each saying its size', async () => {
		const fake = fakes[provider];
		const items = [imageItem(await makeImage({ color: '#ff0000' })), imageItem(await makeImage({ color: '#00ff00' }))];
		const result = await run(oneNode('ideogramReframe', reframe(provider), items), [fake]);
		const out = result.output('Ideogram');
		expect(result.error('Ideogram')).toBeUndefined();

		expect(out.map((i) => [i.pairedItem, i.json.resolution])).toEqual(
			[0, 1].flatMap((item) => ALL.map((size) => [{ item }, size])),
		);
		for (const item of out) {
			const [width, height] = String(item.json.resolution).split('x').map(Number);
			await checkImageBinary(item, { operation: 'reframe', imageIndex: 0, width, height });
			expect(item.json).toEqual(expect.objectContaining({ provider, operation: 'reframe', status: 'completed' }));
			// Runware (Include Cost is on by default) and Ideogram v2 report a cost; both fakes bill TURBO at 0.03 USD.
			const costed = provider === 'runware' || provider === 'ideogram';
			expect(item.json.cost).toBe(costed ? 0.03 : undefined);
			expect('cost' in item.json).toBe(costed);
		}
		// One job per size and item at the provider, each asking for its own size.
		const jobs = fake.jobs();
		expect(jobs).toHaveLength(6);
		expect(jobs.map((j) => askedSize(provider, j)).sort()).toEqual([...ALL, ...ALL].sort());
		expect(submits(fake).length).toBeGreaterThanOrEqual(provider === 'runware' ? 1 : 6);
		expect(new Set(out.map((i) => i.json.requestId)).size).toBe(6);
	});
});

it('saved workflows without the parameter make one job and one item, as before', async () => {
	const fake = fakes.runComfy;
	const result = await run(oneNode('ideogramReframe', { provider: 'runComfy', resolution: MAIN, options: {} }, [imageItem(await makeImage())]), [fake]);
	expect(result.output('Ideogram').map((i) => i.json.resolution)).toEqual([MAIN]);
	expect(fake.jobs()).toHaveLength(1);
});

it('a size given twice (or the main one again) is made once', async () => {
	const fake = fakes.runComfy;
	const params = reframe('runComfy', { additionalResolutions: '768x1344, 1280x800, 768x1344' });
	const result = await run(oneNode('ideogramReframe', params, [imageItem(await makeImage())]), [fake]);
	expect(result.output('Ideogram').map((i) => i.json.resolution)).toEqual([MAIN, '768x1344']);
	expect(fake.jobs()).toHaveLength(2);
});

it('a size that is not one of the 69 is refused before anything is sent', async () => {
	const fake = fakes.runComfy;
	const result = await run(oneNode('ideogramReframe', reframe('runComfy', { additionalResolutions: '768x1344, 1000x1000' }), [imageItem(await makeImage())]), [fake]);
	expect(nodeError(result).message).toBe('Additional Resolutions has "1000x1000", which is not an Ideogram 3.0 size');
	expect(fake.requests).toHaveLength(0);
});

describe('a failed size', () => {
	async function oneSizeFails(settings?: { onError: 'continueRegularOutput' }) {
		const fake = fakes.runComfy;
		fake.inject({ on: 'any', kind: 'jobFailed' }); // the first job the fake creates fails
		const result = await run(oneNode('ideogramReframe', reframe('runComfy'), [imageItem(await makeImage())], settings), [fake]);
		const jobs = fake.jobs();
		expect(jobs).toHaveLength(3);
		const failedJob = jobs.find((j) => j.status === 'failed')!;
		const completed = jobs.filter((j) => j.status === 'completed');
		expect(completed).toHaveLength(2);
		return { result, failedSize: askedSize('runComfy', failedJob), completed: completed.map((j) => ({ id: j.id, size: askedSize('runComfy', j) })) };
	}

	it('with Continue On Fail: an error item naming the size, in its place next to the sizes that completed', async () => {
		const { result, failedSize, completed } = await oneSizeFails({ onError: 'continueRegularOutput' });
		const out = result.output('Ideogram');
		expect(out).toHaveLength(3);
		const at = ALL.indexOf(failedSize);
		out.forEach((item, n) => {
			expect(item.pairedItem).toEqual({ item: 0 });
			if (n === at) {
				expect(item.json.error).toContain(`Size ${failedSize}`);
				expect(item.json.details).toEqual(expect.objectContaining({ provider: 'runComfy', resolution: failedSize }));
				expect(item.binary).toBeUndefined();
			} else {
				expect(item.json.resolution).toBe(ALL[n]);
				expect(item.binary?.data).toBeDefined();
				expect(completed.map((c) => c.id)).toContain(item.json.requestId);
			}
		});
	});

	it('without Continue On Fail: the error names the size and lists the completed ones with their sizes', async () => {
		const { result, failedSize, completed } = await oneSizeFails();
		const error = nodeError(result);
		expect(error.message).toContain(`Size ${failedSize}`);
		for (const { id, size } of completed) expect(error.description).toContain(`request ${id} (${size})`);
		const finished = (error.context as { finishedItems: Array<{ results: Array<{ requestId: string; resolution: string }> }> }).finishedItems;
		expect(finished[0].results.map((r) => [r.requestId, r.resolution]).sort()).toEqual(completed.map((c) => [c.id, c.size]).sort());
	});
});

it('without waiting, one submitted item per size, each saying its size', async () => {
	const fake = fakes.runware;
	const result = await run(oneNode('ideogramReframe', reframe('runware', { waitForCompletion: false }), [imageItem(await makeImage())]), [fake]);
	const out = result.output('Ideogram');
	expect(out.map((i) => [i.json.status, i.json.resolution])).toEqual(ALL.map((s) => ['submitted', s]));
});
