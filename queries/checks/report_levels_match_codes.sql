-- checks.report_levels_match_codes: current reports whose stored level (the issuing body's level)
-- disagrees with the length of their division code (2 digits province, 4 prefecture, 6 county).
-- The rollups place a report by its code; a disagreement means the parser's region and level
-- contradict each other, to be looked at. (A report stored without a level — rows written
-- before migration 0004 are filled in by it — is placed by its code.)
select
    report_id,
    region_code,
    level,
    source_path
from main.reports
where is_current
  and region_code is not null
  and level is not null
  and level is distinct from case length(region_code) when 2 then 'province' when 4 then 'prefecture' when 6 then 'county' end;
