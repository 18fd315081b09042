import { ProviderError, REDACTED, redactDeep, redactSecrets } from '../../../nodes/shared/engine';

const KEY = 'sk-live-9f8e7d6c5b4a3210';

describe('redactSecrets', () => {
	it('masks the key wherever it appears, also URL-encoded', () => {
		const text = `Invalid API key ${KEY} (url https://x.test/?k=${encodeURIComponent(KEY + '/+')})`;
		const out = redactSecrets(text, [KEY + '/+', KEY]);
		expect(out).not.toContain(KEY);
		expect(out).toContain(REDACTED);
	});

	it.each([
		['Authorization: Bearer abcdefghijklmnop', 'Authorization: Bearer [REDACTED]'],
		['authorization=Basic dXNlcjpwYXNz', 'authorization=Basic [REDACTED]'],
		['{"Authorization":"tok_123456789"}', '{"Authorization":"[REDACTED]"}'],
		['Api-Key: 0123456789abcdef', 'Api-Key: [REDACTED]'],
		['{"apiKey":"abc123456"}', '{"apiKey":"[REDACTED]"}'],
		['x-api-key=zzz999999&a=1', 'x-api-key=[REDACTED]&a=1'],
		['sent with bearer eyJhbGciOiJIUzI1NiJ9.payload', 'sent with bearer [REDACTED]'],
	])('masks credential headers and fields without knowing the key: %s', (input, expected) => {
		expect(redactSecrets(input)).toBe(expected);
	});

	it('leaves ordinary text alone', () => {
		const text = 'Authorization failed - please check your credentials (HTTP 401)';
		expect(redactSecrets(text, ['ab', ''])).toBe(text);
	});
});

describe('redactDeep', () => {
	it('copies objects and arrays, masking credential keys and secret values', () => {
		const input = {
			headers: { Authorization: `Bearer ${KEY}`, 'Api-Key': KEY, accept: 'application/json' },
			body: [{ note: `key was ${KEY}` }],
			count: 3,
			data: Buffer.from('bytes'),
		};
		const out = redactDeep(input, [KEY]);
		expect(out.headers).toEqual({ Authorization: REDACTED, 'Api-Key': REDACTED, accept: 'application/json' });
		expect(out.body[0].note).toBe(`key was ${REDACTED}`);
		expect(out.count).toBe(3);
		expect(out.data).toBe(input.data);
		expect(input.headers.Authorization).toContain(KEY); // the original is untouched
	});

	it('redacts an error in place: message, stack, fields and the whole cause chain', () => {
		const root = Object.assign(new Error(`connect failed for key ${KEY}`), {
			config: { headers: { authorization: `Bearer ${KEY}` }, url: 'https://api.test/v1' },
		});
		const middle = new Error('request failed', { cause: root });
		const top = new ProviderError({ provider: 'P', message: `bad key ${KEY}`, cause: middle });
		const out = redactDeep(top, [KEY]);
		expect(out).toBe(top);
		expect(out).toBeInstanceOf(ProviderError);
		expect(JSON.stringify({ m: out.message, s: out.stack })).not.toContain(KEY);
		const cause = (out.cause as Error).cause as Error & { config: { headers: Record<string, string> } };
		expect(cause.message).toBe(`connect failed for key ${REDACTED}`);
		expect(cause.config.headers.authorization).toBe(REDACTED);
		expect(cause.stack).not.toContain(KEY);
		// ProviderError details (own field) are redacted too, and describe() rebuilds from them.
		expect(out.describe()).not.toContain(KEY);
	});

	it('survives cycles', () => {
		const a: Record<string, unknown> = { name: KEY };
		a.self = a;
		const out = redactDeep(a, [KEY]) as Record<string, unknown>;
		expect(out.name).toBe(REDACTED);
		expect(out.self).toBe(out);
	});

	it('reads Headers-like objects (fetch Headers)', () => {
		const headers = new Headers({ authorization: `Bearer ${KEY}`, 'content-type': 'text/plain' });
		expect(redactDeep({ headers }, [KEY]).headers).toEqual({ authorization: REDACTED, 'content-type': 'text/plain' });
	});
});
