-- staging.table2: table 2 of the current report versions, one row per report, item and measure,
-- with the series a measure belongs to across the two templates: issued (gb2021 本年制发件数 ≈
-- gb2019 本年新制作数量, rules and normative documents) and decisions (licensing, penalty,
-- coercion) compare across formats; every other measure changed meaning (series NULL).
select
    f.report_id,
    f.item,
    f.measure,
    f.value,
    f.state,
    case
        when f.item in ('rules', 'normative_documents') and f.measure in ('issued', 'new_made') then 'issued'
        when f.item in ('licensing', 'penalty', 'coercion') and f.measure = 'decisions' then f.item || '_decisions'
    end as series
from main.table2_facts as f
join main.reports as r
    on r.report_id = f.report_id
where r.is_current;
