/**
 * Provider-neutral value lists (docs/providers/ideogram.md, docs/providers/runware.md) and the few casing helpers the
 * adapters share. Each adapter decides which of these values it sends and how they are spelled.
 */
import type { StyleType } from './types';

/** Style types Ideogram 3.0 documents (official API, CometAPI, RunComfy). */
export const IDEOGRAM_STYLE_TYPES: readonly StyleType[] = ['AUTO', 'GENERAL', 'REALISTIC', 'DESIGN', 'FICTION'];
/** Runware's Ideogram 3.0 Edit page lists two more (docs/providers/runware.md; Runware's provider-settings page disagrees). */
export const RUNWARE_STYLE_TYPES: readonly StyleType[] = [...IDEOGRAM_STYLE_TYPES, 'RENDER_3D', 'ANIME'];

/** Colour palette presets, as the official API spells them (docs/providers/ideogram.md). */
export const COLOR_PALETTE_PRESETS = [
	'EMBER',
	'FRESH',
	'JUNGLE',
	'MAGIC',
	'MELON',
	'MOSAIC',
	'PASTEL',
	'ULTRAMARINE',
] as const;
type ColorPalettePreset = (typeof COLOR_PALETTE_PRESETS)[number];

/** `EMBER` / `ember` / `Ember` → `EMBER`, or undefined when it is no preset. */
export function normalizePalettePreset(name: string): ColorPalettePreset | undefined {
	const upper = name.trim().toUpperCase();
	return COLOR_PALETTE_PRESETS.find((preset) => preset === upper);
}

/** `RENDER_3D` → `Render 3D`, `EMBER` → `Ember` (RunComfy spells its defaults this way). */
export function titleCase(value: string): string {
	return value
		.split('_')
		.map((word) => (/^\d/.test(word) ? word.toUpperCase() : word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()))
		.join(' ');
}

/** Ideogram style codes: 8 hex digits (docs/providers/ideogram.md). */
export const STYLE_CODE_PATTERN = /^[0-9a-fA-F]{8}$/;
/** Palette member colours: `#RRGGBB` or `#RGB` (docs/providers/ideogram.md). */
export const COLOR_HEX_PATTERN = /^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/;
