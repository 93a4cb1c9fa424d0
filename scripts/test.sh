#!/usr/bin/env bash
# Install everything the tests need on a fresh machine, then run them.
# Python packages into .venv (versions pinned by constraints.txt); Java, Maven,
# Chromium and CJK fonts from Debian's packages when missing; Neo4j Community 5.26
# from Maven Central into .neo4j/ (the tests start and stop it themselves), and
# Apache Jena into .jena/ (riot and shacl check the RDF export).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
# the dashboard's browser test: Debian's Chromium and CJK fonts (no browser download)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need_apt+=(fonts-noto-cjk)
# the printable report's tests read its PDF: pdftotext, pdftoppm and pdffonts
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c constraints.txt -e '.[test]'
.venv/bin/python -m lianjian.graph.neo4j.server fetch
.venv/bin/python -m lianjian.export.jena fetch
exec .venv/bin/python -m pytest "$@"
