// STUB: replaced by the real provider definition.
import { stubProvider } from './stub.js';

export const provider = stubProvider('mgpass');
