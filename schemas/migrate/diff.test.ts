import { describe, expect, it } from 'vitest';
import type { StarModel } from '../model/types.js';
import { validateModel } from '../model/validate.js';
import { SOFTCART_SOURCE_COLUMNS, softcartModel } from '../softcart.js';
import { diffModels, typeChange } from './diff.js';
import { softcartV1 } from './fixtures.js';

const clone = () => structuredClone(softcartModel) as StarModel;
const dim = (m: StarModel, name: string) => m.dimensions.find((d) => d.name === name)!;
const sales = (m: StarModel) => m.facts[0]!;

describe('diffModels', () => {
  it('finds nothing between a model and itself, nor when only key order differs', () => {
    expect(diffModels(softcartModel, clone())).toEqual({ steps: [], refusals: [] });
    const reordered = JSON.parse(JSON.stringify(softcartModel, Object.keys(softcartModel).reverse()));
    expect(diffModels(softcartModel, { ...reordered, ...clone() })).toEqual({ steps: [], refusals: [] });
  });

  it('the v1 fixture is a valid model', () => {
    expect(validateModel(softcartV1(), SOFTCART_SOURCE_COLUMNS)).toEqual([]);
  });

  it('v1 -> SoftCart: an attribute, a measure, a dimension with its link, SCD1 -> SCD2', () => {
    const { steps, refusals } = diffModels(softcartV1(), softcartModel);
    expect(refusals).toEqual([]);
    expect(steps.map((s) => s.kind).sort()).toEqual(
      ['add-attribute', 'add-dimension', 'add-link', 'add-measure', 'scd1-to-scd2'].sort(),
    );
    expect(steps).toContainEqual({
      kind: 'add-attribute',
      dimension: 'DimItem',
      attribute: dim(softcartModel, 'DimItem').attributes[0],
      scd: 1,
    });
    expect(steps).toContainEqual({
      kind: 'add-measure',
      fact: 'FactSales',
      measure: sales(softcartModel).measures[2],
    });
    expect(steps).toContainEqual({ kind: 'add-dimension', dimension: dim(softcartModel, 'DimCountry') });
    expect(steps).toContainEqual({
      kind: 'add-link',
      fact: 'FactSales',
      link: { dimension: 'DimCountry', through: { dimension: 'DimCustomer', attribute: 'country' } },
    });
    expect(steps).toContainEqual({
      kind: 'scd1-to-scd2',
      dimension: 'DimCustomer',
      attributes: ['country'],
      becomesVersioned: true,
    });
  });

  it('an attribute turned SCD2 in an already versioned dimension does not re-version it', () => {
    const from = clone();
    const c = dim(from, 'DimCustomer');
    c.scd = 1;
    c.attributes = [
      { ...c.attributes[0]!, scd: 2 },
      { name: 'tier', from: 'tier', type: { type: 'int' } },
    ];
    const to = structuredClone(from);
    dim(to, 'DimCustomer').attributes[1]!.scd = 2;
    expect(diffModels(from, to)).toEqual({
      steps: [
        { kind: 'scd1-to-scd2', dimension: 'DimCustomer', attributes: ['tier'], becomesVersioned: false },
      ],
      refusals: [],
    });
  });

  it('a new SCD2 attribute on a type-1 dimension adds it and versions the dimension', () => {
    const to = clone();
    dim(to, 'DimItem').attributes.push({ name: 'ram', from: 'ram', type: { type: 'text' }, scd: 2 });
    expect(diffModels(softcartModel, to).steps).toEqual([
      { kind: 'add-attribute', dimension: 'DimItem', attribute: dim(to, 'DimItem').attributes[2], scd: 2 },
      { kind: 'scd1-to-scd2', dimension: 'DimItem', attributes: [], becomesVersioned: true },
    ]);
  });

  it('a new fact and a new link', () => {
    const to = clone();
    to.facts.push({ ...structuredClone(sales(to)), name: 'FactSales2' });
    const from = clone();
    sales(from).dimensions = sales(from).dimensions.filter((l) => l.dimension !== 'DimCountry');
    const { steps } = diffModels(from, to);
    expect(steps.map((s) => s.kind)).toEqual(['add-link', 'add-fact']);
  });

  it('widening is a step; narrowing and other type changes are refused', () => {
    const to = clone();
    dim(to, 'DimItem').attributes[0]!.type = { type: 'text', maxLength: 500 };
    sales(to).measures[1]!.type = { type: 'decimal', precision: 12, scale: 2 };
    sales(to).measures[0]!.type = { type: 'bigint' };
    expect(
      diffModels(softcartModel, to).steps.map((s) =>
        s.kind === 'widen-type' ? `${s.table}.${s.column}` : s.kind,
      ),
    ).toEqual(['DimItem.item', 'FactSales.quantity', 'FactSales.price']);
    const narrow = clone();
    dim(narrow, 'DimItem').attributes[0]!.type = { type: 'text', maxLength: 10 };
    sales(narrow).measures[1]!.type = { type: 'decimal', precision: 10, scale: 3 };
    sales(narrow).measures[0]!.type = { type: 'text' };
    expect(diffModels(softcartModel, narrow).refusals).toEqual([
      'DimItem.item: changing the type text(255) -> text(10) is not supported (only widening)',
      'FactSales.quantity: changing the type int -> text is not supported (only widening)',
      'FactSales.price: changing the type decimal(10,2) -> decimal(10,3) is not supported (only widening)',
    ]);
  });

  it('refuses every unsafe change at once, each with its reason', () => {
    const to = clone();
    to.name = 'other';
    to.dateDimension = { name: 'DimDay', surrogateKey: 'dayid' };
    to.dimensions = to.dimensions.filter((d) => d.name !== 'DimCountry'); // removed dimension
    dim(to, 'DimItem').attributes = [
      { name: 'model_name', from: 'model', type: { type: 'text', maxLength: 255 } }, // a rename
      { name: 'category', from: 'ram', type: { type: 'text', maxLength: 64 } }, // a new source column
    ];
    dim(to, 'DimItem').naturalKey = { name: 'product_id', from: 'product_id', type: { type: 'bigint' } };
    dim(to, 'DimItem').source = { namespace: 'catalog', table: 'other', shape: 'document' };
    dim(to, 'DimItem').surrogateKey = 'item_key';
    dim(to, 'DimCustomer').scd = 1; // SCD2 -> SCD1
    dim(to, 'DimCustomer').eventTime = undefined;
    sales(to).measures = sales(to).measures.filter((m) => m.name !== 'price');
    sales(to).measures[1] = {
      name: 'amount',
      from: 'price',
      type: { type: 'decimal', precision: 20, scale: 2 },
    };
    sales(to).grain = [{ name: 'orderid', from: 'rowid', type: { type: 'bigint' } }];
    sales(to).eventTime = 'commit_ts';
    sales(to).dimensions[0] = { dimension: 'DimItem', column: 'customer_id' };
    sales(to).dimensions = sales(to).dimensions.filter((l) => l.dimension !== 'DimCountry');
    to.facts.push({ ...structuredClone(sales(to)), name: 'X' });
    const renamed = { ...to, facts: to.facts.filter((f) => f.name !== 'FactSales') };
    const { refusals } = diffModels(softcartModel, to);
    expect(refusals).toEqual([
      'name: renaming the model ("softcart" -> "other") is not supported: it names the conformed topics and the default schema',
      'dateDimension: changing the date dimension is not supported (every fact holds its key)',
      "DimItem.source: changing a dimension's source is not supported (its members would change identity)",
      'DimItem.surrogateKey: renaming the surrogate-key column (itemid -> item_key) is not supported: facts hold it',
      'DimItem.naturalKey: changing a natural key is not supported: surrogate keys are hashes of it, every member and fact key would change',
      'DimItem.item: removing (or renaming) an attribute is not supported: its values and history would be lost',
      'DimItem.category: changing the source column (type -> ram) is not supported; add a new attribute instead',
      "DimCountry: removing (or renaming) a dimension is not supported: its members and the facts' keys would be lost; keep it in the model",
      'DimCustomer.eventTime: changing the business-time column is not supported yet (SCD2 boundaries would move)',
      'DimCustomer.country: SCD2 -> SCD1 is not supported: it would throw away the history the versions hold',
      "FactSales.grain: changing a fact's grain is not supported (it is the primary key)",
      'FactSales.eventTime: changing the event time is not supported yet (dates and versions would move)',
      'FactSales.price: removing (or renaming) a measure is not supported: its values would be lost',
      'FactSales.amount: changing how a measure is computed is not supported; add a new measure instead',
      'FactSales.dimensions.DimItem: changing how a fact finds a dimension is not supported',
      'FactSales.dimensions.DimCountry: removing a link to a dimension is not supported: the key column would be lost',
    ]);
    expect(diffModels(softcartModel, renamed).refusals).toContain(
      'FactSales: removing (or renaming) a fact table is not supported: its rows would be lost',
    );
  });
});

describe('typeChange', () => {
  it.each([
    [{ type: 'int' }, { type: 'int' }, 'same'],
    [{ type: 'int' }, { type: 'bigint' }, 'widen'],
    [{ type: 'bigint' }, { type: 'int' }, 'refuse'],
    [{ type: 'text', maxLength: 5 }, { type: 'text' }, 'widen'],
    [{ type: 'text' }, { type: 'text', maxLength: 5 }, 'refuse'],
    [{ type: 'decimal', precision: 5, scale: 2 }, { type: 'decimal', precision: 7, scale: 2 }, 'widen'],
    [{ type: 'decimal', precision: 5, scale: 2 }, { type: 'decimal', precision: 4, scale: 2 }, 'refuse'],
    [{ type: 'date' }, { type: 'timestamp' }, 'refuse'],
    [{ type: 'boolean' }, { type: 'int' }, 'refuse'],
  ] as const)('%j -> %j: %s', (a, b, want) => {
    expect(typeChange(a, b)).toBe(want);
  });
});
