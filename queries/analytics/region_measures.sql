-- analytics.region_measures: every level's yearly measures in long form (marts.region_measures):
-- one row per level, division, year and measure, with every table 2 item as
-- 'table2.<item>.<measure>'; kind says how the measure compares over time, basis how the
-- division is counted (area: its consolidated report; bodies: its own bodies and child divisions).
select
    level,
    region_code,
    region_name,
    year,
    basis,
    formats,
    measure,
    kind,
    value
from marts.region_measures;
