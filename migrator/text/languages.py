"""The text tier's languages, as data: one entry per syntax, read by `project.filetypes` (which
files are which language) and `text.tokens` (comments, strings, interpolation, joins).

Adding a language is adding a `Language` here: its file names, its line-comment markers, the
interpolation spellings its strings use beyond the common ones (`${X}`, `$X`, `{{ x }}`, `%s`,
`{x}`), the sigils its variable names carry, the operators that concatenate strings, and the
format calls that fill `%s`/`{}` from arguments. Line ends are `\\n`, `\\r\\n` and `\\r` for
every language (the editors that write CR-only files are the tools that read them).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class FormatCall:
    """A call that fills a format string's fields with its later arguments:
    `fmt.Sprintf("%s/iam/%s", host, ver)`; `field` matches one field (`%s`, `{}`, `{0}`)."""

    name: str  # regex for the callee right before `(` (`Sprintf`, `format!`, `String\.Format`)
    field: str  # regex for one field; a group 1, when present, is the argument's index


PERCENT = r"%[-+# 0]*\d*(?:\.\d+)?[svdq]"
BRACES = r"\{(\d*)(?::[^{}]*)?\}"


@dataclass(frozen=True)
class Language:
    name: str  # the flavor the rest of the text tier knows it by
    suffixes: tuple = ()  # ".sh"
    names: tuple = ()  # exact file names, lower-case ("makefile")
    prefixes: tuple = ()  # file-name prefixes, lower-case ("dockerfile.")
    interpreters: tuple = ()  # shebang programs ("bash")
    comments: tuple = ()  # line-comment markers, after a line start or white space
    comment_lines_only: bool = False  # a marker counts only at the start of a line (Dockerfile)
    interpolation: tuple = ()  # regexes of placeholders beyond the common ones
    sigils: str = ""  # characters a variable's name may carry where it is assigned (`$base = …`)
    concat: tuple = ("+",)  # operators joining two strings
    formats: tuple = ()  # FormatCall entries
    prose: bool = False  # documentation: a bare base in words is no call


GO_FORMATS = (FormatCall(r"Sprintf", PERCENT),)
JAVA_FORMATS = (FormatCall(r"(?:String\.)?format|formatted", PERCENT),)
SHELL_NAMES = ("sh", "bash", "zsh", "ksh", "dash", "ash")

LANGUAGES = (
    Language("shell", (".sh", ".bash", ".zsh", ".ksh"), interpreters=SHELL_NAMES, comments=("#",)),
    Language("yaml", (".yml", ".yaml"), comments=("#",)),
    Language("hcl", (".tf", ".tfvars", ".hcl"), comments=("#", "//")),
    Language("docker", (".dockerfile", ".containerfile"), ("dockerfile", "containerfile", "earthfile"),
             ("dockerfile.", "containerfile."), comments=("#",), comment_lines_only=True),
    Language("env", (".env",), (".env",), (".env.",), comments=("#",)),
    Language("markdown", (".md", ".markdown", ".mdx", ".rst"), prose=True),
    Language("json", (".json",)),
    Language("toml", (".toml",), comments=("#",)),
    Language("ini", (".ini", ".cfg"), comments=("#", ";")),
    Language("js", (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs"), interpreters=("node", "deno", "bun"),
             comments=("//",)),
    Language("go", (".go",), comments=("//",), formats=GO_FORMATS),
    Language("make", (".mk",), ("makefile", "gnumakefile"), comments=("#",)),
    Language("notebook", (".ipynb",)),
    Language("rust", (".rs",), comments=("//",), formats=(FormatCall(r"format!", BRACES),)),
    Language("java", (".java", ".kt", ".kts", ".scala"), comments=("//",), formats=JAVA_FORMATS),
    Language("groovy", (".groovy", ".gradle", ".jenkinsfile"), ("jenkinsfile",), ("jenkinsfile.",),
             comments=("//",), formats=JAVA_FORMATS),
    Language("csharp", (".cs",), comments=("//",), formats=(FormatCall(r"(?:string|String)\.Format", BRACES),)),
    Language("ruby", (".rb", ".rake"), ("rakefile", "gemfile"), interpreters=("ruby",), comments=("#",),
             interpolation=(r"#\{[^{}\n]*\}",), formats=(FormatCall(r"s?printf|format", PERCENT),)),
    Language("php", (".php",), interpreters=("php",), comments=("//", "#"), interpolation=(r"\{\$[^{}\n]*\}",),
             sigils="$", concat=(".",), formats=(FormatCall(r"sprintf", PERCENT),)),
    Language("powershell", (".ps1", ".psm1"), interpreters=("pwsh",), comments=("#",),
             interpolation=(r"\$\([^()\n]*\)", r"\$env:\w+", r"\$\{env:\w+\}"), sigils="$"),
    Language("just", (".just",), ("justfile", ".justfile"), comments=("#",)),
    Language("http", (".http", ".rest"), comments=("#", "//"), sigils="@"),
    Language("plain", comments=("#",), prose=True),
)
BY_NAME = {language.name: language for language in LANGUAGES}


def language(flavor: Optional[str]) -> Language:
    """The table entry of a flavor; "plain" for one the table does not know."""
    return BY_NAME.get(flavor or "plain", BY_NAME["plain"])
