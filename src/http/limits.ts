// Bounds on what one command may ask of the sender, in their own module so that commands can check flags against
// them without loading the HTTP code.

/** The most copies one `send --repeat` burst sends: one latency sample (8 bytes) is kept per copy, under 8 MB in all. */
export const MAX_REPEAT = 1_000_000;
/** The most requests in flight at once (`--concurrency`): one connection, so one file descriptor, each. */
export const MAX_CONCURRENCY = 1_000;
