// The error types live at the bottom of the layers (src/errors.ts); kept here for the commands that import them.
export * from '../errors.js';
