import { shutdownEngine } from '../harness/engine';
import { captureLogs, closeFakes, fake, runCase, seen } from './faults.kit';
test('dbg', async () => {
  const restore = captureLogs();
  const f = await fake('ideogram');
  f.inject({ on: 'submit', kind: 'status', status: 400 });
  await runCase(f, { provider: 'ideogram' });
  restore();
  await closeFakes(); await shutdownEngine();
  console.log(seen.logs.length, seen.logs.slice(0, 20).join('\n').slice(0, 3000));
});
