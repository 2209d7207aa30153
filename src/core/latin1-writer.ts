// Buffer's own latin1 writer, as a type: the method Buffer#write calls for 'latin1' (present on every Buffer,
// undocumented; test/listen-json.test.ts checks it is there and writes what Buffer#write writes). Called directly
// where it runs for every delivery: Buffer#write is one function for every caller in the process, and in the listener
// its argument handling ran generic (~0.07-0.1 µs a delivery for the report line's three long strings, measured in
// the listener's pipeline; a micro-bench of one caller alone does not show it).
export interface Latin1Writer {
  latin1Write(text: string, offset: number): number;
}
