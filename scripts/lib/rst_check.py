#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Parse reStructuredText files with docutils and print every warning or
error (malformed tables, broken references, bad indentation). The Sphinx
role :doc: and the directives toctree and kernel-doc, which plain docutils
does not know, are accepted as they are. Exit status 1 on any finding.

usage: rst_check.py FILE...
"""
import sys

import docutils.core
import docutils.nodes
from docutils.parsers.rst import Directive, directives, roles


def doc_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [docutils.nodes.literal(rawtext, text)], []


class AnyOption(dict):
    def __getitem__(self, key):
        return directives.unchanged


class Ignored(Directive):
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = AnyOption()

    def run(self):
        return []


roles.register_local_role("doc", doc_role)
directives.register_directive("toctree", Ignored)
directives.register_directive("kernel-doc", Ignored)

status = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    doc = docutils.core.publish_doctree(
        text, source_path=path,
        settings_overrides={"report_level": 5, "halt_level": 5})
    for msg in doc.traverse(docutils.nodes.system_message):
        if msg["level"] >= 2:
            print(f"{path}:{msg.get('line', '?')}: {msg.astext()}")
            status = 1
sys.exit(status)
