-- Full-text search over articles, kept in sync with the articles table by triggers.
--
-- articles_fts: words of alphabetic scripts.  unicode61 folds case and Latin diacritics
-- ("Nguyễn" matches "Nguyen"); combining marks (Mn, Mc) count as word characters so Arabic,
-- Hebrew and Indic words with vowel signs are not split apart.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text,
    content = 'articles', content_rowid = 'seq',
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co Mn Mc'"
);

-- articles_cjk: scripts written without spaces (Chinese, Japanese, Korean, Thai), where unicode61
-- would index a whole sentence as one token.  Trigrams find any substring of three or more
-- characters; shorter queries fall back to a scan of these languages only (store/search.py).
CREATE VIRTUAL TABLE articles_cjk USING fts5(
    title, text,
    content = 'articles', content_rowid = 'seq',
    tokenize = 'trigram'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
    INSERT INTO articles_cjk (rowid, title, text)
        SELECT new.seq, new.title, new.text WHERE new.lang IN ('zh', 'ja', 'ko', 'th');
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO articles_cjk (articles_cjk, rowid, title, text)
        SELECT 'delete', old.seq, old.title, old.text WHERE old.lang IN ('zh', 'ja', 'ko', 'th');
END;

-- One trigger for the whole update so the old entry is always removed before the new one is added.
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text, lang ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
    INSERT INTO articles_cjk (articles_cjk, rowid, title, text)
        SELECT 'delete', old.seq, old.title, old.text WHERE old.lang IN ('zh', 'ja', 'ko', 'th');
    INSERT INTO articles_cjk (rowid, title, text)
        SELECT new.seq, new.title, new.text WHERE new.lang IN ('zh', 'ja', 'ko', 'th');
END;

-- Stores that already hold articles when this migration runs.
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
INSERT INTO articles_cjk (rowid, title, text)
    SELECT seq, title, text FROM articles WHERE lang IN ('zh', 'ja', 'ko', 'th');
