/** Prints a result: JSON with --json, else one line per row with tab-separated columns. */
export function print(json: boolean | undefined, value: unknown, rows: () => readonly (readonly unknown[])[]): void {
  if (json) {
    console.log(JSON.stringify(value, null, 2));
    return;
  }
  for (const row of rows()) console.log(row.map((cell) => (cell === null || cell === undefined ? '-' : Array.isArray(cell) ? cell.join(',') || '-' : String(cell))).join('\t'));
}

/** What a command without a body prints. */
export function done(json: boolean | undefined, message: string): void {
  if (json) console.log(JSON.stringify({ ok: true, message }));
  else console.log(message);
}
