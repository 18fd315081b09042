/**
 * RunComfy makes one job per image, so "Number of Images: 3" is three paid jobs for one item.
 * When one of them fails, the other two still finish and are reported (not thrown away): in the
 * node's error without Continue On Fail, and in the error item's details with it.
 */
import { imageItem, makeImage } from '../harness/workflows';
import { nodeError, oneNode, run } from './support/engineTest';
import { fakeForFile } from './support/fakes';

const fake = fakeForFile('runComfy', { jobDurationMs: 150 });

async function threeImagesOneFailing(settings?: { onError: 'continueRegularOutput' }) {
	fake.inject({ on: 'any', kind: 'jobFailed' }); // the first job created fails
	const parameters = { provider: 'runComfy', prompt: 'a beach', options: { numImages: 3, seed: 7 } };
	const result = await run(oneNode('ideogramReplaceBackground', parameters, [imageItem(await makeImage())], settings), [fake]);
	const jobs = fake.jobs();
	expect(jobs).toHaveLength(3);
	const completed = jobs.filter((j) => j.status === 'completed').map((j) => j.id);
	expect(completed).toHaveLength(2);
	return { result, completed };
}

it('without Continue On Fail, the error lists the jobs of the item that completed', async () => {
	const { result, completed } = await threeImagesOneFailing();
	const error = nodeError(result);
	for (const id of completed) expect(error.description).toContain(id);
	const finished = (error.context as { finishedItems: Array<{ itemIndex: number; results: Array<{ requestId: string; imageUrl?: string }> }> }).finishedItems;
	expect(finished).toHaveLength(1);
	expect(finished[0].itemIndex).toBe(0);
	expect(finished[0].results.map((r) => r.requestId).sort()).toEqual([...completed].sort());
	expect(finished[0].results.every((r) => r.imageUrl?.startsWith(fake.url))).toBe(true);
});

it('with Continue On Fail, the error item names the completed jobs', async () => {
	const { result, completed } = await threeImagesOneFailing({ onError: 'continueRegularOutput' });
	const [item] = result.output('Ideogram');
	expect(item.json.error).toEqual(expect.any(String));
	expect(((item.json.details as { completedRequestIds: string[] }).completedRequestIds ?? []).sort()).toEqual([...completed].sort());
});
