"""`relay ask` and `relay directory …` as a coordinator runs them, on every backend."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.directory_fixtures import CONFIG


def relay(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relay", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "RELAY_DATABASE_URL": database_url, "RELAY_CONFIG_DIR": str(CONFIG)},
        timeout=120,
        check=False,
    )


def test_ask_answers_out_of_the_box(database_url: str) -> None:
    first = relay(database_url, "ask", "--json", "où trouver un psychologue à Pornic ?")
    assert first.returncode == 0, first.stderr
    assert "j'ai chargé l'annuaire d'exemple (325 fiches" in first.stderr
    answer = json.loads(first.stdout)
    assert answer["query"] == "où trouver un psychologue à Pornic ?"
    assert answer["place"] == "Pornic"
    results = answer["results"]
    assert [r["id"] for r in results] == ["ann-0205", "ann-0206", "ann-0207"]
    assert {"id", "name", "score", "category", "commune", "phone", "hours", "site"} <= set(
        results[0]
    )
    assert results[0]["score"] >= results[1]["score"] >= results[2]["score"]
    second = relay(database_url, "ask", "vétérinaire à Pornic")
    assert second.returncode == 0 and second.stderr == ""
    assert second.stdout.startswith("Je n'ai rien trouvé pour « vétérinaire » à Pornic")
    nothing = relay(database_url, "ask", "--json", "vétérinaire")
    assert json.loads(nothing.stdout)["results"] == []


def test_ask_without_a_question_is_bad_usage(database_url: str) -> None:
    result = relay(database_url, "ask", "  ")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("relay : ")


def test_import_export_and_stale(database_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "annuaire.csv"
    bad.write_text("nom;commune;latitude;longitude\nA;Pornic;;\n;Legé;;\nB;Legé;x;1\n", "utf-8")
    imported = relay(database_url, "directory", "import", str(bad))
    assert imported.returncode == 1
    assert imported.stderr.splitlines() == [
        "relay : annuaire.csv, ligne 3 : le nom (colonne « nom ») est vide",
        "relay : annuaire.csv, ligne 4 : latitude « x » n'est pas un nombre",
    ]
    assert imported.stdout.startswith(
        "3 lignes lues (utf-8) : 1 ajoutée, 0 mise à jour, 0 inchangée, 2 rejetées."
    )

    good = relay(database_url, "directory", "import", str(CONFIG / "annuaire.csv"))
    assert good.returncode == 0, good.stderr
    assert "325 ajoutées" in good.stdout

    exported = tmp_path / "export.xlsx"
    result = relay(database_url, "directory", "export", str(exported))
    assert result.returncode == 0 and "326 fiches écrites dans" in result.stdout
    assert exported.stat().st_size > 10_000

    stale = relay(database_url, "directory", "stale", "--json")
    assert stale.returncode == 0
    assert any(row["name"] == "A" for row in json.loads(stale.stdout))  # never verified

    for args in (("import", str(tmp_path / "absent.csv")), ("export", "annuaire.pdf")):
        refused = relay(database_url, "directory", *args)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
