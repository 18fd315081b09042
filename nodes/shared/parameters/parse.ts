/**
 * How a value a user or an expression gave becomes a typed one: each kind below is a zod schema
 * that parses n8n's raw value, or refuses it saying what is wrong and how to fix it. A parameter
 * pairs its panel entry (label, name, default) with its schema, so the label in a message is the
 * one the user sees in the panel.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { InputError } from '../inputError';

export type Parser<T> = z.ZodType<T, z.ZodTypeDef, unknown>;

export interface Parameter<T> {
	property: INodeProperties;
	parse: Parser<T>;
}

export const parameter = <T>(property: INodeProperties, parse: Parser<T>): Parameter<T> => ({ property, parse });

/** Refuses the value: `problem` follows the label ("Rendering Speed "FAST" is not …"), `hint` says how to fix it. */
function refuse(ctx: z.RefinementCtx, problem: string, hint: string): typeof z.NEVER {
	ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem, params: { hint } });
	return z.NEVER;
}

/** The value as the user would recognise it in a message. */
export function shown(raw: unknown): string {
	if (typeof raw === 'string') return JSON.stringify(raw);
	if (raw === undefined || typeof raw === 'number' || typeof raw === 'boolean' || raw === null) return String(raw);
	const json = JSON.stringify(raw);
	return json.length > 80 ? `${json.slice(0, 77)}…` : json;
}

/**
 * What an expression makes of nothing: `{{ $json.missing }}` gives undefined, and a template
 * around it gives the text "undefined". None of these is ever meant to reach a provider.
 */
const TEXT_OF_NOTHING = new Set(['undefined', 'null', '[object Object]', 'NaN']);

const isBlank = (raw: unknown) => raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');

/** Text, trimmed; `undefined` when blank and not required. */
export function text(hint: string, required = true): Parser<string | undefined> {
	return z.unknown().transform((raw, ctx) => {
		if (isBlank(raw)) return required ? refuse(ctx, 'is empty', hint) : undefined;
		if (typeof raw !== 'string' && typeof raw !== 'number') return refuse(ctx, `is ${shown(raw)}, not text`, hint);
		const value = String(raw).trim();
		if (TEXT_OF_NOTHING.has(value)) {
			return refuse(ctx, `is ${shown(value)}: the expression found no value`, `${hint} Check that the field the expression reads exists on every item.`);
		}
		return value;
	});
}

/** Required text. */
export const requiredText = (hint: string): Parser<string> =>
	text(hint).transform((value, ctx) => value ?? refuse(ctx, 'is empty', hint));

const HTTP_URL = /^https?:\/\/\S+$/i;

const httpUrl = (hint: string) => (value: string, ctx: z.RefinementCtx) =>
	HTTP_URL.test(value) ? value : refuse(ctx, `${shown(value)} is not an http(s) URL`, `Give a full URL starting with http:// or https://. ${hint}`);

/** An http(s) URL. */
export const url = (hint: string): Parser<string> => requiredText(hint).transform(httpUrl(hint));

/** An http(s) URL, or `undefined` when blank. */
export const optionalUrl = (hint: string): Parser<string | undefined> =>
	text(hint, false).transform((value, ctx) => (value === undefined ? value : httpUrl(hint)(value, ctx)));

/** One of `values` (any letter case, as expressions often give them); `undefined` when blank. */
export function choice<T extends string>(values: readonly T[], hint = ''): Parser<T | undefined> {
	return z.unknown().transform((raw, ctx) => {
		if (isBlank(raw)) return undefined;
		const found = typeof raw === 'string' ? values.find((v) => v.toLowerCase() === raw.trim().toLowerCase()) : undefined;
		if (found === undefined) return refuse(ctx, `${shown(raw)} is not one of the allowed values`, `Use one of: ${values.join(', ')}.${hint ? ` ${hint}` : ''}`);
		return found;
	});
}

/** A whole number from `min` to `max` (numeric text from an expression is accepted); `undefined` when blank. */
export function integer(min: number, max: number, hint = ''): Parser<number | undefined> {
	const range = max === Infinity ? `a whole number of ${min} or more` : `a whole number from ${min} to ${max}`;
	return z.unknown().transform((raw, ctx) => {
		if (isBlank(raw)) return undefined;
		const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
		if (!Number.isInteger(value)) return refuse(ctx, `${shown(raw)} is not a whole number`, `Use ${range}.${hint ? ` ${hint}` : ''}`);
		if (value < min || value > max) return refuse(ctx, `${shown(raw)} is out of range`, `Use ${range}.${hint ? ` ${hint}` : ''}`);
		return value;
	});
}

/** Any finite number (numeric text from an expression is accepted); `undefined` when blank. */
export function decimal(hint: string): Parser<number | undefined> {
	return z.unknown().transform((raw, ctx) => {
		if (isBlank(raw)) return undefined;
		const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
		return Number.isFinite(value) ? value : refuse(ctx, `${shown(raw)} is not a number`, hint);
	});
}

/** true or false (also the texts "true" and "false" an expression may give); `undefined` when blank. */
export function flag(): Parser<boolean | undefined> {
	return z.unknown().transform((raw, ctx) => {
		if (isBlank(raw)) return undefined;
		if (typeof raw === 'boolean') return raw;
		if (raw === 'true' || raw === 'false') return raw === 'true';
		return refuse(ctx, `${shown(raw)} is not true or false`, 'Switch it on or off, or give an expression that results in true or false.');
	});
}

/**
 * A list, from a multi-select or from an expression's comma-separated text. Each entry is parsed
 * by `entry`, which returns the value or what is wrong with it.
 */
export function list<T>(entry: (text: string) => T | { problem: string }, hint: string): Parser<T[]> {
	return z.unknown().transform((raw, ctx) => {
		if (isBlank(raw)) return [];
		const texts = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
		if (!texts) return refuse(ctx, `is ${shown(raw)}, not a list`, hint);
		const values: T[] = [];
		for (const item of texts) {
			const trimmed = typeof item === 'string' || typeof item === 'number' ? String(item).trim() : undefined;
			if (trimmed === '') continue;
			const parsed = trimmed === undefined || TEXT_OF_NOTHING.has(trimmed) ? { problem: `${shown(item)} is not a value` } : entry(trimmed);
			if (isProblem(parsed)) return refuse(ctx, `has ${parsed.problem}`, hint);
			values.push(parsed);
		}
		return values;
	});
}

const isProblem = (value: unknown): value is { problem: string } =>
	typeof value === 'object' && value !== null && Object.keys(value).length === 1 && 'problem' in value;

/** Parses `raw` for the parameter, or throws the InputError naming its label, the value and the fix. */
export function parseValue<T>({ property, parse }: Parameter<T>, raw: unknown): T {
	const result = parse.safeParse(raw);
	if (result.success) return result.data;
	throw inputErrorOf(property, result.error);
}

function inputErrorOf(property: INodeProperties, error: z.ZodError): InputError {
	const issue = error.issues[0];
	const hint: unknown = issue.code === z.ZodIssueCode.custom ? issue.params?.hint : undefined;
	return new InputError(`${property.displayName} ${issue.message}`, typeof hint === 'string' ? hint : '', property.name);
}

/** Reads and parses one of the node's parameters for item `i`. */
export function readParameter<T>(ctx: IExecuteFunctions, i: number, p: Parameter<T>): T {
	return parseValue(p, ctx.getNodeParameter(p.property.name, i, p.property.default));
}
