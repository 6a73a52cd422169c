"""The assessment kernel: what every wing needs of one assessment, owned by none of them.

Finding an assessment, its pinned questionnaire, its answers, scores and repeat checks
(`assessments`), the tables (`models`), firms and peer groups (`firms`, `peers`), the cache of
its files (`files`) and the one way to draw and cache a chart (`charts`).
"""
