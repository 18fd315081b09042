import { redactSecrets } from '../../../nodes/shared/engine';

const KEY = 'sk-live-9f8e7d6c5b4a3210';

describe('redactSecrets', () => {
	it('masks the key wherever it appears, also URL-encoded', () => {
		const text = `Invalid API key ${KEY} (url https://x.test/?k=${encodeURIComponent(KEY + '/+')})`;
		const out = redactSecrets(text, [KEY + '/+', KEY]);
		expect(out).not.toContain(KEY);
		expect(out).toContain('[REDACTED]');
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
