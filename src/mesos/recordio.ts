/**
 * RecordIO framing of the v1 streaming API: each record is `<length>\n<bytes>` where the length
 * counts bytes, not characters (docs/recordio.md of apache/mesos). The reader is
 * `state/event-records.ts` (`readEventRecords`); this frames one record, for tests.
 */
export function encodeRecord(json: string): string {
  return `${Buffer.byteLength(json, 'utf8')}\n${json}`;
}
