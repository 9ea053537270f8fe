#!/usr/bin/env bash
# Loads the facilities (`cargo bench --bench engine -- export-sql`) and the query mix
# (`-- mix`) into a PostGIS database: schema.sql, COPY, indexes.sql, queries.sql (the
# q_TYPE functions the pgbench scripts call).
#
#   benches/postgis/load.sh EXPORT.csv MIX.csv
#
# Connection from the usual libpq variables (PGHOST, PGPORT, PGUSER, PGDATABASE).
# Prints `load_ms=… index_ms=… table_bytes=… index_bytes=…` on its last line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export_csv="$1"
mix_csv="$2"

psql_() { PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$@"; }
now_ms() { date +%s%3N; }

# Columns are taken from the export's header (extra columns the table lacks are an error,
# so a format change is noticed here rather than as a wrong answer later).
header="$(head -n1 "$export_csv" | tr -d '\r\357\273\277')"
for col in id lat lon kinds caps pediatric wheelchair reach_m search_text service_wards; do
    case ",$header," in
        *",$col,"*) ;;
        *) echo "load.sh: $export_csv has no column $col (header: $header)" >&2; exit 1 ;;
    esac
done
mix_header="$(head -n1 "$mix_csv" | tr -d '\r\357\273\277')"
if [ "$mix_header" != "id,type,lat,lon,kind,cap1,cap2,radius_km,text,api,ward" ]; then
    echo "load.sh: unexpected mix header: $mix_header" >&2
    exit 1
fi

t0=$(now_ms)
psql_ -f "$here/schema.sql"
# \copy does not expand psql variables, so the whole command is built here.
psql_ -c "\\copy facility($header) FROM '$export_csv' WITH (FORMAT csv, HEADER true)"
psql_ -c "\\copy q_raw FROM '$mix_csv' WITH (FORMAT csv, HEADER true)"
t1=$(now_ms)
psql_ -c "SET maintenance_work_mem = '512MB'" -f "$here/indexes.sql" -f "$here/queries.sql"
t2=$(now_ms)

sizes="$(psql_ -At -F' ' -c "SELECT pg_table_size('facility'), pg_indexes_size('facility')")"
echo "load_ms=$((t1 - t0)) index_ms=$((t2 - t1)) table_bytes=${sizes% *} index_bytes=${sizes#* }"
