// Header edits the conformance cases make to a built request (HTTP header names are case-insensitive).
import type { EditableRequest } from './types.js';

export function deleteHeader(headers: Record<string, string>, name: string): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
}

export function removeHeader(name: string): (request: EditableRequest) => void {
  return (request) => deleteHeader(request.headers, name);
}
