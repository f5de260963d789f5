"""Questions the CLI and the dashboard ask of the improvement-plan tables (:mod:`.report`).

Reading tracker workbooks and building their tables is the input kind ``etl.inputs.tracker``.
"""
