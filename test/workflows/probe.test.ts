import { shutdownEngine } from '../harness/engine';
import { imageItem, makeImage } from '../harness/workflows';
import { startFake, type FakeServer } from '../fakes';
import { oneNode, run, submits } from './support/engineTest';

let fake: FakeServer;
beforeAll(async () => { fake = await startFake('runware', { jobDurationMs: 20 }); });
afterAll(async () => { await fake.close(); await shutdownEngine(); });
it('probe', async () => {
	const image = await makeImage();
	const result = await run(oneNode('ideogramReplaceBackground', { provider: 'runware', prompt: 'x', options: { colorPalette: 'EMBER', seed: 5 } }, [imageItem(image)]), [fake]);
	console.log(JSON.stringify(result.run.data.resultData.error?.message), submits(fake).length);
});
