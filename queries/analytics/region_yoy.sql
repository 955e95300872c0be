-- analytics.region_yoy: year-over-year change of every measure, per level and division
-- (marts.region_yoy): the difference and % change for counts, the difference in percentage
-- points for rates; table 2 measures across different templates are a break in series, marked
-- and never compared.
select
    level,
    region_code,
    region_name,
    year,
    measure,
    kind,
    value,
    value_prev,
    value_yoy_delta,
    value_yoy_pct,
    series_break,
    formats,
    formats_prev,
    basis,
    basis_prev
from marts.region_yoy;
