// JSON values as templates build them: the bottom of the layers, so templates and providers share it.

/** Any JSON value a template may produce. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
