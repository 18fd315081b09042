import { isAbortError, linkedSignal, raceAbort, settle, systemClock } from '../../../nodes/shared/engine';
import { FakeClock } from './fakeClock';

describe('systemClock', () => {
	it('sleep rejects at once with an AbortError when the signal aborts', async () => {
		const controller = new AbortController();
		const started = Date.now();
		const pending = systemClock.sleep(60_000, controller.signal).catch((e: unknown) => e);
		controller.abort();
		const error = await pending;
		expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', message: 'The operation was aborted because the execution was stopped' });
		expect(Date.now() - started).toBeLessThan(1_000);
	});

	it('sleep with an already aborted signal rejects without waiting', async () => {
		const controller = new AbortController();
		controller.abort();
		expect(isAbortError(await systemClock.sleep(60_000, controller.signal).catch((e: unknown) => e))).toBe(true);
	});

	it('sleeps for real otherwise', async () => {
		const started = Date.now();
		await systemClock.sleep(20);
		expect(Date.now() - started).toBeGreaterThanOrEqual(15);
	});
});

describe('helpers', () => {
	it('raceAbort: the signal wins over a promise that never settles', async () => {
		const controller = new AbortController();
		const pending = raceAbort(new Promise<never>(() => undefined), controller.signal).catch((e: unknown) => e);
		controller.abort();
		expect(isAbortError(await pending)).toBe(true);
	});

	it('settle: outcomes as values', async () => {
		expect(await settle(Promise.resolve(1))).toEqual({ ok: true, value: 1 });
		const boom = new Error('x');
		expect(await settle(Promise.reject(boom))).toEqual({ ok: false, error: boom });
	});

	it('linkedSignal: aborts with a parent or at its timeout, and stops its timer when disposed', async () => {
		const clock = new FakeClock();
		const parent = new AbortController();
		const a = linkedSignal(clock, [parent.signal], 1_000, () => 'late');
		await clock.advance(999);
		expect(a.signal.aborted).toBe(false);
		await clock.advance(1);
		expect(a.signal.aborted).toBe(true);
		expect(a.timedOut()).toBe(true);
		expect(a.signal.reason).toBe('late');

		const b = linkedSignal(clock, [parent.signal], 1_000);
		parent.abort('stop');
		expect(b.signal.aborted).toBe(true);
		expect(b.timedOut()).toBe(false);
		b.dispose();

		const c = linkedSignal(clock, [], 1_000);
		c.dispose();
		await clock.advance(5_000);
		expect(c.signal.aborted).toBe(false);
		expect(clock.pending).toBe(0);
	});
});
