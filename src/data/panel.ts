// Long-format (panel) CSV: several series in one file, one row per series and date, told apart by
// an id column (`id,date,sales,promo`). Browser-safe. Each id's rows become one series table
// (parseSeriesCsv's rules: dates ascending within an id, numbers, missing markers, --fill), in
// the order the ids first appear; the rows of an id need not be contiguous. Errors name the file,
// the id and the file's own row number.
import { csvRecords, DataError, show } from './csv-records.js';
import { parseSeriesCsv, type ParseSeriesCsvOptions, type SeriesTable } from './csv.js';

export interface PanelTable {
  /** The id column's name. */
  idColumn: string;
  /** Ids in the order they first appear. */
  ids: string[];
  /** One table per id (the id column left out); a prototype-free object. */
  series: Record<string, SeriesTable>;
}

/** Fewest rows a series of a panel may have. */
const MIN_ROWS = 2;

function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function parsePanelCsv(text: string, idColumn: string, opts: ParseSeriesCsvOptions = {}): PanelTable {
  const source = opts.source ?? 'CSV';
  const records = csvRecords(text, source);
  if (records.length === 0) throw new DataError(`${source}: empty file`);
  const header = records[0]!.fields.map((h) => h.trim());
  const k = header.indexOf(idColumn);
  if (k < 0) throw new DataError(`${source}: no id column "${show(idColumn)}" (columns: ${header.map(show).join(', ')})`);
  const groups = new Map<string, { rows: number[]; lines: string[] }>();
  for (const r of records.slice(1)) {
    if (r.fields.length === 1 && r.fields[0]!.trim() === '') continue;
    const id = (r.fields[k] ?? '').trim();
    if (id === '') throw new DataError(`${source}: row ${r.row} has no ${show(idColumn)} (every row needs its series id)`);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { rows: [], lines: [] }));
    g.rows.push(r.row);
    g.lines.push(r.fields.filter((_, i) => i !== k).map(csvField).join(','));
  }
  if (groups.size === 0) throw new DataError(`${source}: no data rows`);
  const head = header.filter((_, i) => i !== k).map(csvField).join(',');
  const series: Record<string, SeriesTable> = Object.create(null);
  for (const [id, g] of groups) {
    if (g.rows.length < MIN_ROWS) throw new DataError(`${source}: id ${show(id)} has ${g.rows.length} row (row ${g.rows[0]}); a series needs at least ${MIN_ROWS}`);
    try {
      series[id] = parseSeriesCsv([head, ...g.lines].join('\n') + '\n', { ...opts, source: `${source} (${idColumn} ${id})` });
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      // the sub-table's row n is the id's (n − 1)-th row: name the file's own row number instead
      throw new DataError(e.message.replace(/\brows? (\d+)/g, (m, n: string) => {
        const row = g.rows[Number(n) - 2];
        return row === undefined ? m : `${m.startsWith('rows') ? 'rows' : 'row'} ${row}`;
      }));
    }
  }
  return { idColumn, ids: [...groups.keys()], series };
}
