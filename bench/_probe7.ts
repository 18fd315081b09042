import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
const { prepareMask, readImageInfo, fitToLimit } = require(path.join(__dirname, '..', 'dist/nodes/shared/mask/index.js'));
const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
const rss = () => process.memoryUsage().rss / 1048576;
(async () => {
  const dir = path.join(os.tmpdir(), 'n8n-ideogram-bench');
  const mask = fs.readFileSync(`${dir}/mask-4096.png`);
  const img = fs.readFileSync(`${dir}/photo-4096.png`);
  const small = fs.readFileSync(`${dir}/mask-256.png`);
  await prepareMask({ imageWidth: 256, imageHeight: 256, mask: small, editColor: 'white', providerEditColor: 'white' });
  (global as any).gc(); (global as any).gc();
  const base = rss(); fs.writeFileSync('/proc/self/clear_refs', '5');
  const what = process.argv[2];
  if (what === 'mask') await prepareMask({ imageWidth: 4096, imageHeight: 4096, mask, editColor: 'white', providerEditColor: 'white' });
  if (what === 'info') await readImageInfo(img);
  if (what === 'fit') { const info = await readImageInfo(img); await fitToLimit({ data: img, info }, { maxBytes: 10 * 1048576 }, true, undefined, 'x'); }
  if (what === 'b64') { const s = `data:image/png;base64,${img.toString('base64')}`; const j = JSON.stringify({ image: s }); console.log(j.length); }
  console.log(what, 'HWM over base', (hwm() - base).toFixed(0), 'MB');
})();
