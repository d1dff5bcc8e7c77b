#!/usr/bin/env python3
"""Writes the indicator dataset of tests/benches/indicators.rs as a CSV for `portal import
indicators`, from the providers and catalogue of the database at $DATABASE_URL: every member,
every provider-level indicator, 36 months to October 2026 (quarterly and annual ones at their own
periods), TOTAL plus sex and deprivation segments for proportions and ratios (~311k rows)."""
import os, subprocess, sys

def rows(sql):
    out = subprocess.run(["psql", os.environ["DATABASE_URL"], "-At", "-F", ",", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split(",") for line in out.splitlines() if line]

providers = [r[0] for r in rows("select provider_ods from network_memberships where valid_to is null "
                                "order by network_code, role, provider_ods")]
indicators = rows("select code, kind, frequency from indicators where level = 'PROVIDER' and network_code is null order by code")
segments = [("", "")] + [("SEX", v) for v in ("FEMALE", "MALE")] + [("DEPRIVATION_QUINTILE", str(q)) for q in range(1, 6)]

def periods(frequency):
    for i in range(36):
        y, m = 2023 + (10 + i) // 12, (10 + i) % 12 + 1
        if frequency == "QUARTERLY" and m not in (1, 4, 7, 10) or frequency == "ANNUAL" and m != 4:
            continue
        yield f"{y}-{m:02}-01"

w = sys.stdout
w.write("indicator,organisation,period,segment_kind,segment_value,numerator,denominator,value,status\n")
for p, ods in enumerate(providers):
    for k, (code, kind, frequency) in enumerate(indicators):
        segs = segments if kind in ("PROPORTION", "RATIO") else segments[:1]
        for t, period in enumerate(periods(frequency)):
            for s, (segment, value) in enumerate(segs):
                seed = p * 31 + k * 7 + t * 3 + s
                den = (40 + seed % 160) // (1 if s == 0 else 4) + 1
                if kind == "PROPORTION":
                    n, d, v = den * (20 + (p * 7 + t) % 60) // 100, den, ""
                elif kind == "RATIO":
                    n, d, v = seed % 9, f"{3.0 + (seed % 50) / 10.0:.2f}", ""
                elif kind == "COUNT":
                    n, d, v = "", "", seed % 40
                else:
                    n, d, v = "", den, f"{2.0 + (seed % 80) / 10.0:.1f}"
                w.write(f"{code},{ods},{period},{segment},{value},{n},{d},{v},VALIDATED\n")
