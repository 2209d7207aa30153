// Replaced at build time (scripts/build.mjs) with package.json's version; tests running from src see the fallback.
declare const __CG_HOOKS_VERSION__: string;
export const VERSION = typeof __CG_HOOKS_VERSION__ === 'string' ? __CG_HOOKS_VERSION__ : '0.0.0-dev';
