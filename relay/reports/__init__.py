"""The monthly report: counting (`monthly`), text/JSON/CSV (`formats`), the chart (`chart`)."""
