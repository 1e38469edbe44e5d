"""Run example files as real programs and show their source and output on the page.

markdown-exec runs ``python`` blocks inside the build process, under a made-up module
name and with no time limit. Our examples need the opposite: each one runs as
``python snippets/...py`` would for a reader, in its own process, with a timeout, and a
failure stops the build. This package is that one difference, one job per module:

- ``fence``: the ``python-snippet`` fence mkdocs.yml declares and the page it makes;
  ``options``: a fence's options, parsed once;
- ``runs``: this build's one run of an example, whoever asks for it first;
- ``process``: running one snippet (``Run``), and ``tree``: killing all it started;
- ``cache``: reusing outputs in the edit loop while nothing they may use has changed;
- ``serve``: in ``mkdocs serve``, placeholders now and one background worker that
  runs the examples, and ``notebooks``: the notebooks it executes after them;
- ``report``: the cost report every build prints, and the run record tests read back;
- ``build``: a strict ``mkdocs build`` that returns its runs, and a ``mkdocs serve``
  read over HTTP (tests, ``dev.py bench``);
- ``records``: where a run ran (provenance, cell), and merging other cells' records;
- ``cells``: ``dev.py measure``, one interpreter's records; ``matrix``: their tabs under
  an example; ``across``: the ``snippet-cells`` fence comparing cells; ``tables``:
  the one parser of measure's Markdown tables (the tests use it too);
- ``chroot``: a Debian unstable chroot, made once and entered safely; ``debian_cells``:
  ``dev.py cells``, Debian's 3.14 and 3.15 measured in it;
- ``claims``: a sentence bound to a check on an example's values, and its verdict on
  a run; ``marks``: the verdicts on the page, under each example and in the ledger.

It knows nothing about chapters; pages and snippets know nothing about it beyond the
fence. ``python -m snippet_runner PATH`` runs one snippet the same way.
"""
