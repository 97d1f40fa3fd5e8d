import { CATALOG_BASE, CATALOG_SIZE } from '../contract.js';
import type { Prng } from '../prng.js';
import type { Value } from './change.js';
import { KeySet } from './key-set.js';

/**
 * The catalog as the workload knows it: every product's id and type, from the starting documents plus the
 * products it creates. The categories are the distinct types of the starting documents (laptop, smart
 * phone, television in SoftCart), sorted so that picks do not depend on document order.
 */
export class CatalogState {
  readonly categories: readonly string[];
  private readonly products = new KeySet();
  private readonly types = new Map<number, string>();
  /** Starting documents by type: a new product copies the fields of one of its type. */
  private readonly templates = new Map<string, Array<Record<string, unknown>>>();
  private nextProductId: number;

  /**
   * `maxSaleProductId` is the largest product_id sales_data refers to: a late product of an earlier run that
   * is not in the starting documents must not be created twice.
   */
  constructor(docs: ReadonlyArray<Record<string, unknown>>, maxSaleProductId = 0) {
    let max = Math.max(CATALOG_BASE + CATALOG_SIZE - 1, maxSaleProductId);
    docs.forEach((doc, i) => {
      const { product_id: id, type } = doc;
      if (typeof id !== 'number' || typeof type !== 'string')
        throw new TypeError(`catalog document ${i} needs a numeric product_id and a string type`);
      this.products.add(id);
      this.types.set(id, type);
      this.templates.set(type, [...(this.templates.get(type) ?? []), doc]);
      max = Math.max(max, id);
    });
    this.categories = [...this.templates.keys()].sort();
    this.nextProductId = max + 1;
  }

  /** A product can change category only when there is another category to go to. */
  canRecategorize(): boolean {
    return this.products.size > 0 && this.categories.length > 1;
  }

  /** Whether the workload can make up a new product document (it needs a type to give it). */
  canCreate(): boolean {
    return this.categories.length > 0;
  }

  /** An id no product has: reserved now, created later by `create`. */
  reserve(): number {
    return this.nextProductId++;
  }

  /** A random product moves to another category: its id and new type. */
  recategorize(prng: Prng): { productId: number; type: string } {
    const productId = this.products.pick(prng);
    const current = this.types.get(productId);
    const type = prng.pick(this.categories.filter((c) => c !== current));
    this.types.set(productId, type);
    return { productId, type };
  }

  /**
   * The fields of a new product (all but product_id, in document order): a random category, the other
   * fields of a random starting document of that category (the course's documents are flat: scalars only),
   * and a model name of its own.
   */
  create(productId: number, prng: Prng): Record<string, Value> {
    const type = prng.pick(this.categories);
    const template = prng.pick(this.templates.get(type)!);
    const fields: Record<string, Value> = {};
    for (const [k, v] of Object.entries(template)) {
      if (k === '_id' || k === 'product_id') continue;
      if (k === 'model') fields.model = `late-${productId}`;
      else if (typeof v === 'string' || typeof v === 'number' || v === null) fields[k] = v;
    }
    fields.type = type;
    this.products.add(productId);
    this.types.set(productId, type);
    return fields;
  }

  typeOf(productId: number): string | undefined {
    return this.types.get(productId);
  }
}
