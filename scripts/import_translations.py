"""Export texts to translate from flows/, and import translations, marked `review: true`.

    .venv/bin/python scripts/import_translations.py --export en > to-translate.yml
    .venv/bin/python scripts/import_translations.py ur.yml [fa.yml ...]

A translation file maps keys to texts, as produced from the English source:
`dialogue.<key>`, `<topic>.title`, `<topic>.answer`, `<topic>.countries.<CC>`,
`<topic>.details.<key>.title|text`. The file's name is the language code. Texts
already in flows/ for that language are replaced. The flows files are rewritten in
their canonical layout, keeping their leading comment lines.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _entry(value) -> str:
    if isinstance(value, dict):
        flag = "true" if value.get("review") else "false"
        return f"{{text: {_string(value['text'])}, review: {flag}}}"
    return _string(value)


def _text_lines(text: dict, indent: str) -> list[str]:
    return [f"{indent}{lang}: {_entry(value)}" for lang, value in text.items()]


def _header(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines[:next((i for i, x in enumerate(lines)
                                           if not x.startswith("#")), len(lines))]]


def write_dialogue(path: Path, data: dict) -> None:
    lines = _header(path)
    for key, text in data.items():
        lines += [f"{key}:", *_text_lines(text, "  ")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_topic(path: Path, data: dict) -> None:
    lines = _header(path) + [f"topic: {data['topic']}", f"order: {data['order']}"]
    for key in ("title", "answer"):
        lines += [f"{key}:", *_text_lines(data[key], "  ")]
    if data.get("countries"):
        lines.append("countries:")
        for country, text in data["countries"].items():
            lines += [f"  {country}:", *_text_lines(text, "    ")]
    if data.get("details"):
        lines.append("details:")
        for detail in data["details"]:
            lines += [f"  - key: {detail['key']}", "    title:",
                      *_text_lines(detail["title"], "      "), "    text:",
                      *_text_lines(detail["text"], "      ")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _slot(files: dict, key: str) -> dict:
    """The {language: text} mapping a translation key names."""
    head, *rest = key.split(".")
    if head == "dialogue":
        return files["dialogue"][rest[0]]
    topic = files[head]
    if rest[0] in ("title", "answer"):
        return topic[rest[0]]
    if rest[0] == "countries":
        return topic["countries"][rest[1]]
    detail = next(d for d in topic["details"] if d["key"] == rest[1])
    return detail[rest[2]]


def _keys(files: dict):
    """Every translation key, in file order."""
    for key in files["dialogue"]:
        yield f"dialogue.{key}"
    for stem, topic in files.items():
        if stem == "dialogue":
            continue
        yield from (f"{stem}.title", f"{stem}.answer")
        yield from (f"{stem}.countries.{c}" for c in topic.get("countries") or {})
        for detail in topic.get("details") or ():
            yield from (f"{stem}.details.{detail['key']}.{part}" for part in ("title", "text"))


def _text_of(value) -> str:
    return value["text"] if isinstance(value, dict) else value


def main(args: list[str]) -> int:
    dialogue_path = FLOWS / "dialogue.yml"
    files = {"dialogue": yaml.safe_load(dialogue_path.read_text(encoding="utf-8"))}
    topic_paths = {}
    for path in sorted((FLOWS / "topics").glob("*.yml")):
        files[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
        topic_paths[path.stem] = path
    if args[:1] == ["--export"]:
        language = args[1] if len(args) > 1 else "en"
        for key in _keys(files):
            print(f"{key}: {_string(_text_of(_slot(files, key).get(language, '')))}")
        return 0
    for name in args:
        language = Path(name).stem
        for key, text in yaml.safe_load(Path(name).read_text(encoding="utf-8")).items():
            _slot(files, key)[language] = {"text": text, "review": True}
        print(f"{name}: imported as {language}, marked for review")
    write_dialogue(dialogue_path, files["dialogue"])
    for stem, path in topic_paths.items():
        write_topic(path, files[stem])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
