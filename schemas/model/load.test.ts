import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors/user-error.js';
import { softcartModel } from '../softcart.js';
import { loadModel } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'starling-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const json = JSON.stringify(softcartModel);

describe('loadModel', () => {
  it('defaults to SoftCart', async () => {
    expect(await loadModel(undefined)).toEqual({ model: softcartModel });
    expect((await loadModel('  ')).model).toBe(softcartModel);
  });

  it('reads the default export, the `model` export, or a JSON file (relative to cwd)', async () => {
    expect((await loadModel(file('a.mjs', `export default ${json};`))).model).toEqual(softcartModel);
    expect((await loadModel(file('b.mjs', `export const model = ${json};`))).model).toEqual(softcartModel);
    const loaded = await loadModel('c.json', dir).catch((e) => e);
    expect(loaded).toBeInstanceOf(UserError);
    file('c.json', json);
    expect(await loadModel('c.json', dir)).toEqual({ model: softcartModel, file: join(dir, 'c.json') });
  });

  it('says what is wrong: missing file, nothing exported, a broken module, an invalid model', async () => {
    const err = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: UserError) => `${e.code}: ${e.message}`,
      );
    expect(await err(loadModel(join(dir, 'nope.mjs')))).toBe(
      `MODEL_FILE: STARLING_MODEL_FILE (${join(dir, 'nope.mjs')}): file not found.`,
    );
    expect(await err(loadModel(file('d.mjs', 'export const other = 1;')))).toMatch(
      /^MODEL_FILE: .*no model exported .*\n {2}- the module exports neither `default` nor `model`$/,
    );
    expect(await err(loadModel(file('e.mjs', 'export default { name: 1 };')))).toMatch(
      /- `name` is not a string\n {2}- `dimensions` is not an array\n {2}- `facts` is not an array\n {2}- `dateDimension` is not an object$/,
    );
    expect(await err(loadModel(file('f.mjs', 'export default {')))).toMatch(
      /^MODEL_FILE: .*cannot be loaded: /,
    );
    const bad = structuredClone(softcartModel);
    bad.facts[0]!.measures.push({ name: 'qty2', from: 'no_such_column', type: { type: 'int' } });
    bad.dimensions.push({ ...bad.dimensions[0]!, surrogateKey: 'x' });
    expect(await err(loadModel(file('g.mjs', `export default ${JSON.stringify(bad)};`)))).toMatch(
      /^MODEL_INVALID: .*the star model "softcart" has [2-9] problems:\n {2}- /,
    );
  });
});
