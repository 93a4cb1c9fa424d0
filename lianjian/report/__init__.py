"""The printable report (汇报材料): the coverage of a district, street or community in
the register of an organization department's own work reports, as HTML or PDF.

:func:`lianjian.report.figures.gather` reads the figures from a store through the
query layer; :func:`lianjian.report.html.render_html` writes them as one HTML page
(every ledger value escaped, charts as inline SVG); :func:`lianjian.report.pdf.html_to_pdf`
prints it with WeasyPrint. :func:`build` does all three.

This layer sits above :mod:`lianjian.export` and below the dashboard and the CLI.
"""
