"""The operational picture: a live web map served by ``skypact serve`` at ``/``.

Everything it loads comes from the server itself (``static/``: the page, and the npm packages
that ``make`` copies into ``static/vendor`` from the committed lock file): users run air-gapped.
"""
