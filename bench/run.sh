#!/usr/bin/env bash
# The portal side by side with PostGraphile (over the portal's own tables) and hand-written SQL,
# on one throwaway PostgreSQL, using the shared peer-benchmark kit (PEER_KIT, default
# ../shared/bench beside this checkout). Prints the kit's ratio summary.
#
#   bench/run.sh                      # 3 rounds x 10 s, concurrency 1 and 16
#   ROUNDS=1 DURATION=5 bench/run.sh  # a quick look
#   bench/run.sh --down               # stop the servers and the cluster afterwards
#
# The workplan dashboard runs against the portal and its SQL only: PostGraphile over the same
# tables has none of the workplan rules (agreements required by the footprint, what is overdue).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
kit="${PEER_KIT:-$repo/../shared/bench}"
work="${BENCH_WORK:-/tmp/portal-bench-kit}"
portal="${CARGO_TARGET_DIR:-$repo/target}/release/portal"

if [[ "${1:-}" == "--down" ]]; then
  source "$work/env.sh"
  [[ -f "$PEER_ROOT/portal.pid" ]] && kill "$(cat "$PEER_ROOT/portal.pid")" 2>/dev/null || true
  (cd "$work" && ./pgl-down.sh && ./pg-down.sh) || true
  exit 0
fi

[[ -x "$portal" ]] || (cd "$repo" && cargo build --release -p api)

# The kit, with the portal's query texts laid over it. The portal needs a bearer token: the
# kit's wrk script and response check send BENCH_AUTH as the Authorization header.
mkdir -p "$work"
rsync -a --exclude node_modules --exclude results "$kit/" "$work/"
cp -r "$here/queries/." "$work/queries/"
cp "$here/pgbench/"*.sql "$work/pgbench/"
sed -i 's|^wrk.headers\["Accept"\] = "application/json"$|&\nif os.getenv("BENCH_AUTH") then wrk.headers["Authorization"] = os.getenv("BENCH_AUTH") end|' "$work/wrk-post.lua"
sed -i 's|headers={"content-type": "application/json", "accept": "application/json"}|headers={"content-type": "application/json", "accept": "application/json", **({"authorization": os.environ["BENCH_AUTH"]} if os.environ.get("BENCH_AUTH") else {})}|' "$work/bench.py"

cd "$work"
source ./env.sh
[[ -d node_modules ]] || npm ci --no-audit --no-fund
./pg-up.sh

# The portal on the kit's database: its migrations, reference data and demo layer go into schema
# public, beside the kit's own schema app. Same pool size as PostGraphile.
if ! curl -sf -o /dev/null "http://127.0.0.1:8080/healthz"; then
  PORTAL_BIND=127.0.0.1:8080 PORTAL_DATA_DIR="$work/portal-data" PORTAL_DB_POOL_SIZE="$PGL_POOL_MAX" RUST_LOG=warn \
    nohup nice -n "$PEER_NICE" "$portal" serve --demo >"$PEER_ROOT/log/portal.log" 2>&1 &
  echo $! >"$PEER_ROOT/portal.pid"
  for _ in $(seq 1 60); do curl -sf -o /dev/null "http://127.0.0.1:8080/healthz" && break; sleep 0.5; done
fi
# The indicator dataset (~311k values), once (the demo layer holds a few values of its own); and
# for PostGraphile only, a smart comment that exposes indicator_values.organisation as a foreign
# key to providers (the portal's column also holds network codes, so the real schema has no such
# key).
if (( $(psql "$DATABASE_URL" -Atc "select count(*) from public.indicator_values") < 300000 )); then
  python3 "$here/make-indicator-values.py" >"$work/indicator-values.csv"
  time "$portal" import indicators "$work/indicator-values.csv" --by bench --reason "benchmark dataset"
fi
psql "$DATABASE_URL" -qc "comment on table public.indicator_values is E'@foreignKey (organisation) references providers (ods_code)'"

BENCH_AUTH="Bearer $(PORTAL_DATA_DIR="$work/portal-data" "$portal" token --sub bench --name Bench --grant NATIONAL_VIEWER --hours 6)"
export BENCH_AUTH
PGL_SCHEMAS=public ./pgl-up.sh

python3 - <<'PY'
import json, pathlib
for gql in pathlib.Path("queries").glob("*/*.graphql"):
    gql.with_suffix(".json").write_text(json.dumps({"query": gql.read_text(), "variables": {}}))
PY

queries="${QUERIES:-networks,network_tree,providers,indicator_dashboard,indicator_series,workplan_dashboard}"
with_peer="$(tr , '\n' <<<"$queries" | grep -vx workplan_dashboard | paste -sd, - || true)"
run=(./bench.py --http portal=http://127.0.0.1:8080/graphql --pidfile portal="$PEER_ROOT/portal.pid"
  --conc 1,16 --rounds "${ROUNDS:-3}" --duration "${DURATION:-10}" --warmup 2)
if [[ -n "$with_peer" ]]; then
  "${run[@]}" --targets postgraphile,portal,sql-rows --queries "$with_peer"
fi
if [[ ",$queries," == *,workplan_dashboard,* ]]; then
  if (( $(psql "$DATABASE_URL" -Atc "select count(*) from public.workplans") == 0 )); then
    PORTAL_DATA_DIR="$work/portal-data" python3 "$here/make-workplans.py" http://127.0.0.1:8080/graphql "$portal"
  fi
  "${run[@]}" --targets portal,sql-rows --queries workplan_dashboard
fi
