// Bounds on what one command may ask of the sender, in their own module so that commands can check flags against
// them without loading the HTTP code.

/** The most copies one `send --repeat` burst sends: one latency sample (8 bytes) is kept per copy, under 8 MB in all. */
export const MAX_REPEAT = 1_000_000;
/** The most requests in flight at once (`--concurrency`): one connection, so one file descriptor, each. */
export const MAX_CONCURRENCY = 1_000;
/**
 * The largest `listen --max-body`: a body is held whole (and, gzip-encoded, decoded whole) while it is checked, and
 * its capture (base64, a third larger) must stay under the 512 MiB the capture reader accepts. The largest real
 * webhook payloads are far below it (GitHub caps its deliveries at 25 MB).
 */
export const MAX_BODY_LIMIT = 64 * 1024 * 1024;
