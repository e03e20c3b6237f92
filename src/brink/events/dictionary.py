"""Actor dictionaries: names and codes found in event data -> scenario actor ids.

A dictionary is a YAML file. A scenario keeps its own in its folder, as the
companion file ``events/dictionary.yaml`` (``brink.scenario.folder.companion``), so
``load_dictionary(SCENARIO)`` finds it; any other file is given by its path::

    id: my-scenario
    scenario: my-scenario
    actors:
      HEZ:
        name: Hezbollah
        codes: [HEZ]            # CAMEO actor-code prefixes (GDELT Actor1Code, PLOVER code)
        groups: [HEZ]           # CAMEO known-group codes (GDELT Actor1KnownGroupCode)
        aliases: [Hezbollah, Hizballah, Hassan Nasrallah]   # exact names, compared normalised
        patterns: ['^islamic resistance in lebanon']        # regular expressions on normalised names
    fronts:                     # first matching rule gives an event its front
      - {front: NORTH, dyad: [AAA, BBB]}     # actor and target both in the list
      - {front: LBN, any: [HEZ]}              # actor or target in the list
      - {front: LBN, location: [LBN]}         # event located in one of these ISO3 countries

Actor ids and fronts are checked against a scenario when the caller gives one
(``scenario=``, or the ids as ``known_actors`` / ``known_fronts``): reading a scenario
costs more than reading its dictionary, so an import does not pay for it.

Matching, in this order of precedence (the first that hits wins):

1. **alias** — the normalised name equals a normalised alias;
2. **pattern** — a regular expression matches the normalised name (the longest
   matching pattern wins);
3. **group** — the CAMEO known-group code equals one of ``groups``;
4. **code** — the actor code starts with one of ``codes`` (longest prefix wins);
5. **country** — the actor's country (name or code) matches by alias or code.

Normalising a name: lower case, accents stripped, apostrophes dropped, year
ranges in brackets such as ``(2022-)`` removed, every other run of
non-alphanumeric characters turned into one space. The same SQL macro
(``brink_norm``) normalises the data and the aliases, so they always agree.

Errors in a dictionary name the file, the line and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from brink.errors import BrinkError, InputError, Problem

COMPANION = ("events", "dictionary.yaml")  # a scenario's dictionary, inside its folder
_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_CODE_RE = re.compile(r"^[A-Z0-9]{2,15}$")
_GROUP_RE = re.compile(r"^[A-Z0-9]{3}$")
_ISO3_RE = re.compile(r"^[A-Z]{3}$")
_ACTOR_KEYS = {"name", "codes", "groups", "aliases", "patterns", "note"}
_RULE_KEYS = {"front", "dyad", "any", "location", "note"}


@dataclass(frozen=True)
class DictActor:
    id: str
    name: str
    codes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class FrontRule:
    front: str
    dyad: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    location: tuple[str, ...] = ()
    line: int | None = None


@dataclass
class ActorDictionary:
    """A validated actor dictionary."""

    id: str
    path: str
    scenario: str | None
    actors: dict[str, DictActor]
    fronts: list[FrontRule] = field(default_factory=list)

    def key_rows(self) -> pd.DataFrame:
        """One row per (actor_id, kind, key, rank): the table the store matches against.

        ``kind`` is alias|pattern|group|code; alias keys are raw (normalised in SQL).
        """
        rows = []
        for a in self.actors.values():
            rows.append((a.id, "alias", a.name))
            rows.append((a.id, "alias", a.id))
            rows += [(a.id, "alias", x) for x in a.aliases]
            rows += [(a.id, "pattern", x) for x in a.patterns]
            rows += [(a.id, "group", x) for x in a.groups]
            rows += [(a.id, "code", x) for x in a.codes]
        df = pd.DataFrame(rows, columns=["actor_id", "kind", "key"]).drop_duplicates()
        return df.reset_index(drop=True)

    def front_sql(self, actor: str = "actor", target: str = "target", location: str = "country") -> str:
        """A SQL CASE expression giving each event its front from the rules."""

        def lst(xs: tuple[str, ...]) -> str:
            return "(" + ", ".join("'" + x.replace("'", "''") + "'" for x in xs) + ")"

        whens = []
        for r in self.fronts:
            conds = []
            if r.dyad:
                conds.append(f"({actor} IN {lst(r.dyad)} AND {target} IN {lst(r.dyad)} AND {actor} <> {target})")
            if r.any:
                conds.append(f"({actor} IN {lst(r.any)} OR {target} IN {lst(r.any)})")
            if r.location:
                conds.append(f"({location} IN {lst(r.location)})")
            front = r.front.replace("'", "''")
            whens.append(f"WHEN {' AND '.join(conds)} THEN '{front}'")
        if not whens:
            return "CAST(NULL AS VARCHAR)"
        return "CASE " + " ".join(whens) + " ELSE NULL END"


def dictionary_path(source: str | Path) -> tuple[Path, str | Path | None]:
    """(dictionary file, scenario it was found through or None) for ``source``.

    ``source`` is a dictionary YAML file, or a scenario (built-in name or folder),
    whose ``events/dictionary.yaml`` is used.
    """
    from brink.scenario.folder import companion, scenario_folder
    from brink.scenario.loader import builtin_names

    p = Path(source)
    if p.is_file() or (p.suffix in (".yaml", ".yml") and not p.is_dir()):
        return p, None
    try:
        folder = scenario_folder(source)
    except InputError:
        with_dic = [n for n in builtin_names() if companion(n, *COMPANION) is not None]
        raise BrinkError(
            f"no actor dictionary {str(source)!r}: give a dictionary YAML file or a scenario with one "
            f"(built-in: {', '.join(with_dic) or 'none'})"
        ) from None
    path = companion(source, *COMPANION)
    if folder is None or path is None:
        raise BrinkError(
            f"scenario {str(source)!r} has no actor dictionary: expected {Path(folder or p).joinpath(*COMPANION)} "
            f"(scenario folder {folder or p})"
        )
    return path, source


def served_scenario(source: str | Path) -> str | Path | None:
    """The scenario a dictionary serves: the one it is found through, else the one its
    ``scenario:`` key names if this machine has it (None otherwise)."""
    from brink.scenario.folder import scenario_folder

    _path, via = dictionary_path(source)
    if via is not None:
        return via
    named = load_dictionary(source).scenario
    if not isinstance(named, str) or not named:
        return None
    try:
        scenario_folder(named)
    except InputError:
        return None
    return named


def _line(node, key=None) -> int | None:
    """1-based line of a key in a ruamel CommentedMap (or of the node itself)."""
    try:
        if key is not None:
            return node.lc.key(key)[0] + 1
        return node.lc.line + 1
    except Exception:
        return None


def _item_line(seq, i) -> int | None:
    try:
        return seq.lc.item(i)[0] + 1
    except Exception:
        return None


def load_dictionary(source: str | Path, *, scenario=None, known_actors=None, known_fronts=None) -> ActorDictionary:
    """Read and validate an actor dictionary; raise ``InputError`` naming file, line, field.

    ``source`` is a scenario (built-in name or folder: its companion file
    ``events/dictionary.yaml``) or the path of a dictionary YAML file. Actor ids and
    fronts are checked against ``scenario`` (a loaded scenario, a name or a folder)
    when given, and against ``known_actors`` / ``known_fronts`` (ids), which win.
    Without either, a dictionary is checked on its own (ids well formed, front
    rules naming its own actors).
    """
    from brink.scenario.yamlread import read_yaml

    path, _via = dictionary_path(source)
    fname = str(path)
    if scenario is not None and (known_actors is None or known_fronts is None):
        if isinstance(scenario, (str, Path)):
            from brink.scenario import load_scenario

            scenario = load_scenario(scenario)
        known_actors = {a.id for a in scenario.actors} if known_actors is None else known_actors
        known_fronts = tuple(f.id for f in scenario.fronts) if known_fronts is None else known_fronts
    doc = read_yaml(path, fname, "an actor dictionary")  # the one YAML reader: limits, located errors

    problems: list[Problem] = []

    def bad(line, fld, msg):
        problems.append(Problem(fname, line, fld, msg))

    if not isinstance(doc, dict):
        raise InputError([Problem(fname, 1, "(top)", "a dictionary file is a mapping with `id` and `actors`")])
    for k in doc:
        if k not in {"id", "scenario", "actors", "fronts", "description"}:
            bad(_line(doc, k), str(k), "unknown key (expected id, scenario, description, actors, fronts)")
    did = doc.get("id")
    if not isinstance(did, str) or not did:
        bad(_line(doc, "id") or 1, "id", "required: the dictionary's name")
    serves = doc.get("scenario")

    actors: dict[str, DictActor] = {}
    raw_actors = doc.get("actors")
    if not isinstance(raw_actors, dict) or not raw_actors:
        bad(_line(doc, "actors") or 1, "actors", "required: a mapping from actor id to its entry")
        raw_actors = {}
    seen: dict[tuple[str, str], tuple[str, int | None]] = {}
    for aid, entry in raw_actors.items():
        aline = _line(raw_actors, aid)
        where = f"actors.{aid}"
        if not isinstance(aid, str) or not _ID_RE.match(aid):
            bad(aline, where, "actor id must be letters, digits and _ and start with a letter")
            continue
        if known_actors is not None and aid not in known_actors:
            bad(aline, where, f"not an actor of the scenario (known: {', '.join(sorted(known_actors))})")
        if not isinstance(entry, dict):
            bad(aline, where, "an actor entry is a mapping with name, codes, groups, aliases, patterns")
            continue
        for k in entry:
            if k not in _ACTOR_KEYS:
                bad(_line(entry, k), f"{where}.{k}", f"unknown key (expected one of {', '.join(sorted(_ACTOR_KEYS))})")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            bad(_line(entry, "name") or aline, f"{where}.name", "required: the actor's display name")
            name = aid
        lists: dict[str, tuple[str, ...]] = {}
        for key, rx, what in (
            ("codes", _CODE_RE, "upper-case CAMEO code prefix (2-15 letters/digits)"),
            ("groups", _GROUP_RE, "3-character CAMEO known-group code"),
            ("aliases", None, "non-empty name"),
            ("patterns", None, "regular expression"),
        ):
            val = entry.get(key, [])
            if val is None:
                val = []
            if not isinstance(val, list):
                bad(_line(entry, key), f"{where}.{key}", "must be a list")
                lists[key] = ()
                continue
            items = []
            for i, item in enumerate(val):
                iline = _item_line(val, i) or _line(entry, key)
                fld = f"{where}.{key}[{i}]"
                if not isinstance(item, str) or not item.strip():
                    bad(iline, fld, f"must be a {what}")
                    continue
                if rx is not None and not rx.match(item):
                    bad(iline, fld, f"{item!r} is not a {what}")
                    continue
                if key == "patterns":
                    try:
                        re.compile(item)
                    except re.error as exc:
                        bad(iline, fld, f"bad regular expression {item!r}: {exc}")
                        continue
                    if item != item.lower():
                        bad(iline, fld, "patterns match normalised (lower-case) names: write them in lower case")
                        continue
                k = (key, _norm_py(item) if key == "aliases" else item)
                if k in seen and seen[k][0] != aid:
                    other, oline = seen[k]
                    bad(iline, fld, f"{item!r} is already given to {other} (line {oline})")
                    continue
                seen[k] = (aid, iline)
                items.append(item)
            lists[key] = tuple(items)
        actors[aid] = DictActor(id=aid, name=name, line=aline, **lists)

    fronts: list[FrontRule] = []
    raw_fronts = doc.get("fronts", []) or []
    if not isinstance(raw_fronts, list):
        bad(_line(doc, "fronts"), "fronts", "must be a list of rules")
        raw_fronts = []
    for i, rule in enumerate(raw_fronts):
        rline = _item_line(raw_fronts, i)
        where = f"fronts[{i}]"
        if not isinstance(rule, dict):
            bad(rline, where, "a rule is a mapping: {front: ID, dyad|any|location: [...]}")
            continue
        for k in rule:
            if k not in _RULE_KEYS:
                bad(_line(rule, k) or rline, f"{where}.{k}", "unknown key (expected front, dyad, any, location)")
        front = rule.get("front")
        if not isinstance(front, str) or not _ID_RE.match(front):
            bad(_line(rule, "front") or rline, f"{where}.front", "a front id: letters, digits and _")
            continue
        if known_fronts is not None and front not in known_fronts:
            bad(_line(rule, "front") or rline, f"{where}.front",
                f"not a front of the scenario (known: {', '.join(known_fronts)})")
            continue
        parts: dict[str, tuple[str, ...]] = {}
        for key in ("dyad", "any", "location"):
            val = rule.get(key, []) or []
            if not isinstance(val, list):
                bad(_line(rule, key) or rline, f"{where}.{key}", "must be a list")
                val = []
            for j, x in enumerate(val):
                if key == "location":
                    if not isinstance(x, str) or not _ISO3_RE.match(x):
                        bad(_line(rule, key) or rline, f"{where}.{key}[{j}]", f"{x!r} is not an ISO3 country code")
                elif x not in actors and x not in raw_actors:
                    bad(_line(rule, key) or rline, f"{where}.{key}[{j}]", f"{x!r} is not an actor of this dictionary")
            parts[key] = tuple(str(x) for x in val)
        if not any(parts.values()):
            bad(rline, where, "a rule needs at least one of dyad, any, location")
            continue
        if parts["dyad"] and len(parts["dyad"]) < 2:
            bad(_line(rule, "dyad") or rline, f"{where}.dyad", "a dyad needs at least two actors")
            continue
        fronts.append(FrontRule(front=front, line=rline, **parts))

    if problems:
        raise InputError(problems)
    return ActorDictionary(id=str(did), path=str(path), scenario=serves, actors=actors, fronts=fronts)


def _norm_py(s: str) -> str:
    """Python mirror of the SQL ``brink_norm`` macro (used for duplicate checks and tests)."""
    import unicodedata

    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"['\u2019`]", "", s)
    s = re.sub(r"\(\s*\d{4}\s*-\s*(\d{4})?\s*\)", " ", s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return s.strip()


# The SQL twin of _norm_py; defined on every store connection.
NORM_MACRO_SQL = r"""
CREATE OR REPLACE TEMP MACRO brink_norm(s) AS
  trim(regexp_replace(
    regexp_replace(
      regexp_replace(lower(strip_accents(s)), '[''’`]', '', 'g'),
      '\(\s*[0-9]{4}\s*-\s*([0-9]{4})?\s*\)', ' ', 'g'),
    '[^a-z0-9]+', ' ', 'g'))
"""
