import { benchOverhead } from './overhead';
(async () => {
  const rows = await benchOverhead({ providers: ['runComfy', 'runware', 'cometApi', 'ideogram'], counts: [5, 20], log: console.log });
  console.log(rows);
  process.exit(0);
})();
