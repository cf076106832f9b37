"""Full-text search of the article list (``q``): every version's headline and body, ranked, with snippets,
on SQLite (FTS5) and PostgreSQL (tsvector + GIN), and the change stream's pages and filters."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from variorum import Article
from variorum.store.changes import HIGHLIGHTS, change_page
from variorum.store.queries import ArticleFilter, list_articles
from variorum.store.search import fts5_query, query_terms, snippet_segments
from variorum.track.record import record_fetch

T0 = datetime(2026, 2, 1, 8, 0, tzinfo=timezone.utc)
STORM = "https://news.example.org/storm"
BUDGET = "https://city.example.com/budget"
OTHER = "https://news.example.org/other"


def fill(store):
    record_fetch(store, STORM, Article.from_text(
        "Storm Nears Coast\n\nThe storm is 40 km away. A chemical plant was evacuated on Monday."), b"", T0)
    record_fetch(store, STORM, Article.from_text(
        "Storm Hits Coast\n\nThe storm is here. Schools are closed."), b"", T0 + timedelta(hours=1))
    record_fetch(store, BUDGET, Article.from_text(
        "Council Passes Budget\n\nThe council passed a budget of 5 million after a long storm of protest."),
        b"", T0 + timedelta(hours=2))
    record_fetch(store, BUDGET, Article.from_text(
        "Council Passes Budget\n\nThe council passed a budget of 7 million after a long storm of protest."),
        b"", T0 + timedelta(hours=3))
    record_fetch(store, OTHER, Article.from_text("Weather Today\n\nSunny all day, forecasters said."), b"",
                         T0 + timedelta(hours=4))


def ids(store, **wanted):
    return [row.url for row in list_articles(store, ArticleFilter(**wanted)).rows]


def test_a_past_headline_finds_the_article(store):
    fill(store)
    assert ids(store, q="nears") == [STORM]
    page = list_articles(store, ArticleFilter(q="nears"))
    assert page.total == 1
    hit = page.rows[0].snippet
    assert hit is not None and hit.version == 1
    assert [part for part, matched in hit.segments if matched] == ["Nears"]


def test_a_body_word_of_a_removed_sentence_finds_the_article_and_is_stemmed(store):
    fill(store)
    assert ids(store, q="chemical") == [STORM]
    assert ids(store, q="evacuate") == [STORM]  # "evacuated" in the text
    assert ids(store, q="zebra") == []


def test_every_word_must_occur_and_the_best_match_ranks_first(store):
    fill(store)
    assert ids(store, q="storm council") == [BUDGET]
    found = ids(store, q="storm")
    assert set(found) == {STORM, BUDGET}
    assert found[0] == STORM  # in the headline and twice in the body, against once in a body


def test_search_combines_with_the_other_filters_and_pages(store):
    fill(store)
    assert ids(store, q="storm", site="example.com") == [BUDGET]
    first = list_articles(store, ArticleFilter(q="storm", limit=1))
    second = list_articles(store, ArticleFilter(q="storm", limit=1, offset=1))
    assert first.total == second.total == 2
    assert {first.rows[0].url, second.rows[0].url} == {STORM, BUDGET}


def test_fts5_operators_in_user_text_are_words_not_syntax(store):
    fill(store)
    assert fts5_query('storm OR NOT "sea wall" AND*') == '"storm" "or" "not" "sea wall" "and"'
    assert ids(store, q='storm NEAR( "') == [STORM]  # no syntax error; "near" is a word ("Nears", stemmed)
    assert ids(store, q='storm zebra* ( "') == []
    assert query_terms("  ..  ") == []


def test_a_url_query_matches_urls(store):
    fill(store)
    assert ids(store, q="city.example.com") == [BUDGET]
    assert ids(store, q="news.example.org/other") == [OTHER]


def test_the_list_shows_the_latest_change_not_the_largest(store):
    fill(store)
    record_fetch(store, BUDGET, Article.from_text(
        "Council Passes Budget\n\nThe council passed a budget of 7 million, after a long storm of protest."),
        b"", T0 + timedelta(hours=5))
    row = next(r for r in list_articles(store).rows if r.url == BUDGET)
    assert (row.max_significance, row.last_significance) == ("major", "minor")


def test_versions_deleted_with_their_article_leave_the_index(store):
    fill(store)
    with store.session() as session, session.begin():
        session.execute(text("DELETE FROM articles WHERE url = :url"), {"url": STORM})
    assert ids(store, q="chemical") == []


def test_the_index_holds_one_row_per_article_kept_by_the_triggers(store):
    fill(store)
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM search_articles")).scalar() == 3
    with store.session() as session, session.begin():
        session.execute(text("DELETE FROM versions WHERE seq = 2 AND article_id = "
                             "(SELECT id FROM articles WHERE url = :url)"), {"url": STORM})
    assert ids(store, q="schools") == []  # only version 2 had it
    assert ids(store, q="chemical") == [STORM]
    assert ids(store, q="budget") == [BUDGET]


def test_snippets_cut_around_the_first_match():
    body = "word " * 100 + "the chemical plant " + "word " * 100
    segments = snippet_segments(body, ["chemical"], width=60)
    text_ = "".join(part for part, _ in segments)
    assert text_.startswith("…") and text_.endswith("…") and len(text_) <= 62
    assert [part for part, matched in segments if matched] == ["chemical"]


def test_change_pages_have_a_total_offsets_filters_and_old_to_new_text(store):
    fill(store)
    first = change_page(store, limit=1)
    second = change_page(store, limit=1, offset=1)
    assert first.total == second.total == 2
    assert first.entries[0].url == BUDGET and second.entries[0].url == STORM
    assert change_page(store, site="example.com").total == 1
    headline = change_page(store, kind="headline")
    assert [e.url for e in headline.entries] == [STORM]
    shown = headline.entries[0].highlights
    assert 1 <= len(shown) <= HIGHLIGHTS
    assert (shown[0].kind, shown[0].old, shown[0].new) == ("headline", "Storm Nears Coast", "Storm Hits Coast")
    number = change_page(store, kind="number").entries[0].highlights[0]
    assert (number.old, number.new) == ("5", "7")


def test_a_common_word_ranks_the_newest_matches_then_lists_the_rest_newest_first(store, monkeypatch):
    monkeypatch.setattr("variorum.store.queries.RANKED", 3)
    urls = [f"https://news.example.org/flood-{n}" for n in range(6)]
    bodies = {0: "Flood flood flood flood flood.", 4: "Flood flood flood sirens."}
    for n, url in enumerate(urls):  # stored in order, so ids rise with n; flood-0 and flood-4 say "flood" most
        body = bodies.get(n, "A flood warning.")
        record_fetch(store, url, Article.from_text(f"Report {n}\n\n{body} Roads closed."), b"",
                     T0 + timedelta(minutes=n))
    page = list_articles(store, ArticleFilter(q="flood", limit=2))
    assert (page.total, page.more) == (3, True)  # at least as many as were ranked
    seen = [row.url for offset in range(0, 8, 2)
            for row in list_articles(store, ArticleFilter(q="flood", limit=2, offset=offset)).rows]
    assert seen[0] == urls[4]  # the best of the three newest
    assert set(seen[:3]) == set(urls[3:])
    assert seen[3:] == [urls[2], urls[1], urls[0]]  # then the others, newest first (unranked), none twice
    few = list_articles(store, ArticleFilter(q="sirens"))
    assert (few.total, few.more, [row.url for row in few.rows]) == (1, False, [urls[4]])
    assert list_articles(store, ArticleFilter(q="flood", site="elsewhere.example")).rows == []


def test_postgresql_finds_the_newest_matches_the_same_by_any_path(store, monkeypatch):
    """The PostgreSQL search reads windows of the newest articles, then the GIN index (a plan that does not
    depend on statistics): with tiny windows, every path must give what one plain query gives."""
    if store.dialect != "postgresql":
        return
    from sqlalchemy import select

    from variorum.store import search
    from variorum.store.changes import on_site
    from variorum.store.models import StoredArticle

    monkeypatch.setattr(search, "FIRST_WINDOW", 4)
    monkeypatch.setattr(search, "LONGEST_WALK", 12)
    used = {"walk": 0, "older": 0}
    for name, key in (("_window", "walk"), ("_older", "older")):
        def spy(*args, _real=getattr(search, name), _key=key):
            used[_key] += args[4] is not None  # a window below the first, or a read of the index
            return _real(*args)
        monkeypatch.setattr(search, name, spy)
    for n in range(40):
        words = " ".join(word for word, every in (("gale", 3), ("quay", 8), ("heron", 41)) if n % every == 0)
        record_fetch(store, f"https://{'a' if n % 2 else 'b'}.example.org/{n}",
                     Article.from_text(f"Report {n}\n\nTide tables. {words} {'heron' if n == 5 else ''}"), b"",
                     T0 + timedelta(minutes=n))
    for query in ("tide", "gale", "quay", "heron", "gale quay", "zebra"):
        for site in (None, "a.example.org"):
            conditions = [on_site(site)] if site else []
            matches = search.matching_articles("postgresql", query)
            plain = select(matches.c.article_id).join(StoredArticle, StoredArticle.id == matches.c.article_id)
            with store.session() as session:
                expected = list(session.scalars(plain.where(*conditions).order_by(matches.c.article_id.desc())))
                for limit in (1, 2, 3, 5, 8, 13, 50):
                    found = search.newest_matches_postgresql(session, query, limit, conditions)
                    assert [article_id for article_id, _ in found] == expected[:limit], (query, site, limit)
    assert used["walk"] and used["older"]
