"""Import of GeoNames dumps: small files in the official formats, with malformed lines."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner

from frontwire.cli.gazetteer import gazetteer as gazetteer_cli
from frontwire.errors import GazetteerFormatError
from frontwire.places import extract_places
from frontwire.places.cache import build, open_index
from frontwire.places.geonames_import import import_files
from frontwire.places.names import normalize


def geoname(gid, name, alts, lat, lon, fclass, fcode, cc, admin1, pop):
    cols = [str(gid), name, name, alts, str(lat), str(lon), fclass, fcode, cc, "", admin1, "", "",
            "", str(pop), "", "150", "Europe/Kyiv", "2023-01-01"]
    return "\t".join(cols)


UA_ROWS = [
    geoname(9000001, "Mayorsk", "Maiorsk,Mayorsk,Майорськ", 48.40, 38.04, "P", "PPL", "UA", "05", 1200),
    geoname(9000002, "Klishchiivka", "Klishchiyivka,Kleshcheevka", 48.53, 37.97, "P", "PPL", "UA", "05", 0),
    geoname(9000003, "Soledar", "Soledar", 48.6921, 38.07098, "P", "PPLA3", "UA", "05", 10490),
    geoname(9000004, "Bakhmut", "Artemivsk,Bakhmut", 48.59419, 37.99886, "P", "PPLA2", "UA", "05", 80500),
    geoname(709716, "Donetsk Oblast", "Donetska oblast", 48.0, 37.8, "A", "ADM1", "UA", "05", 4100000),
    geoname(9000006, "Hora Mohyla", "", 48.1, 37.9, "T", "HLL", "UA", "05", 0),  # kept out: a hill
    "9000007\tBroken\tonly five columns\t48.0\t37.0",  # malformed: columns
    geoname(9000008, "Badlat", "", "abc", 37.0, "P", "PPL", "UA", "05", 0),  # malformed: latitude
    geoname(9000009, "Offworld", "", 123.0, 37.0, "P", "PPL", "UA", "05", 0),  # malformed: range
    "",
]
ADMIN1 = ["UA.05\tDonetsk\tDonetsk\t709716", "UA.09\tLuhansk\tLuhansk\t702657", "garbage line"]
ALTNAMES = [
    "1\t9000001\tuk\tМайорськ\t\t\t\t\t\t",
    "2\t9000001\ten\tMaiorske\t\t\t\t\t\t",
    "3\t9000001\tlink\thttps://en.wikipedia.org/wiki/Mayorsk\t\t\t\t\t\t",
    "not\ta\tnumber",
]


@pytest.fixture()
def dumps(tmp_path):
    ua = tmp_path / "UA.txt"
    ua.write_text("\n".join(UA_ROWS) + "\n", encoding="utf-8")
    admin1 = tmp_path / "admin1CodesASCII.txt"
    admin1.write_text("\n".join(ADMIN1) + "\n", encoding="utf-8")
    alt = tmp_path / "alternateNamesV2.txt"
    alt.write_text("\n".join(ALTNAMES) + "\n", encoding="utf-8")
    zipped = tmp_path / "UA.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.write(ua, "UA.txt")
        zf.writestr("readme.txt", "GeoNames country dump\n")
    return {"ua": ua, "admin1": admin1, "alt": alt, "zip": zipped}


def test_import_counts_malformed_lines(dumps, tmp_path):
    reports = import_files([dumps["ua"], dumps["admin1"], dumps["alt"]], cache_dir=tmp_path / "c")
    by_kind = {r.kind: r for r in reports}
    assert (by_kind["geonames"].rows, by_kind["geonames"].kept, by_kind["geonames"].malformed) \
        == (9, 5, 3)
    assert (by_kind["admin1"].kept, by_kind["admin1"].malformed) == (2, 1)
    assert (by_kind["altnames"].kept, by_kind["altnames"].malformed) == (2, 1)
    assert "3 malformed lines skipped" in by_kind["geonames"].line()


def test_zipped_dump_reads_like_plain(dumps, tmp_path):
    plain = import_files([dumps["ua"]], cache_dir=tmp_path / "a")
    zipped = import_files([dumps["zip"]], cache_dir=tmp_path / "b")
    assert [(r.rows, r.kept, r.malformed) for r in zipped] == [(r.rows, r.kept, r.malformed)
                                                                  for r in plain]


def test_not_a_geonames_file_is_refused(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("this is not a GeoNames dump\njust prose\n", encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match="not a GeoNames"):
        import_files([bad], cache_dir=tmp_path / "c")


def test_imported_villages_resolve(dumps, tmp_path, nlp):
    cache = tmp_path / "cache"
    import_files([dumps["ua"], dumps["admin1"], dumps["alt"]], cache_dir=cache)
    gaz = open_index(build(cache_dir=cache, bundled=False))
    [mayorsk] = [gaz.entry(i) for i in gaz.lookup("mayorsk")]
    assert (mayorsk.lat, mayorsk.lon, mayorsk.country) == (48.4, 38.04, "UA")
    assert gaz.lookup(normalize("Maiorske")) == (mayorsk.index,)  # from alternateNames
    assert not gaz.lookup(normalize("Hora Mohyla"))  # hills are not imported
    [oblast] = [gaz.entry(i) for i in gaz.lookup("donetsk") if gaz.entry(i).feature == "admin1"]
    assert (oblast.lat, oblast.lon) == (48.0, 37.8)  # the dump's ADM1 point
    assert mayorsk.admin1 == "Donetsk"  # admin1CodesASCII names the region
    assert oblast.index in gaz.lookup(normalize("Donetska oblast"))  # the ADM1 row's names

    text = "“The most difficult situation remains in the Soledar-Bakhmut-Mayorsk region,” he wrote."
    places = {p.text: p for p in extract_places(nlp(text), gazetteer=gaz)}
    assert places["Mayorsk"].geonameid == 9000001
    assert places["Soledar"].geonameid == 9000003


def test_cli_import_reports_and_rebuilds(dumps, tmp_path, monkeypatch):
    built = []
    monkeypatch.setattr("frontwire.places.cache.build",
                        lambda *, cache_dir: built.append(cache_dir) or tmp_path / "x.pkl")
    result = CliRunner().invoke(gazetteer_cli, ["import", str(dumps["ua"]), "--cache-dir",
                                                str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert "5 kept, 3 malformed lines skipped" in result.output
    assert built == [str(tmp_path / "c")]


def test_cli_import_missing_file_is_one_line(tmp_path):
    result = CliRunner().invoke(gazetteer_cli, ["import", str(tmp_path / "nope.zip"),
                                                "--cache-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert "no such file" in result.output and "Traceback" not in result.output
