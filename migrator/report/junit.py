"""`junit`: JUnit XML, one test case a finding (one passing case when there are none)."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from migrator.engine import deadline
from migrator.report.terminal import printable


def render(report) -> str:
    count = str(len(report.rows))
    suites = ET.Element("testsuites", name="astro-migrate", tests=count, failures=count)
    suite = ET.SubElement(suites, "testsuite", name="astro-migrate", tests=count, failures=count)
    for row in report.rows:
        path = printable(row.path)  # XML 1.0 holds neither control characters nor lone surrogates
        where = f"{path}:{row.location.row}:{row.location.column}"
        case = ET.SubElement(suite, "testcase", name=f"{row.code} at {where}", classname=path)
        failure = ET.SubElement(case, "failure", message=row.message, type=row.code)
        failure.text = "\n".join(filter(None, [
            f"{where}: {row.code} {row.message} [{row.severity}; {deadline.phrase(report.days_left)}]",
            printable(row.source_line),
            f"help: {row.fix_message}" if row.fix_message else "",
        ]))
    if not report.rows:
        suite.set("tests", "1")
        suites.set("tests", "1")
        ET.SubElement(suite, "testcase", name="no v1beta1 usage", classname="astro-migrate")
    ET.SubElement(suite, "system-out").text = report.summary()
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
