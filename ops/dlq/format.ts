import type { DlqListing } from './list.js';
import { previewLine } from './preview.js';
import type { ReplayResult } from './replay.js';
import { describeSelection, type Selection } from './select.js';
import type { ShowResult } from './show.js';

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : '?');
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One line of text at most `max` characters (newlines folded). */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Left-aligned columns, the numeric ones right-aligned; trailing blanks trimmed. */
export function table(header: string[], rows: string[][], numeric: Set<number> = new Set()): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((v, i) => (numeric.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const at = (partition: number, offset: number) => (partition === 0 ? `${offset}` : `${partition}:${offset}`);

export function formatListing(listings: DlqListing[]): string[] {
  if (listings.length === 0) return ['No dead-letter topics (dlq.<group>) on the cluster.'];
  const lines: string[] = [];
  for (const l of listings) {
    if (lines.length > 0) lines.push('');
    if (l.total === 0) {
      lines.push(`${l.topic} (group ${l.group}): no dead letters`);
      continue;
    }
    lines.push(`${l.topic} (group ${l.group}): ${plural(l.total, 'dead letter')}, ${l.replayed} replayed`);
    const rows = l.letters.map((g) => [
      g.code,
      g.sourceTopic ?? '-',
      g.stages.join(',') || '-',
      String(g.count),
      String(g.replayed),
      iso(g.firstMs),
      iso(g.lastMs),
      `${at(g.latest.dlqPartition, g.latest.dlqOffset)}: ${oneLine(g.latest.message, 100)}`,
    ]);
    const header = [
      'code',
      'source topic',
      'stage',
      'count',
      'replayed',
      'first',
      'last',
      'latest (dlq offset: message)',
    ];
    for (const row of table(header, rows, new Set([3, 4]))) lines.push(`  ${row}`);
  }
  return lines;
}

export function formatShow(r: ShowResult, s: Selection): string[] {
  const what = describeSelection(s);
  if (r.matched === 0) return [`${r.topic}: no dead letter matches (${what}).`];
  const lines = [
    `${r.topic}: ${plural(r.matched, 'dead letter matches', 'dead letters match')} (${what})${
      r.letters.length < r.matched ? `; the first ${r.letters.length} shown` : ''
    }`,
  ];
  for (const l of r.letters) {
    const where =
      l.sourceTopic === null
        ? '-'
        : `${l.sourceTopic}[${l.sourcePartition ?? '?'}] offset ${l.sourceOffset ?? '?'}`;
    lines.push(
      '',
      `dlq offset ${at(l.dlqPartition, l.dlqOffset)}  ${l.time}${l.replayed ? '  (replayed)' : ''}`,
      `  source   ${where}`,
      `  stage    ${l.stage ?? '-'}`,
      `  code     ${l.code}`,
      `  message  ${oneLine(l.message, 2000)}`,
      `  key      ${previewLine(l.key)}`,
      `  value    ${previewLine(l.value)}`,
    );
  }
  if (r.letters.length < r.matched)
    lines.push(
      '',
      `${r.matched - r.letters.length} more not shown: raise --limit, or narrow with --code / --topic.`,
    );
  return lines;
}

export function formatReplay(r: ReplayResult, s: Selection): string[] {
  const what = describeSelection(s);
  const lines: string[] = [];
  if (r.sent === 0) {
    const why =
      r.alreadyReplayed > 0
        ? `${plural(r.alreadyReplayed, 'selected dead letter was', 'selected dead letters were')} replayed before`
        : r.notReplayed > 0
          ? 'no selected dead letter can be sent'
          : 'no dead letter matches';
    lines.push(`Nothing to replay from ${r.topic} (${what}): ${why}.`);
  } else {
    lines.push(
      r.dryRun
        ? `Dry run: would replay ${plural(r.sent, 'dead letter')} from ${r.topic} (${what}) to their source topics; nothing was sent.`
        : `Replayed ${plural(r.sent, 'dead letter')} from ${r.topic} (${what}) to their source topics; consumer group ${r.replayGroup} remembers them.`,
    );
    const rows = r.letters.map((l) => [
      at(l.dlqPartition, l.dlqOffset),
      l.code,
      `${l.sourceTopic}[${l.sourcePartition}]`,
      l.sourceOffset ?? '?',
      ...(r.dryRun ? [] : [l.sentOffset ?? '?']),
    ]);
    const header = [
      'dlq offset',
      'code',
      r.dryRun ? 'to' : 'sent to',
      'original offset',
      ...(r.dryRun ? [] : ['new offset']),
    ];
    for (const row of table(header, rows, new Set([0, 3, 4]))) lines.push(`  ${row}`);
    if (r.letters.length < r.sent) {
      lines.push(`  … and ${r.sent - r.letters.length} more; by source topic and code:`);
      for (const b of r.bySource) lines.push(`    ${b.sourceTopic}  ${b.code}: ${b.count}`);
    }
    if (r.alreadyReplayed > 0)
      lines.push(
        `${plural(r.alreadyReplayed, 'more selected dead letter was', 'more selected dead letters were')} replayed before and not sent again.`,
      );
  }
  if (r.notReplayed > 0) {
    lines.push(
      `${plural(r.notReplayed, 'selected dead letter', 'selected dead letters')} could not be replayed:`,
    );
    for (const k of r.skipped)
      lines.push(`  dlq offset ${at(k.dlqPartition, k.dlqOffset)} (${k.code}): ${k.reason}`);
    if (r.skipped.length < r.notReplayed) lines.push(`  … and ${r.notReplayed - r.skipped.length} more`);
  }
  return lines;
}
