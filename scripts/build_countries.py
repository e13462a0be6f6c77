"""Build the map page's offline country layer from npm ``world-atlas`` (Natural Earth 1:110m).

Natural Earth is public domain; world-atlas (ISC licence, Mike Bostock) converts it to
TopoJSON. This script decodes the TopoJSON arcs (delta-encoded, quantized) into GeoJSON
polygons, rounds coordinates to 0.01 degrees and writes
``src/frontwire/web/static/data/countries-110m.geojson``. Run it again after upgrading::

    npm install world-atlas@2.0.2 && python scripts/build_countries.py node_modules/world-atlas/countries-110m.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/frontwire/web/static/data/countries-110m.geojson"


def decode(topo: dict) -> dict:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append([round(x * sx + tx, 2), round(y * sy + ty, 2)])
        arcs.append(pts)

    def ring(indexes: list[int]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts if not out else pts[1:])
        return out

    feats = []
    for g in topo["objects"]["countries"]["geometries"]:
        if g["type"] == "Polygon":
            geom = {"type": "Polygon", "coordinates": [ring(r) for r in g["arcs"]]}
        elif g["type"] == "MultiPolygon":
            geom = {"type": "MultiPolygon",
                    "coordinates": [[ring(r) for r in poly] for poly in g["arcs"]]}
        else:
            continue
        feats.append({"type": "Feature", "id": g.get("id"),
                      "properties": {"name": g.get("properties", {}).get("name")},
                      "geometry": geom})
    return {"type": "FeatureCollection", "features": feats}


if __name__ == "__main__":
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "node_modules/world-atlas/countries-110m.json")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(decode(json.loads(src.read_text())), separators=(",", ":")))
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} kB)")
