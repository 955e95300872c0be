-- analytics.region_yoy: year-over-year change of every measure, per level and division
-- (marts.region_yoy), in two forms: all the reports of each year (value_*), and like for like
-- (同口径, lfl_*: over the counties, bodies above county level and divisions compared whole that
-- reported in both years), with the counts the sentence needs (lfl_county_count, new_county_count,
-- gone_county_count …). The difference and % change for counts, the difference in percentage
-- points for rates (rates compare like for like by default: lfl_yoy_delta); table 2 measures
-- across different templates are a break in series, marked and never compared.
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
    basis_prev,
    lfl_value,
    lfl_value_prev,
    lfl_yoy_delta,
    lfl_yoy_pct,
    lfl_report_count,
    lfl_county_count,
    new_county_count,
    gone_county_count,
    lfl_body_count,
    new_body_count,
    gone_body_count,
    lfl_whole_count,
    new_whole_count,
    gone_whole_count,
    basis_changed_count
from marts.region_yoy;
