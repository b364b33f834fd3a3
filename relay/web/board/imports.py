"""Importing a directory file from the coordinator pages: the file is checked first, nothing
written, and the page shows its line-numbered problems and what the import will do; the import
itself waits for the coordinator's confirmation."""

import asyncio
from typing import Any

from aiohttp import web

from relay.directory import ImportReport, summary
from relay.directory.importing import MAX_FILE_BYTES, DirectoryFileError
from relay.textnorm import clean_input
from relay.web.board.access import board_page, checked_form, visitor
from relay.web.board.uploads import Upload, Uploads, suffix_of
from relay.web.site import Handler, Site

IMPORT_PATH = "/tableau/annuaire/import"
CONFIRM_PATH = "/tableau/annuaire/import/confirmer"
UPLOAD_LIMIT = MAX_FILE_BYTES + 2**20  # the file, and the form around it
MAX_NAME = 200
REPLACE = "« Remplacer tout l'annuaire »"
NO_FILE = "Aucun fichier reçu : choisissez un fichier .csv ou .xlsx."
BAD_SUFFIX_TEXT = "{name} : format non reconnu (attendu : .csv ou .xlsx)"
TOO_BIG_TEXT = "{name} : le fichier dépasse {mb} Mo ; découpez-le en plusieurs fichiers"
GONE = (
    "Ce fichier n'est plus disponible : l'import a déjà été fait, ou il a expiré (un fichier "
    "est gardé 30 minutes). Envoyez-le à nouveau."
)


class Imports:
    def __init__(self, site: Site, uploads: Uploads) -> None:
        self.site = site
        self.directory = site.services.directory
        self.uploads = uploads

    async def check(self, request: web.Request) -> web.Response:
        """The file sent, kept and read: its problems and the import's plan, nothing written."""
        form = await checked_form(request)
        sent = form.get("fichier")
        if not isinstance(sent, web.FileField) or not sent.filename:
            return self._problem(request, 400, NO_FILE)
        name = clean_input(sent.filename, MAX_NAME).replace("\n", " ")
        suffix = suffix_of(sent.filename)
        if suffix is None:
            return self._problem(request, 400, BAD_SUFFIX_TEXT.format(name=name))
        replace = form.get("remplacer") == "oui"
        by = visitor(request).coordinator
        token, upload = await asyncio.to_thread(
            self.uploads.keep, sent.file, suffix, name, replace, by
        )
        if upload.path.stat().st_size > MAX_FILE_BYTES:
            self.uploads.take(token, by)
            self.uploads.drop(upload)
            return self._problem(
                request, 413, TOO_BIG_TEXT.format(name=name, mb=MAX_FILE_BYTES >> 20)
            )
        try:
            report = await self.directory.check_file(upload.path, replace)
        except DirectoryFileError as error:
            self.uploads.take(token, by)
            self.uploads.drop(upload)
            return self._problem(request, 400, _named(error, upload))
        return self._report(request, upload, report, token=token)

    async def confirm(self, request: web.Request) -> web.Response:
        """The import of a file checked before, as `relay directory import` does it."""
        form = await checked_form(request)
        by = visitor(request).coordinator
        upload = self.uploads.take(str(form.get("jeton", "")), by)
        if upload is None:
            return self._problem(request, 400, GONE)
        try:
            report = await self.directory.import_file(
                upload.path, replace=upload.replace, by=by, name=upload.name
            )
        except DirectoryFileError as error:
            return self._problem(request, 400, _named(error, upload))
        finally:
            self.uploads.drop(upload)
        return self._report(request, upload, report, token="")

    def _report(
        self, request: web.Request, upload: Upload, report: ImportReport, token: str
    ) -> web.Response:
        """The check (with its confirmation form, `token`) or the import's outcome."""
        title = "Import de l'annuaire" if not token else "Vérification du fichier"
        return board_page(
            self.site,
            request,
            "tableau/annuaire_import.html",
            section="annuaire",
            title=title,
            name=upload.name,
            replace=upload.replace,
            report=report,
            numbers=summary.numbers(report),
            removed=summary.removed(report, REPLACE) if upload.replace else "",
            ignored=summary.ignored_columns(report.parsed),
            lines=_lines(report),
            token=token,
        )

    def _problem(self, request: web.Request, status: int, message: str) -> web.Response:
        return board_page(
            self.site,
            request,
            "tableau/annuaire_erreur.html",
            status,
            section="annuaire",
            title="Import impossible",
            problem=message,
        )


def _named(error: DirectoryFileError, upload: Upload) -> str:
    """The error's message, naming the file as the coordinator named it."""
    return str(error).replace(upload.path.name, upload.name)


def _lines(report: ImportReport) -> list[dict[str, Any]]:
    """The problems (lines left out) and warnings (lines loaded), in line order."""
    problems = set(report.parsed.problems)
    return [
        {"line": p.line, "left_out": p in problems, "message": p.message}
        for p in summary.by_line(report.parsed)
    ]


def routes(site: Site, uploads: Uploads) -> list[web.RouteDef]:
    imports = Imports(site, uploads)
    return [
        web.post(IMPORT_PATH, imports.check),
        web.post(CONFIRM_PATH, imports.confirm),
    ]


@web.middleware
async def upload_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A directory file may be larger than any other form (aiohttp's 1 MB): for its one path."""
    if request.method == "POST" and request.path == IMPORT_PATH:
        return await handler(request.clone(client_max_size=UPLOAD_LIMIT))
    return await handler(request)
