import type { StarlingConfig } from '../../core/config/load.js';
import { CatalogChangePublisher } from '../catalog/changes.js';
import type { Change } from './change.js';

/**
 * Where the workload's catalog changes go: the Kafka stand-in of the Debezium MongoDB connector (its topic
 * under `topicPrefix`), or a real MongoDB that the connector captures.
 */
export type CatalogTarget = { standin: { topicPrefix: string } } | { mongoUrl: string };

/** Both targets: insert or update one document by product_id, done when it is durable. */
interface DocumentWriter {
  insert(productId: number, fields: Record<string, unknown>): Promise<void>;
  update(productId: number, fields: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export interface CatalogWriter {
  /** Commits one catalog change; it counts as committed when this resolves. */
  write(c: Change): Promise<void>;
  close(): Promise<void>;
}

/** `docs` are the documents the target holds when the run starts (what `starling seed catalog` wrote). */
export async function openCatalogWriter(
  target: CatalogTarget,
  docs: ReadonlyArray<Record<string, unknown>>,
  config: StarlingConfig,
): Promise<CatalogWriter> {
  let w: DocumentWriter;
  if ('mongoUrl' in target) {
    // Loaded only here: the driver is needed only with a real MongoDB.
    const { MongoCatalogWriter } = await import('../catalog/mongo-changes.js');
    w = await MongoCatalogWriter.open(target.mongoUrl);
  } else w = await CatalogChangePublisher.open(docs, { config, topicPrefix: target.standin.topicPrefix });
  return {
    write: async (c) => {
      const productId = c.key.product_id;
      if (productId === undefined || !c.values || (c.op !== 'insert' && c.op !== 'update'))
        throw new Error(`not a catalog insert or update: ${JSON.stringify(c)}`);
      await (c.op === 'insert' ? w.insert(productId, c.values) : w.update(productId, c.values));
    },
    close: () => w.close(),
  };
}
