"""Loading and validating the YAML files: questionnaires, partner directories, the centre file.

Reading YAML with line numbers (`source`, its syntax errors in `syntax`), checking the shape
against the models (`structure`), cross-checks of ids and references (`outline`, `references`),
the entry points (`loader`), the JSON Schemas (`schema`) and the problems found (`problems`).
"""
