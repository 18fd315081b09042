/**
 * Checks on a JobRequest that hold for every provider (the Ideogram 3.0 rules), run before any
 * paid call. Each adapter's `validate` calls this with its own allowances, then adds its own rules.
 */
import { COLOR_HEX_PATTERN, STYLE_CODE_PATTERN, normalizePalettePreset } from './enums';
import { findResolution } from './resolutions';
import { isStylePreset } from './stylePresets';
import type { JobRequest, StyleType } from './types';

export interface CommonRules {
	displayName: string;
	/** Style types this provider accepts. */
	styleTypes: readonly StyleType[];
}

const MAX_SEED = 2147483647;

export function validateCommon(request: JobRequest, rules: CommonRules): string | undefined {
	const o = request.options;
	const { displayName } = rules;

	if (request.operation === 'reframe') {
		if (!request.resolution) return 'Reframe needs a target resolution.';
		const { width, height } = request.resolution;
		if (!findResolution(width, height))
			return `Resolution ${width}x${height} is not one of the 69 Ideogram 3.0 sizes.`;
	} else if (!request.prompt?.trim()) {
		return 'A prompt is required.';
	}
	if (request.operation === 'edit' && !request.mask) return 'Edit needs a mask.';

	if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > MAX_SEED) return `Seed must be a whole number from 0 to ${MAX_SEED}.`;
	if (!Number.isInteger(o.numImages) || o.numImages < 1) return 'Number of Images must be at least 1.';

	if (o.styleType && !rules.styleTypes.includes(o.styleType)) {
		return `${displayName} does not accept the style type ${o.styleType} (it accepts ${rules.styleTypes.join(', ')}).`;
	}
	if (o.stylePreset && !isStylePreset(o.stylePreset)) return `Unknown style preset “${o.stylePreset}”.`;

	const codes = o.styleCodes ?? [];
	const badCode = codes.find((code) => !STYLE_CODE_PATTERN.test(code));
	if (badCode !== undefined) return `Style code “${badCode}” is not 8 hexadecimal digits.`;
	if (codes.length > 0 && (o.styleType || (o.styleReferenceImages?.length ?? 0) > 0)) {
		return 'Style codes cannot be combined with a style type or style reference images (Ideogram rule).';
	}

	const palette = o.colorPalette;
	if (palette) {
		if ('name' in palette) {
			if (!normalizePalettePreset(palette.name)) return `Unknown colour palette “${palette.name}”.`;
		} else {
			if (palette.members.length < 1 || palette.members.length > 8) return 'A colour palette needs 1 to 8 colours.';
			for (const m of palette.members) {
				if (!COLOR_HEX_PATTERN.test(m.colorHex)) return `Colour “${m.colorHex}” is not #RRGGBB or #RGB.`;
				if (m.colorWeight !== undefined && !(m.colorWeight >= 0.05 && m.colorWeight <= 1)) {
					return `Colour weight ${m.colorWeight} is outside 0.05–1.`;
				}
			}
		}
	}

	const characters = o.characterReferenceImages?.length ?? 0;
	const characterMasks = o.characterReferenceMasks?.length ?? 0;
	if (characterMasks > 0 && characterMasks !== characters) {
		return 'Give one character reference mask per character reference image.';
	}
	return undefined;
}
