// Child process of bench/credit-report.ts: streams the XLSX export of the current year's
// district report as person rows (20,000 on the bench data) into a sink that only counts
// bytes, and reports the time and this process's peak resident memory (maxRSS), which is
// therefore the export's own (plus Node and the database client).
//   node --import tsx bench/xlsx-export.ts <dialect> <result.json>
import { writeFileSync } from "node:fs";
import { Writable } from "node:stream";
import { closeDb, db } from "~/utils/db.server";
import { ReportDefinitionSchema } from "~/reports/definition";
import { writeReportXlsx } from "~/reports/export.server";

const resultFile = process.argv[3];
const district = await db.unit.findFirstOrThrow({ where: { parentId: null }, orderBy: { id: "asc" }, select: { id: true } });
const year = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));
const definition = ReportDefinitionSchema.parse({ yearFrom: String(year), yearTo: String(year), unitId: String(district.id), groupBy: ["unit", "postType"] });

let bytes = 0;
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    bytes += chunk.length;
    done();
  },
});
const finished = new Promise<void>((resolve, reject) => {
  sink.on("finish", resolve);
  sink.on("error", reject);
});
const started = performance.now();
const { rows } = await writeReportXlsx(definition, { unitPath: null }, sink, { sheetPerGroup: true });
await finished;
const seconds = (performance.now() - started) / 1000;
// maxRSS is in kilobytes.
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
writeFileSync(resultFile, JSON.stringify({ rows, bytes, seconds: Math.round(seconds * 100) / 100, peakRssMb }));
await closeDb();
