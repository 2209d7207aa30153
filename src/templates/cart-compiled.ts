// One cart line as lineProps (sources.ts) makes it, written as JSON bytes: the compiled forms of Segment's and the
// CustomerGlu Events API's cart events write the same object, so it is written here once.
import { put, putNumber, putString, utf8 } from './compiled.js';
import type { CartLine } from './sources.js';

const K = {
  productId: utf8('{"product_id":'),
  sku: utf8(',"sku":'),
  name: utf8(',"name":'),
  brand: utf8(',"brand":'),
  category: utf8(',"category":'),
  price: utf8(',"price":'),
  quantity: utf8(',"quantity":'),
};

/** `{"product_id":…,"sku":…,"name":…,"brand":…,"category":…,"price":…,"quantity":…}`; returns where it ends. */
export function putCartLine(out: Buffer, start: number, l: CartLine, ascii: boolean): number {
  let at = put(out, start, K.productId);
  at = putString(out, at, l.productId);
  at = put(out, at, K.sku);
  at = putString(out, at, l.sku, ascii);
  at = put(out, at, K.name);
  at = putString(out, at, l.name, ascii);
  at = put(out, at, K.brand);
  at = putString(out, at, l.brand, ascii);
  at = put(out, at, K.category);
  at = putString(out, at, l.category, ascii);
  at = put(out, at, K.price);
  at = putNumber(out, at, l.price);
  at = put(out, at, K.quantity);
  at = putNumber(out, at, l.quantity);
  out[at++] = 0x7d;
  return at;
}
