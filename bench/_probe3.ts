import path from 'node:path';
import { runWorkflow } from '../test/harness/engine';
import { imageItem, makeImage, singleNode } from '../test/harness/workflows';
import { startFake } from '../test/fakes';
import { credentialsFor } from './lib/common';
const dist = (p: string) => require(path.join(__dirname, '..', 'dist/nodes/shared', p));
const totals: Record<string, number> = {};
function wrap(mod: any, name: string, label = name) {
  const orig = mod[name];
  mod[name] = async function (...args: unknown[]) { const t = performance.now(); try { return await orig.apply(this, args); } finally { totals[label] = (totals[label] ?? 0) + performance.now() - t; } };
}
(async () => {
  const image = await makeImage({ width: 256, height: 192 });
  const provider = (process.env.P ?? 'ideogram') as 'ideogram';
  const fake = await startFake(provider, { jobDurationMs: 0 });
  const wf = (n: number) => singleNode('ideogramReplaceBackground', { provider, imageSource: 'binary', prompt: 'x', options: { concurrency: 1, ...(process.env.NODL ? { downloadImages: false } : {}) } }, Array.from({ length: n }, () => imageItem(image)));
  await runWorkflow(wf(3), { credentials: credentialsFor(fake) });
  wrap(dist('pipeline/inputs.js'), 'loadInputs'); wrap(dist('pipeline/jobs.js'), 'submitJob'); wrap(dist('pipeline/jobs.js'), 'waitForJob'); wrap(dist('pipeline/outputs.js'), 'buildImageItems');
  wrap(dist('mask/imageInfo.js'), 'readImageInfo'); wrap(dist('engine/download.js'), 'downloadImage');
  const tr = dist('engine/n8nTransport.js'); const orig = tr.createN8nTransport;
  tr.createN8nTransport = (...a: any[]) => { const t = orig(...a); return async (...b: any[]) => { const s = performance.now(); try { return await t(...b); } finally { totals['transport ' + b[0].method] = (totals['transport ' + b[0].method] ?? 0) + performance.now() - s; } }; };
  const { BinaryDataService } = require('n8n-core'); for (const m of ['store', 'getAsBuffer']) { const o = BinaryDataService.prototype[m]; BinaryDataService.prototype[m] = async function (...a: any[]) { const s = performance.now(); try { return await o.apply(this, a); } finally { totals['binary.' + m] = (totals['binary.' + m] ?? 0) + performance.now() - s; } }; }
  const n = 40;
  const r = await runWorkflow(wf(n), { credentials: credentialsFor(fake) });
  console.log('node ms/item', (r.run.data.resultData.runData['Ideogram'][0].executionTime / n).toFixed(1));
  for (const [k, v] of Object.entries(totals)) console.log(k.padEnd(24), (v / n).toFixed(2));
  await fake.close(); process.exit(0);
})();
