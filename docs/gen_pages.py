"""Reference pages generated at build time (run by mkdocs-gen-files, see mkdocs.yml), so they cannot drift:

* ``reference/cli.md``: every command and sub-command of the typer app (its click tree), with usage, help and
  options;
* ``reference/http.md``: every HTTP endpoint from the OpenAPI schema of ``foedus.api.app.create_app``;
* ``reference/register-schema.md``: the register's YAML fields from the pydantic models of
  ``foedus.register.model``.

Run it alone (``python docs/gen_pages.py OUTDIR``) to write the pages to a directory instead.
"""

from __future__ import annotations

import sys
import typing
from pathlib import Path


# ---------------------------------------------------------------- CLI
def _cell(text) -> str:
    return " ".join(str(text if text is not None else "").split()).replace("|", "\\|")


def _param_row(param, ctx) -> str:
    """One table row from the parameter's own help record (what `--help` prints for it)."""
    record = None
    try:
        record = param.get_help_record(ctx)
    except Exception:  # an argument without help has no record
        record = None
    if param.param_type_name == "argument":
        decl = (param.metavar or param.name or "").upper()
        text = (record[1] if record else "") or getattr(param, "help", "") or ""
        kind = "argument" + (", required" if param.required else "")
    else:
        decl = record[0] if record else ", ".join(param.opts)
        text = record[1] if record else (param.help or "")
        kind = "flag" if getattr(param, "is_flag", False) else "option" + (", required" if param.required else "")
    return f"| `{_cell(decl)}` | {kind} | {_cell(text)} |"


def _command_md(path: list[str], command, depth: int) -> list[str]:
    full = " ".join(path)
    ctx = type(command).context_class(command, info_name=full)
    usage = ["[OPTIONS]"] + [(p.metavar or p.name or "").upper() for p in command.params
                              if p.param_type_name == "argument"]
    if hasattr(command, "commands"):
        usage.append("COMMAND [ARGS]...")
    lines = [f"{'#' * depth} `{full}`", ""]
    help_text = (command.help or command.short_help or "").strip()
    if help_text:
        lines += [help_text.replace("\b\n", ""), ""]
    lines += ["```text", f"{full} {' '.join(usage)}".rstrip(), "```", ""]
    params = [p for p in command.params if not getattr(p, "hidden", False) and p.name != "help"]
    if params:
        lines += ["| option | kind | meaning |", "|---|---|---|"]
        lines += [_param_row(p, ctx) for p in params]
        lines.append("")
    if hasattr(command, "commands"):
        for name in sorted(command.commands):
            lines += _command_md([*path, name], command.commands[name], min(depth + 1, 6))
    return lines


def cli_page() -> str:
    from foedus.cli import COMMANDS, all_commands

    commands = all_commands()
    lines = [
        "# Command line reference",
        "",
        "Generated from the typer app's click command tree when the site is built (`docs/gen_pages.py`), so it",
        "lists exactly what `foedus --help` and `foedus COMMAND --help` say. Every command takes `--db PATH`",
        "(default: `FOEDUS_DB`, else `~/.local/share/foedus/foedus.duckdb`); errors print one line and exit 2.",
        "",
        "| command | what it does |",
        "|---|---|",
    ]
    order = [name for names in COMMANDS.values() for name in names]
    for name in order:
        short = next(names[name] for names in COMMANDS.values() if name in names)
        lines.append(f"| [`foedus {name}`](#foedus-{name}) | {_cell(short)} |")
    lines.append("")
    for name in order:
        lines += _command_md(["foedus", name], commands[name], 2)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- HTTP
def _schema_type(schema: dict) -> str:
    if not schema:
        return ""
    if "anyOf" in schema:
        return " or ".join(t for t in (_schema_type(s) for s in schema["anyOf"]) if t and t != "null")
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "")
    if kind == "array":
        return f"list of {_schema_type(schema.get('items', {}))}"
    bounds = [f"{k} {schema[k]}" for k in ("minimum", "maximum", "minLength", "maxLength") if k in schema]
    if "enum" in schema:
        bounds.append("one of " + ", ".join(map(str, schema["enum"])))
    return kind + (f" ({'; '.join(bounds)})" if bounds else "")


