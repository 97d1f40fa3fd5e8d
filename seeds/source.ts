import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, REPO_ROOT } from '../core/config/load.js';
import { UserError } from '../core/errors/user-error.js';
import { parseCatalog } from './catalog.js';
import { BUILTIN_COUNTRIES } from './countries.js';
import { parseCountryCsv, parseEtlCsv, parseOltpCsv } from './csv.js';
import type { CatalogDocument, DumpRow, EtlRow, OltpRow } from './rows.js';
import { parseSalesDump } from './sql-dump.js';
import { generateCatalog, generateEtlDump, generateEtlLoad, generateOltp } from './synthetic.js';

/**
 * Where the course's files are: --data-dir, else STARLING_SOFTCART_DIR, else ../shared/data/softcart beside
 * the clone when it exists; undefined means "use the built-in generator". A directory the user named but
 * that does not exist is a mistake, not a reason to fall back silently.
 */
export function resolveDataDir(
  option: string | undefined,
  envDir: string | undefined,
  repoRoot: string = REPO_ROOT,
): string | undefined {
  const named = option ?? envDir;
  if (named !== undefined) {
    const dir = resolve(named);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      const how = option !== undefined ? '--data-dir' : 'STARLING_SOFTCART_DIR';
      throw new UserError(
        `${how} names ${dir}, which is not a directory: give the folder holding the SoftCart course files, or leave it unset to use the built-in generator.`,
        'SEED_DATA_DIR',
      );
    }
    return dir;
  }
  const beside = resolve(repoRoot, '..', 'shared', 'data', 'softcart');
  return existsSync(beside) ? beside : undefined;
}

/** The data directory for a CLI run, from the option and the configuration. */
export function dataDirFor(option: string | undefined): string | undefined {
  return resolveDataDir(option, loadConfig().softcartDir);
}

function readAll(dir: string, files: string[]): string[] {
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0)
    throw new UserError(
      `The SoftCart data directory ${dir} lacks ${missing.join(', ')}: point --data-dir or STARLING_SOFTCART_DIR at the course files.`,
      'SEED_DATA_MISSING',
    );
  return files.map((f) => readFileSync(join(dir, f), 'utf8'));
}

export interface SoftcartData {
  /** 'course files in <dir>' or 'built-in generator', for the summary. */
  origin: string;
  oltp: OltpRow[];
  /** Country names ordered by countryid. */
  countries: string[];
  catalog: CatalogDocument[];
}

export function loadSoftcartData(dir: string | undefined): SoftcartData {
  if (dir === undefined)
    return {
      origin: 'built-in generator',
      oltp: generateOltp(),
      countries: [...BUILTIN_COUNTRIES],
      catalog: generateCatalog().map((d, i) => ({ ...d, product_id: 5600 + i }) as CatalogDocument),
    };
  const [oltp, countries, catalog] = readAll(dir, ['oltpdata.csv', 'DimCountry.csv', 'catalog.json']);
  return {
    origin: `course files in ${dir}`,
    oltp: parseOltpCsv(oltp!, join(dir, 'oltpdata.csv')),
    countries: parseCountryCsv(countries!, join(dir, 'DimCountry.csv')),
    catalog: parseCatalog(catalog!, join(dir, 'catalog.json')),
  };
}

/** The catalog documents with their contract product ids, for whoever publishes them (Kafka, MongoDB). */
export function catalogDocuments(dir: string | undefined = dataDirFor(undefined)): CatalogDocument[] {
  return loadSoftcartData(dir).catalog;
}

export interface EtlData {
  origin: string;
  /** sales.csv: what the course's warehouse already holds. */
  load: EtlRow[];
  /** sales.sql: the source database, including newer rows. */
  dump: DumpRow[];
}

export function loadEtlData(dir: string | undefined): EtlData {
  if (dir === undefined)
    return { origin: 'built-in generator', load: generateEtlLoad(), dump: generateEtlDump() };
  const [csv, sql] = readAll(dir, ['sales.csv', 'sales.sql']);
  return {
    origin: `course files in ${dir}`,
    load: parseEtlCsv(csv!, join(dir, 'sales.csv')),
    dump: parseSalesDump(sql!, join(dir, 'sales.sql')),
  };
}
