-- Each member's days of the happening, so an event's date range can leave outliers out (a report
-- dated by a background date) instead of stretching to every date any member named.
ALTER TABLE event_articles ADD COLUMN first_day INTEGER;  -- days since 0001-01-01 (date.toordinal); NULL when unknown
ALTER TABLE event_articles ADD COLUMN last_day INTEGER;
ALTER TABLE event_articles ADD COLUMN day_firm INTEGER NOT NULL DEFAULT 0;  -- 1: a publication date
-- Stores written before: members with a publication date get it (estimates are left unknown).
UPDATE event_articles SET
    first_day = (SELECT CAST(julianday(substr(min(d.date), 1, 10)) - julianday('0001-01-01') + 1 AS INTEGER)
                 FROM article_dates d WHERE d.article_id = event_articles.article_id AND d.kind = 'publication'),
    day_firm = 1
WHERE EXISTS (SELECT 1 FROM article_dates d WHERE d.article_id = event_articles.article_id AND d.kind = 'publication');
UPDATE event_articles SET last_day = first_day WHERE day_firm = 1;