def http_page() -> str:
    from foedus.api.app import create_app

    spec = create_app(":memory:").openapi()
    lines = [
        "# HTTP API reference",
        "",
        f"Generated from the OpenAPI schema of `foedus serve` ({spec['info'].get('title', 'foedus')} "
        f"{spec['info'].get('version', '')}) when the site is built. A running server also serves the schema at",
        "`/openapi.json` and an offline Swagger UI at `/docs`. The JSON of each endpoint equals the matching",
        "CLI command's `--json`; bad input is a 422 naming the parameter. See also",
        "[running a shared server](../tutorials/server.md).",
        "",
        "| method | path | summary |",
        "|---|---|---|",
    ]
    body: list[str] = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            anchor = f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "").strip("-")
            lines.append(f"| {method.upper()} | [`{path}`](#{anchor}) | {_cell(op.get('summary', ''))} |")
            body += [f"## {method.upper()} `{path}` {{ #{anchor} }}", ""]
            if op.get("description"):
                body += [op["description"].strip(), ""]
            params = op.get("parameters", [])
            if params:
                body += ["| parameter | in | required | type | meaning |", "|---|---|---|---|---|"]
                for p in params:
                    body.append(f"| `{p['name']}` | {p['in']} | {'yes' if p.get('required') else ''} | "
                                f"{_cell(_schema_type(p.get('schema', {})))} | {_cell(p.get('description', ''))} |")
                body.append("")
            request = op.get("requestBody", {}).get("content", {})
            for media, content in request.items():
                body += [f"Request body ({media}): `{_cell(_schema_type(content.get('schema', {})))}`.", ""]
            responses = op.get("responses", {})
            if responses:
                body += ["| status | meaning | body |", "|---|---|---|"]
                for status, response in responses.items():
                    schema = next(iter(response.get("content", {}).values()), {}).get("schema", {})
                    body.append(f"| {status} | {_cell(response.get('description', ''))} | "
                                f"{_cell(_schema_type(schema))} |")
                body.append("")
    return "\n".join(lines + [""] + body) + "\n"


# ---------------------------------------------------------------- register schema
def _annotation(annotation) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is typing.Annotated:
        return "date (YYYY, YYYY-MM or YYYY-MM-DD)" if args[0] is str else _annotation(args[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        parts = [_annotation(a) for a in args if a is not type(None)]
        return " or ".join(parts) + (" (optional)" if type(None) in args else "")
    if origin in (list, tuple):
        return f"list of {_annotation(args[0])}" if args else "list"
    if origin is dict:
        return f"mapping {_annotation(args[0])} → {_annotation(args[1])}"
    if isinstance(annotation, type):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})" if hasattr(annotation, "model_fields") \
            else annotation.__name__
    return str(annotation).replace("typing.", "")


def _model_table(model) -> list[str]:
    lines = ["| field | type | required | default | meaning |", "|---|---|---|---|---|"]
    for name, info in model.model_fields.items():
        required = info.is_required()
        default = "" if required or info.default in (None, [], {}) else f"`{info.default}`"
        kind = _annotation(info.annotation)
        if any(type(m).__name__ == "BeforeValidator" for m in info.metadata):  # PartialDate
            kind = kind.replace("str", "date (YYYY, YYYY-MM or YYYY-MM-DD)", 1)
        lines.append(f"| `{name}` | {kind} | {'yes' if required else ''} | {default} | "
                     f"{_cell(info.description or '')} |")
    return lines


def register_page() -> str:
    from foedus.register import model

    entries = [model.Treaty, model.DatasetUpdate, model.Organization, model.StatusNote, model.Invocation]
    parts = [model.Citation, model.Reading, model.Obligation, model.Member, model.AddedMember, model.OrgMember,
             model.Suspension, model.PartyResponse]
    lines = [
        "# Register YAML schema",
        "",
        "The curated register lives in `src/foedus/register/data/*.yaml`. Generated from the pydantic models in",
        "`foedus.register.model` when the site is built. Every file is a mapping with `entries:`, a list of",
        "entries each with a `kind`; unknown fields are errors, and the loader names file, line, entry and field.",
        "`foedus register check` validates the files without loading them; `foedus data import` loads them.",
        "",
        "Every entry also has the common fields `id`, `citations` (at least one), `checked` (when its facts were",
        "last verified), `uncertain`, `readings` (competing readings, each with its own sources) and `notes`.",
        "",
    ]
    top = getattr(model, "RegisterFile", None)
    if top is not None:
        lines += ["## File", "", *_model_table(top), ""]
    for entry in entries:
        kind = typing.get_args(entry.model_fields["kind"].annotation)[0]
        lines += [f"## {entry.__name__}", "", f"An entry with `kind: {kind}`. {_cell(entry.__doc__ or '')}", "",
                  *_model_table(entry), ""]
    lines += ["## Parts", ""]
    for part in parts:
        lines += [f"### {part.__name__}", "", _cell(part.__doc__ or ""), "", *_model_table(part), ""]
    return "\n".join(lines) + "\n"


PAGES = {"reference/cli.md": cli_page, "reference/http.md": http_page, "reference/register-schema.md": register_page}


def _write_with_gen_files() -> None:
    import mkdocs_gen_files

    for name, build in PAGES.items():
        with mkdocs_gen_files.open(name, "w") as handle:
            handle.write(build())
        mkdocs_gen_files.set_edit_path(name, "docs/gen_pages.py")


if __name__ == "__main__" and len(sys.argv) > 1:
    out = Path(sys.argv[1])
    for name, build in PAGES.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(build(), encoding="utf-8")
else:
    _write_with_gen_files()
