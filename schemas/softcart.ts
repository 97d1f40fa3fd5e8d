import type { DimensionDef, FactDef, SourceRef, StarModel } from './model/types.js';
import type { SourceColumns } from './model/validate.js';

/**
 * The SoftCart star (docs/product.md, "SoftCart: the reference data set"), after the course's production
 * design: DimDate, DimCategory, DimItem, DimCountry, DimCustomer and FactSales (orderid, the dimension keys,
 * quantity, price, amount = price × quantity).
 *
 * A "distinct values" dimension: DimCountry and DimCategory have no table of their own in the sources; their
 * members are the distinct values of one column (sales.customers.country; catalog.electronics `type`). Such
 * a dimension is declared like any other, with the table holding that column as its source, the column as
 * the natural key, and no attributes: the conform runtime then emits a member for every value it sees
 * there (and never deletes one: a country that no customer has any more stays a member, as facts of the
 * past point at it). Because its key is a hash of (dimension, value) (streams/keys.ts), a fact resolving
 * its country through DimCustomer.country and the dimension's own conforming agree on the key without
 * sharing state.
 */

const salesData: SourceRef = { namespace: 'sales', table: 'sales_data', shape: 'row' };
const customers: SourceRef = { namespace: 'sales', table: 'customers', shape: 'row' };
const electronics: SourceRef = { namespace: 'catalog', table: 'electronics', shape: 'document' };

const category = { type: 'text', maxLength: 64 } as const;
const country = { type: 'text', maxLength: 64 } as const;

export const DimCategory: DimensionDef = {
  name: 'DimCategory',
  source: electronics,
  surrogateKey: 'categoryid',
  naturalKey: { name: 'category', from: 'type', type: category },
  attributes: [],
  scd: 1,
};

export const DimItem: DimensionDef = {
  name: 'DimItem',
  source: electronics,
  surrogateKey: 'itemid',
  naturalKey: { name: 'product_id', from: 'product_id', type: { type: 'int' } },
  attributes: [
    { name: 'item', from: 'model', type: { type: 'text', maxLength: 255 } },
    { name: 'category', from: 'type', type: category },
  ],
  scd: 1,
};

export const DimCountry: DimensionDef = {
  name: 'DimCountry',
  source: customers,
  surrogateKey: 'countryid',
  naturalKey: { name: 'country', from: 'country', type: country },
  attributes: [],
  scd: 1,
};

/** SCD2: customers move country, and a sale must keep the country the customer had at the time. */
export const DimCustomer: DimensionDef = {
  name: 'DimCustomer',
  source: customers,
  surrogateKey: 'customerkey',
  naturalKey: { name: 'customer_id', from: 'customer_id', type: { type: 'int' } },
  attributes: [{ name: 'country', from: 'country', type: country }],
  scd: 2,
  // The business time of the move (the workload and the seed write it), on the facts' clock.
  eventTime: 'updated_at',
};

export const FactSales: FactDef = {
  name: 'FactSales',
  source: salesData,
  grain: [{ name: 'orderid', from: 'rowid', type: { type: 'int' } }],
  eventTime: 'timestamp',
  dateDimension: 'DimDate',
  dimensions: [
    { dimension: 'DimItem', column: 'product_id' },
    { dimension: 'DimCategory', through: { dimension: 'DimItem', attribute: 'category' } },
    { dimension: 'DimCustomer', column: 'customer_id' },
    { dimension: 'DimCountry', through: { dimension: 'DimCustomer', attribute: 'country' } },
  ],
  measures: [
    { name: 'quantity', from: 'quantity', type: { type: 'int' } },
    { name: 'price', from: 'price', type: { type: 'decimal', precision: 10, scale: 2 } },
    // DECIMAL(10,2) × INT: 8 + 10 integer digits and 2 decimals.
    { name: 'amount', product: ['price', 'quantity'], type: { type: 'decimal', precision: 20, scale: 2 } },
  ],
};

export const softcartModel: StarModel = {
  name: 'softcart',
  dimensions: [DimCategory, DimItem, DimCountry, DimCustomer],
  dateDimension: { name: 'DimDate', surrogateKey: 'dateid' },
  facts: [FactSales],
};

/**
 * The column kinds of the SoftCart source tables as the staging mirror receives them (seeds/schema.ts's
 * MariaDB DDL through Debezium; the catalog documents' top-level fields, product_id from the data contract).
 */
export const SOFTCART_SOURCE_COLUMNS: SourceColumns = {
  'sales.sales_data': {
    rowid: { kind: 'int32' },
    product_id: { kind: 'int32' },
    customer_id: { kind: 'int32' },
    price: { kind: 'decimal', precision: 10, scale: 2 },
    quantity: { kind: 'int32' },
    timestamp: { kind: 'timestamp' },
    commit_ts: { kind: 'timestamp' },
  },
  'sales.customers': {
    customer_id: { kind: 'int32' },
    country: { kind: 'string' },
    updated_at: { kind: 'timestamp' },
  },
  'catalog.electronics': {
    _id: { kind: 'string' },
    type: { kind: 'string' },
    model: { kind: 'string' },
    'screen size': { kind: 'float64' },
    ram: { kind: 'string' },
    'hard disk': { kind: 'string' },
    product_id: { kind: 'int32' },
  },
};
