"""The zh-hans catalogue is complete and the compiled .mo matches the .po."""

import gettext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def parse_po(path: Path):
    """Yield (msgctxt, msgid, msgid_plural, [msgstr…], flags) for every entry except the header."""
    entries, entry, key = [], None, None

    def flush():
        if entry and entry["msgid"]:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            flush()
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": "", "msgctxt": None, "msgid": "", "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = line[1:-1].encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += value
            else:
                entry[key] += value
        else:
            word, _sep, rest = line.partition(" ")
            value = rest[1:-1].encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
            if word.startswith("msgstr["):
                key = ("msgstr", int(word[7:-1]))
                entry["msgstr"][key[1]] = value
            elif word == "msgstr":
                key = ("msgstr", 0)
                entry["msgstr"][0] = value
            else:
                key = word
                entry[key] = value
    return entries


def test_every_message_has_a_chinese_translation():
    entries = parse_po(PO)
    assert len(entries) > 100
    missing = [e["msgid"] for e in entries if not all(e["msgstr"].values()) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not missing, f"untranslated: {missing[:20]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"


def test_compiled_catalogue_is_up_to_date():
    with MO.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    stale = []
    for e in parse_po(PO):
        msgid = e["msgid"] if e["msgctxt"] is None else f"{e['msgctxt']}\x04{e['msgid']}"
        if e["msgid_plural"] is None:
            got = catalogue.gettext(msgid)
            if got != e["msgstr"][0]:
                stale.append(e["msgid"])
        elif e["msgctxt"] is None and catalogue.ngettext(e["msgid"], e["msgid_plural"], 1) != e["msgstr"][0]:
            stale.append(e["msgid"])
    assert not stale, f"run `make messages`: .mo is stale for {stale[:10]}"
