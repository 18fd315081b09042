import { z } from 'zod';
import { PROVIDERS } from '../../../nodes/shared/providers/registry';
import type { OperationName, ProviderName } from '../../../nodes/shared/providers/types';
import { joinUrl } from '../../../nodes/shared/providers/requests';
import { parseWith, snippet } from '../../../nodes/shared/providers/responses';

describe('registry', () => {
	it('finds every provider by its fixed name', () => {
		const names: ProviderName[] = ['runComfy', 'runware', 'cometApi', 'ideogram'];
		expect(PROVIDERS.map((p) => p.name)).toEqual(names);
	});

	it('pairs each provider with its credential and job model', () => {
		expect(Object.fromEntries(PROVIDERS.map((p) => [p.name, [p.credentialType, p.queued, p.maskConvention]]))).toEqual({
			runComfy: ['runComfyApi', true, 'white'],
			runware: ['runwareApi', true, 'white'],
			cometApi: ['cometApi', false, 'black'],
			ideogram: ['ideogramApi', true, 'black'],
		});
		for (const p of PROVIDERS) {
			expect(p.queued).toBe(typeof p.getState === 'function');
			expect(p.defaultConcurrency).toBeGreaterThan(0);
			for (const op of ['edit', 'reframe', 'replaceBackground'] as OperationName[]) {
				// only Runware takes the Runware-only options
				expect(p.accepts.options[op].includes('runware')).toBe(p.name === 'runware');
			}
		}
	});
});

describe('request and response helpers', () => {
	it('joins base URLs without slash trouble', () => {
		expect(joinUrl('https://a.test', '/v1')).toBe('https://a.test/v1');
		expect(joinUrl('https://a.test/', '/v1')).toBe('https://a.test/v1');
		expect(joinUrl('https://a.test/proxy//', 'v1/x')).toBe('https://a.test/proxy/v1/x');
	});

	it('describes a body that does not fit by field path', () => {
		const schema = z.object({ data: z.array(z.object({ status: z.string(), kind: z.enum(['a', 'b']) })) });
		const where = { provider: 'X', endpoint: 'GET /y' };
		const refusal = (json: unknown) => () => parseWith(schema, { text: JSON.stringify(json), json }, where, 200);
		const said = (issue: string) => `X returned an unexpected response from GET /y: ${issue}`;
		expect(refusal({})).toThrow(said('field `data` is missing'));
		expect(refusal({ data: {} })).toThrow(said('field `data` should be an array, got object'));
		expect(refusal({ data: [{ kind: 'a' }] })).toThrow(said('field `data[0].status` is missing'));
		expect(refusal({ data: [{ status: null, kind: 'a' }] })).toThrow(said('field `data[0].status` is null'));
		expect(refusal({ data: [{ status: 's', kind: 'c' }] })).toThrow(said('field `data[0].kind` is "c", expected one of a, b'));
		expect(refusal([])).toThrow(said('the body should be an object, got array'));
	});

	it('never lets a parse failure escape as a TypeError', () => {
		const where = { provider: 'X', endpoint: 'GET /y' };
		const schema = z.object({ a: z.string() });
		expect(() => parseWith(schema, { text: '', json: undefined }, where, 200)).toThrow(
			'X returned an unexpected response from GET /y: the body is empty',
		);
		expect(() => parseWith(schema, { text: 'null', json: null }, where, 200)).toThrow('GET /y: the body is null');
	});

	it('masks credentials in quoted text', () => {
		expect(snippet('Authorization: Bearer sk-123.abc failed')).toBe('Authorization: Bearer [REDACTED] failed');
		expect(snippet('{"apiKey":"rw-secret"}')).toBe('{"apiKey":"[REDACTED]"}');
		expect(snippet('Api-Key: idg_secret')).toBe('Api-Key: [REDACTED]');
	});
});
