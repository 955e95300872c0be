-- checks.rates_in_range: derived rates outside 0–1 (possible only when the printed counts
-- contradict each other, e.g. more granted than handled).
select level, region_code, year, disclosure_rate, withheld_rate, review_correction_rate, litigation_correction_rate
from analytics.region_years
where disclosure_rate not between 0 and 1
   or withheld_rate not between 0 and 1
   or review_correction_rate not between 0 and 1
   or litigation_correction_rate not between 0 and 1;
