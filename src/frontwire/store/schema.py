"""The store's schema as ordered migrations, shared by the DuckDB and (later) PostgreSQL stores.

Each migration is applied once, in order, inside a transaction, and recorded in
``schema_version``. Never edit a released migration: add a new one.

A statement is SQL for every engine, or ``(engine, sql)`` for one engine only ("duckdb" or
"postgres"): a row store needs indexes that a column store neither uses nor wants.
"""

from __future__ import annotations

Statement = str | tuple[str, str]

MIGRATIONS: list[tuple[int, str, list[Statement]]] = [
    (1, "articles, entities, places, times, claims, events, evidence", [
        """CREATE TABLE articles (
            id VARCHAR PRIMARY KEY,
            url VARCHAR, title VARCHAR, source VARCHAR, published DATE, language VARCHAR,
            text VARCHAR NOT NULL,
            origin VARCHAR, model VARCHAR, ingested_at TIMESTAMP NOT NULL,
            n_removed INTEGER NOT NULL, n_entities INTEGER NOT NULL, n_places INTEGER NOT NULL,
            n_times INTEGER NOT NULL, n_claims INTEGER NOT NULL, n_events INTEGER NOT NULL
        )""",
        """CREATE TABLE removals (
            article_id VARCHAR NOT NULL, seq INTEGER NOT NULL,
            text VARCHAR NOT NULL, reason VARCHAR NOT NULL, rule VARCHAR,
            PRIMARY KEY (article_id, seq)
        )""",
        """CREATE TABLE entities (
            article_id VARCHAR NOT NULL, seq INTEGER NOT NULL,
            text VARCHAR NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, label VARCHAR,
            PRIMARY KEY (article_id, seq)
        )""",
        """CREATE TABLE places (
            article_id VARCHAR NOT NULL, seq INTEGER NOT NULL,
            text VARCHAR NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
            name VARCHAR, geonameid BIGINT, feature VARCHAR, country VARCHAR, admin1 VARCHAR,
            lat DOUBLE, lon DOUBLE, score DOUBLE,
            PRIMARY KEY (article_id, seq)
        )""",
        """CREATE TABLE times (
            article_id VARCHAR NOT NULL, seq INTEGER NOT NULL,
            text VARCHAR NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
            value VARCHAR, start_date DATE, end_date DATE, precision VARCHAR,
            PRIMARY KEY (article_id, seq)
        )""",
        """CREATE TABLE claims (
            article_id VARCHAR NOT NULL, id VARCHAR NOT NULL, seq INTEGER NOT NULL,
            speaker VARCHAR, speaker_role VARCHAR, speaker_type VARCHAR, cue VARCHAR,
            channel VARCHAR, text VARCHAR NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
            direct BOOLEAN NOT NULL, date_start DATE, date_end DATE, cites VARCHAR,
            PRIMARY KEY (article_id, id)
        )""",
        """CREATE TABLE events (
            article_id VARCHAR NOT NULL, id VARCHAR NOT NULL, seq INTEGER NOT NULL,
            event_type VARCHAR NOT NULL, sub_event_type VARCHAR,
            actor1_name VARCHAR, actor1_country VARCHAR, actor1_kind VARCHAR,
            actor2_name VARCHAR, actor2_country VARCHAR, actor2_kind VARCHAR,
            location_name VARCHAR, geonameid BIGINT, country VARCHAR, admin1 VARCHAR,
            lat DOUBLE, lon DOUBLE, geo_precision INTEGER,
            date_start DATE, date_end DATE, date_precision VARCHAR,
            fatalities INTEGER, claimed_by VARCHAR, claim_id VARCHAR, channel VARCHAR,
            confidence DOUBLE NOT NULL,
            PRIMARY KEY (article_id, id)
        )""",
        """CREATE TABLE evidence (
            article_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL, seq INTEGER NOT NULL,
            text VARCHAR NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
            PRIMARY KEY (article_id, event_id, seq)
        )""",
    ]),
    (2, "the record: article sources (near-duplicates), MinHash LSH bands, event clusters", [
        # Every outlet and URL an article came from: the first is the one stored, the others are
        # near-duplicates (syndicated copy, light edits) found at ingest and not stored again.
        """CREATE TABLE article_sources (
            article_id VARCHAR NOT NULL, seq INTEGER NOT NULL,
            source VARCHAR, url VARCHAR, title VARCHAR, published DATE,
            duplicate_id VARCHAR, similarity DOUBLE, added_at TIMESTAMP NOT NULL,
            PRIMARY KEY (article_id, seq)
        )""",
        # MinHash signatures (for checking candidates) and LSH band keys (for finding them).
        """CREATE TABLE article_minhash (
            article_id VARCHAR PRIMARY KEY, shingles INTEGER NOT NULL, signature UBIGINT[] NOT NULL
        )""",
        """CREATE TABLE article_lsh (
            band INTEGER NOT NULL, key UBIGINT NOT NULL, article_id VARCHAR NOT NULL
        )""",
        "CREATE INDEX article_lsh_key ON article_lsh (band, key)",
        # Clusters are derived (recomputable); raw events stay in ``events``.
        """CREATE TABLE event_clusters (
            id VARCHAR PRIMARY KEY, event_type VARCHAR NOT NULL, sub_event_type VARCHAR,
            location_name VARCHAR, country VARCHAR, lat DOUBLE, lon DOUBLE, geo_precision INTEGER,
            date_start DATE, date_end DATE,
            n_events INTEGER NOT NULL, n_articles INTEGER NOT NULL, n_sources INTEGER NOT NULL,
            sources VARCHAR[], claimants JSON, conflicts JSON, fatalities_min INTEGER,
            fatalities_max INTEGER, computed_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE cluster_events (
            cluster_id VARCHAR NOT NULL, article_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL,
            PRIMARY KEY (article_id, event_id)
        )""",
    ]),
    (3, "events: wounded kept apart from fatalities, and the phrases both counts come from", [
        "ALTER TABLE events ADD COLUMN wounded INTEGER",
        "ALTER TABLE events ADD COLUMN fatalities_text VARCHAR",
        "ALTER TABLE events ADD COLUMN wounded_text VARCHAR",
    ]),
    (4, "PostgreSQL: indexes for the API's pages, cluster lookups and readers", [
        # Pages of events and clusters are top-N in this order (eventquery.SORT_KEY): with the
        # index a page is an index range scan instead of a sort of every event.
        ("postgres", "CREATE INDEX events_page ON events "
                     "((coalesce(date_start, DATE '9999-12-31')), article_id, id)"),
        ("postgres", "CREATE INDEX event_clusters_page ON event_clusters "
                     "((coalesce(date_start, DATE '9999-12-31')), id)"),
        ("postgres", "CREATE INDEX cluster_events_cluster ON cluster_events (cluster_id)"),
        ("postgres", "CREATE INDEX events_lat ON events (lat)"),
        # The incremental cluster update's prefilter: same type, overlapping dates.
        ("postgres", "CREATE INDEX events_type_date ON events ((lower(event_type)), date_start)"),
        ("postgres", "CREATE INDEX articles_published ON articles (published, id)"),
    ]),
]

LATEST = MIGRATIONS[-1][0]

# The child tables of an article, each with the count column in ``articles`` that says how
# many rows a complete article has there (how a reader can check nothing is half-written).
CHILD_TABLES = {
    "removals": "n_removed", "entities": "n_entities", "places": "n_places", "times": "n_times",
    "claims": "n_claims", "events": "n_events",
}
