"""The text tier's languages, as data: one entry per syntax, read by `project.filetypes` (which
files are which language), `text.tokens` and `text.pieces` (comments, strings, interpolation,
concatenation, format and join calls).

Adding a language is adding a `Language` here: its file names, its line-comment markers, the
interpolation spellings its strings use beyond the common ones (`${X}`, `$X`, `{{ x }}`, `%s`,
`{x}`), the sigils its variable names carry, the operators that concatenate strings, the format
calls that fill `%s`/`{}` from arguments, the calls that join their arguments with `/`, and
whether quotes glue words as in a shell. Line ends are `\\n`, `\\r\\n` and `\\r` for every
language (the editors that write CR-only files are the tools that read them).
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
    sigils: str = ""  # regex of what a variable's name may carry where it is assigned (`$base = …`)
    concat: tuple = ("+",)  # operators joining two strings
    formats: tuple = ()  # FormatCall entries
    joins: tuple = ()  # regexes of calls joining their arguments (group 1) with `/`
    prose: bool = False  # documentation: a bare base in words is no call
    glued: bool = False  # quotes glue words as in a shell: `"$HOST"/iam/"$VER"` is one word


GO_FORMATS = (FormatCall(r"Sprintf", PERCENT),)
ARRAY_JOIN = r"\[([^\[\]]*)\]\s*\.join\(\s*[\"'`]/[\"'`]\s*\)"
STRING_JOIN = r"[Ss]tring\.[Jj]oin\(\s*\"/\"\s*,([^()]*)\)"
JAVA_FORMATS = (FormatCall(r"(?:String\.)?format|formatted", PERCENT),)
SHELL_NAMES = ("sh", "bash", "zsh", "ksh", "dash", "ash")

LANGUAGES = (
    Language("shell", (".sh", ".bash", ".zsh", ".ksh"), interpreters=SHELL_NAMES, comments=("#",), glued=True),
    Language("yaml", (".yml", ".yaml"), comments=("#",), glued=True),
    Language("hcl", (".tf", ".tfvars", ".hcl"), comments=("#", "//")),
    Language("docker", (".dockerfile", ".containerfile"), ("dockerfile", "containerfile", "earthfile"),
             ("dockerfile.", "containerfile."), comments=("#",), comment_lines_only=True, glued=True),
    Language("env", (".env",), (".env",), (".env.",), comments=("#",), glued=True),
    Language("markdown", (".md", ".markdown", ".mdx", ".rst"), prose=True),
    Language("json", (".json",), joins=(r"\"path\"\s*:\s*\[([^\[\]]*)\]",)),  # Postman's split URLs
    Language("toml", (".toml",), comments=("#",)),
    Language("ini", (".ini", ".cfg"), comments=("#", ";")),
    Language("js", (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs"), interpreters=("node", "deno", "bun"),
             comments=("//",), joins=(ARRAY_JOIN,)),
    Language("go", (".go",), comments=("//",), formats=GO_FORMATS,
             joins=(r"\b(?:path\.Join|\w+\.JoinPath)\(([^()]*)\)",)),
    Language("make", (".mk",), ("makefile", "gnumakefile"), comments=("#",), glued=True),
    Language("notebook", (".ipynb",)),
    Language("rust", (".rs",), comments=("//",), formats=(FormatCall(r"format!", BRACES),), joins=(ARRAY_JOIN,)),
    Language("java", (".java", ".kt", ".kts", ".scala"), comments=("//",), formats=JAVA_FORMATS,
             joins=(STRING_JOIN,)),
    Language("groovy", (".groovy", ".gradle", ".jenkinsfile"), ("jenkinsfile",), ("jenkinsfile.",),
             comments=("//",), formats=JAVA_FORMATS, joins=(ARRAY_JOIN, STRING_JOIN)),
    Language("csharp", (".cs",), comments=("//",), formats=(FormatCall(r"(?:string|String)\.Format", BRACES),),
             joins=(STRING_JOIN,)),
    Language("ruby", (".rb", ".rake"), ("rakefile", "gemfile"), interpreters=("ruby",), comments=("#",),
             interpolation=(r"#\{[^{}\n]*\}",), formats=(FormatCall(r"s?printf|format", PERCENT),),
             joins=(ARRAY_JOIN,)),
    Language("php", (".php",), interpreters=("php",), comments=("//", "#"), interpolation=(r"\{\$[^{}\n]*\}",),
             sigils=r"\$", concat=(".",), formats=(FormatCall(r"sprintf", PERCENT),),
             joins=(r"implode\(\s*[\"']/[\"']\s*,\s*\[([^\[\]]*)\]\s*\)",)),
    Language("powershell", (".ps1", ".psm1"), interpreters=("pwsh",), comments=("#",),
             interpolation=(r"\$\([^()\n]*\)", r"\$env:\w+", r"\$\{env:\w+\}"), sigils=r"\$(?:env:)?",
             joins=(r"@\(([^()]*)\)\s*-join\s*[\"']/[\"']",)),
    Language("just", (".just",), ("justfile", ".justfile"), comments=("#",), glued=True),
    Language("http", (".http", ".rest"), comments=("#", "//"), sigils="@"),
    Language("plain", comments=("#",), prose=True),
)
BY_NAME = {language.name: language for language in LANGUAGES}


def language(flavor: Optional[str]) -> Language:
    """The table entry of a flavor; "plain" for one the table does not know."""
    return BY_NAME.get(flavor or "plain", BY_NAME["plain"])
