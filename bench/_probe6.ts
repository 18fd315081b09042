import { spawn } from 'node:child_process';
import path from 'node:path';
import os from 'node:os';
import { startFake } from '../test/fakes';
(async () => {
  const provider = (process.env.P ?? 'runComfy') as 'runComfy';
  const side = process.env.SIDE ?? '4096';
  const fake = await startFake(provider, { jobDurationMs: 200, recordBodies: false });
  const dir = path.join(os.tmpdir(), 'n8n-ideogram-bench');
  const input = { provider, fakeUrl: fake.url, apiKey: fake.apiKey, image: `${dir}/photo-${side}.png`, mask: `${dir}/mask-${side}.png`, warmImage: `${dir}/photo-256.png`, warmMask: `${dir}/mask-256.png` };
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/memoryChild.ts', JSON.stringify(input)], { stdio: 'inherit', env: { ...process.env, BENCH_MEMORY_TRACE: '1' } });
  child.on('close', async () => { await fake.close(); process.exit(0); });
})();
